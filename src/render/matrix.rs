//! The cell type × disease matrix as an evidence and gap map.
//!
//! In: the site model (trial records, articles and their labels). Out: the `matrix` context: for
//! each cell, how many studies there are by design, the strongest design with its result, the
//! certainty of the article that grades it, the studies and articles themselves, and, where
//! evidence is missing, the kind of gap: no human study, no randomised trial, or randomised trials
//! but no systematic review.

use super::trials::trial_row;
use super::views::{CertaintyView, EvidenceView, generated_page, href, link, term_link};
use crate::config::Taxonomy;
use crate::content::front_matter::Terms;
use crate::evidence::Design;
use crate::site::Site;
use serde_json::json;
use std::collections::BTreeMap;
use tera::Context;

/// Returns the site path it renders.
pub fn matrix_context(context: &mut Context, site: &Site, lang_index: usize) -> String {
    let Some(matrix) = &site.config.matrix else { return String::new() };
    let lang = site.languages()[lang_index];
    let (Some(rows_t), Some(columns_t)) = (site.config.taxonomy(&matrix.rows), site.config.taxonomy(&matrix.columns))
    else {
        return String::new();
    };
    let row_index = site.config.taxonomies.iter().position(|t| t.key == matrix.rows).unwrap_or(0);
    let prefix = site.lang_prefix(lang);
    let term_href = |t: &Taxonomy, id: &str| href(site, &format!("{prefix}{}/{id}/", t.path));
    let columns: Vec<_> = columns_t
        .terms
        .iter()
        .map(|c| json!({ "id": c.id, "label": c.label_in(lang), "url": term_href(columns_t, &c.id) }))
        .collect();
    let rows: Vec<_> = rows_t
        .terms
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let in_row = &site.terms[row_index][r][lang_index].pages;
            let cells: Vec<_> = columns_t
                .terms
                .iter()
                .map(|column| {
                    let pages: Vec<usize> =
                        in_row.iter().copied().filter(|&p| has(&site.pages[p].front.terms, &columns_t.key, &column.id)).collect();
                    let trials: Vec<usize> = (0..site.trials.len())
                        .filter(|&t| {
                            let terms = &site.trials[t].terms;
                            has(terms, &rows_t.key, &row.id) && has(terms, &columns_t.key, &column.id)
                        })
                        .collect();
                    cell(site, &column.id, &trials, &pages, lang)
                })
                .collect();
            json!({ "term": { "id": row.id, "label": row.label_in(lang), "url": term_href(rows_t, &row.id) }, "cells": cells })
        })
        .collect();
    let path = format!("{}/", matrix.path);
    let title = matrix.title_in(lang);
    generated_page(context, site, "matrix", lang, &path, title, "");
    context.insert(
        "matrix",
        &json!({ "title": title, "rows_title": rows_t.title_in(lang), "columns_title": columns_t.title_in(lang), "columns": columns, "rows": rows, "filters": filters(site, lang) }),
    );
    format!("{prefix}{path}")
}

fn has(terms: &BTreeMap<String, Terms>, key: &str, id: &str) -> bool {
    terms.get(key).is_some_and(|t| t.ids().iter().any(|i| i == id))
}

/// One cell: its studies by design, what the strongest found, its certainty and its gap.
fn cell(site: &Site, column: &str, trials: &[usize], pages: &[usize], lang: &str) -> serde_json::Value {
    let design_of = |p: usize| page_design(site, p);
    let designs: Vec<Design> = trials.iter().map(|&t| site.trials[t].design_rung()).collect();
    let reviewed = pages.iter().any(|&p| cites_review(site, p));
    let human = designs.iter().any(|d| *d > Design::Preclinical)
        || pages.iter().any(|&p| design_of(p) > Some(Design::Preclinical));
    let gap = if !human {
        Some("no-human-study")
    } else if !designs.contains(&Design::RandomisedTrial) {
        Some("no-randomised-trial")
    } else if !reviewed {
        Some("no-systematic-review")
    } else {
        None
    };
    // The certainty of the article that stands on the strongest design in the cell.
    let graded =
        pages.iter().copied().filter(|&p| site.pages[p].front.certainty.is_some()).max_by_key(|&p| design_of(p));
    json!({
        "column_id": column,
        "count": pages.len(),
        "studies": trials.len(),
        "by_design": by_design(site, &designs, lang),
        "evidence": strongest(site, trials, lang),
        "certainty": graded.and_then(|p| site.pages[p].front.certainty.as_ref()).map(CertaintyView::of),
        "gap": gap,
        "trials": trials.iter().map(|&t| trial_row(site, t, lang)).collect::<Vec<_>>(),
        "pages": pages.iter().map(|&p| link(site, site.pages[p].title(), &site.pages[p].url)).collect::<Vec<_>>(),
    })
}

/// How many studies of each design, strongest first, labelled in `lang`.
fn by_design(site: &Site, designs: &[Design], lang: &str) -> Vec<serde_json::Value> {
    let Some(taxonomy) = site.config.evidence.as_ref().and_then(|e| site.config.taxonomy(&e.design)) else {
        return Vec::new();
    };
    Design::ALL
        .iter()
        .rev()
        .filter_map(|design| {
            let n = designs.iter().filter(|d| *d == design).count();
            let term = term_link(site, taxonomy, design.id(), lang)?;
            (n > 0).then(|| json!({ "design": term, "n": n }))
        })
        .collect()
}

fn page_design(site: &Site, p: usize) -> Option<Design> {
    let key = &site.config.evidence.as_ref()?.design;
    Design::from_id(site.pages[p].front.terms.get(key)?.ids().first()?)
}

/// Whether an article cites a systematic review (a reference with that design).
fn cites_review(site: &Site, p: usize) -> bool {
    site.pages[p].front.references.iter().any(|r| r.design == Some(Design::SystematicReview))
}

/// The strongest design among some trial records, with the result of the trial that has it: of
/// several with that design, one with results, the latest to complete.
fn strongest<'a>(site: &'a Site, trials: &[usize], lang: &str) -> Option<EvidenceView<'a>> {
    use crate::evidence::Outcome;
    let config = site.config.evidence.as_ref()?;
    let best = trials.iter().max_by_key(|&&t| {
        let record = &site.trials[t];
        let has_results = !matches!(record.result, Outcome::Pending | Outcome::NoResultsPosted);
        (record.design_rung(), has_results, record.completion)
    })?;
    let record = &site.trials[*best];
    Some(EvidenceView::new(
        term_link(site, site.config.taxonomy(&config.design)?, record.design_rung().id(), lang)?,
        term_link(site, site.config.taxonomy(&config.result)?, record.result.id(), lang)?,
    ))
}

/// The browser's filters: design, result, each vocabulary the records use besides the axes,
/// and trial status.
fn filters(site: &Site, lang: &str) -> Vec<serde_json::Value> {
    let Some(evidence) = &site.config.evidence else { return Vec::new() };
    let axes = site.config.matrix.as_ref().map(|m| [m.rows.as_str(), m.columns.as_str()]).unwrap_or_default();
    let mut keys = vec![evidence.design.as_str(), evidence.result.as_str()];
    for taxonomy in &site.config.taxonomies {
        let used = site.trials.iter().any(|t| t.terms.get(&taxonomy.key).is_some_and(|terms| !terms.ids().is_empty()));
        if used && !axes.contains(&taxonomy.key.as_str()) && !keys.contains(&taxonomy.key.as_str()) {
            keys.push(&taxonomy.key);
        }
    }
    let mut filters: Vec<_> = keys
        .into_iter()
        .filter_map(|key| site.config.taxonomy(key))
        .map(|t| {
            let terms: Vec<_> =
                t.terms.iter().map(|term| json!({ "id": term.id, "label": term.label_in(lang) })).collect();
            json!({ "key": t.key, "title": t.title_in(lang), "terms": terms })
        })
        .collect();
    let statuses: Vec<_> = crate::evidence::Status::ALL
        .iter()
        .filter(|s| site.trials.iter().any(|t| t.status == **s))
        .map(|s| json!({ "id": s.id(), "label": null }))
        .collect();
    filters.push(json!({ "key": "status", "title": null, "terms": statuses }));
    filters
}
