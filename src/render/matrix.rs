//! The cell type × disease matrix as an evidence and gap map (`matrix.html`, kind "matrix").
//!
//! In: the site model (trial records, articles and their labels). Out: the `matrix` context: for
//! each cell, how many studies there are by design, the strongest design with its result, the
//! certainty of the article that grades it, the studies and articles themselves, and, where
//! evidence is missing, the kind of gap: no human study, no randomised trial, or randomised trials
//! but no systematic review.

use super::context::{Common, Context};
use super::trials::{TrialRow, trial_row};
use super::views::{CertaintyView, EvidenceView, Filter, Link, TermLabel, TermLink, href, page_link, term_link};
use crate::config::Taxonomy;
use crate::content::front_matter::Terms;
use crate::evidence::Design;
use crate::site::{LangId, PageId, Site, TrialId};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub(crate) struct MatrixContext<'a> {
    matrix: MatrixView<'a>,
}

#[derive(Serialize)]
struct MatrixView<'a> {
    title: &'a str,
    rows_title: &'a str,
    columns_title: &'a str,
    columns: Vec<Axis<'a>>,
    rows: Vec<Row<'a>>,
    filters: Vec<Filter<'a>>,
}

/// A row's or column's term.
#[derive(Serialize)]
struct Axis<'a> {
    id: &'a str,
    label: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Row<'a> {
    term: Axis<'a>,
    cells: Vec<Cell<'a>>,
}

#[derive(Serialize)]
struct Cell<'a> {
    column_id: &'a str,
    /// Articles.
    count: usize,
    /// Trial records.
    studies: usize,
    by_design: Vec<DesignCount<'a>>,
    evidence: Option<EvidenceView<'a>>,
    certainty: Option<CertaintyView<'a>>,
    gap: Option<&'static str>,
    trials: Vec<TrialRow<'a>>,
    pages: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct DesignCount<'a> {
    design: TermLink<'a>,
    n: usize,
}

/// Returns the site path it renders; `None` without `[matrix]`.
pub(crate) fn context<'a>(site: &'a Site, lang_id: LangId) -> Option<(String, Context<'a, MatrixContext<'a>>)> {
    let matrix = site.config.matrix.as_ref()?;
    let lang = site.lang(lang_id);
    let (rows_t, columns_t) = (site.config.taxonomy(&matrix.rows)?, site.config.taxonomy(&matrix.columns)?);
    let row_taxonomy = site.taxonomy_id(&matrix.rows)?;
    let prefix = site.lang_prefix(lang);
    let axis = |t: &'a Taxonomy, rank: usize| {
        let term = &t.terms[rank];
        Axis { id: &term.id, label: term.label_in(lang), url: href(site, &format!("{prefix}{}/{}/", t.path, term.id)) }
    };
    let rows = site
        .term_ids(row_taxonomy)
        .map(|row| {
            let row_id = &site.term(row).id;
            let in_row = site.term_pages(row, lang_id);
            let cells = columns_t
                .terms
                .iter()
                .map(|column| {
                    let pages: Vec<PageId> = in_row
                        .iter()
                        .copied()
                        .filter(|&p| has(&site.page(p).front.terms, &columns_t.key, &column.id))
                        .collect();
                    let trials: Vec<TrialId> = site
                        .trials
                        .iter_ids()
                        .filter(|(_, record)| {
                            has(&record.terms, &rows_t.key, row_id) && has(&record.terms, &columns_t.key, &column.id)
                        })
                        .map(|(t, _)| t)
                        .collect();
                    cell(site, &column.id, &trials, &pages, lang)
                })
                .collect();
            Row { term: axis(rows_t, row.rank), cells }
        })
        .collect();
    let path = format!("{}/", matrix.path);
    let title = matrix.title_in(lang);
    let common = Common::generated(site, "matrix", lang, &path, title, "");
    let view = MatrixView {
        title,
        rows_title: rows_t.title_in(lang),
        columns_title: columns_t.title_in(lang),
        columns: (0..columns_t.terms.len()).map(|rank| axis(columns_t, rank)).collect(),
        rows,
        filters: filters(site, lang),
    };
    Some((format!("{prefix}{path}"), Context { common, own: MatrixContext { matrix: view } }))
}

fn has(terms: &BTreeMap<String, Terms>, key: &str, id: &str) -> bool {
    terms.get(key).is_some_and(|t| t.ids().iter().any(|i| i == id))
}

/// One cell: its studies by design, what the strongest found, its certainty and its gap.
fn cell<'a>(site: &'a Site, column: &'a str, trials: &[TrialId], pages: &[PageId], lang: &str) -> Cell<'a> {
    let design_of = |p: PageId| page_design(site, p);
    let designs: Vec<Design> = trials.iter().map(|&t| site.trial(t).design_rung()).collect();
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
        pages.iter().copied().filter(|&p| site.page(p).front.certainty.is_some()).max_by_key(|&p| design_of(p));
    Cell {
        column_id: column,
        count: pages.len(),
        studies: trials.len(),
        by_design: by_design(site, &designs, lang),
        evidence: strongest(site, trials, lang),
        certainty: graded.and_then(|p| site.page(p).front.certainty.as_ref()).map(CertaintyView::of),
        gap,
        trials: trials.iter().map(|&t| trial_row(site, t, lang)).collect(),
        pages: pages.iter().map(|&p| page_link(site, p)).collect(),
    }
}

/// How many studies of each design, strongest first, labelled in `lang`.
fn by_design<'a>(site: &'a Site, designs: &[Design], lang: &str) -> Vec<DesignCount<'a>> {
    let Some(taxonomy) = site.config.evidence.as_ref().and_then(|e| site.config.taxonomy(&e.design)) else {
        return Vec::new();
    };
    Design::ALL
        .iter()
        .rev()
        .filter_map(|design| {
            let n = designs.iter().filter(|d| *d == design).count();
            let term = term_link(site, taxonomy, design.id(), lang)?;
            (n > 0).then_some(DesignCount { design: term, n })
        })
        .collect()
}

fn page_design(site: &Site, p: PageId) -> Option<Design> {
    let key = &site.config.evidence.as_ref()?.design;
    Design::from_id(site.page(p).front.terms.get(key)?.ids().first()?)
}

/// Whether an article cites a systematic review (a reference with that design).
fn cites_review(site: &Site, p: PageId) -> bool {
    site.page(p).front.references.iter().any(|r| r.design == Some(Design::SystematicReview))
}

/// The strongest design among some trial records, with the result of the trial that has it: of
/// several with that design, one with results, the latest to complete.
fn strongest<'a>(site: &'a Site, trials: &[TrialId], lang: &str) -> Option<EvidenceView<'a>> {
    use crate::evidence::Outcome;
    let config = site.config.evidence.as_ref()?;
    let best = trials.iter().max_by_key(|&&t| {
        let record = site.trial(t);
        let has_results = !matches!(record.result, Outcome::Pending | Outcome::NoResultsPosted);
        (record.design_rung(), has_results, record.completion)
    })?;
    let record = site.trial(*best);
    Some(EvidenceView::new(
        term_link(site, site.config.taxonomy(&config.design)?, record.design_rung().id(), lang)?,
        term_link(site, site.config.taxonomy(&config.result)?, record.result.id(), lang)?,
    ))
}

/// The browser's filters: design, result, each vocabulary the records use besides the axes,
/// and trial status.
fn filters<'a>(site: &'a Site, lang: &str) -> Vec<Filter<'a>> {
    let Some(evidence) = &site.config.evidence else { return Vec::new() };
    let axes = site.config.matrix.as_ref().map(|m| [m.rows.as_str(), m.columns.as_str()]).unwrap_or_default();
    let mut keys = vec![evidence.design.as_str(), evidence.result.as_str()];
    for taxonomy in &site.config.taxonomies {
        let used = site.trials.iter().any(|t| t.terms.get(&taxonomy.key).is_some_and(|terms| !terms.ids().is_empty()));
        if used && !axes.contains(&taxonomy.key.as_str()) && !keys.contains(&taxonomy.key.as_str()) {
            keys.push(&taxonomy.key);
        }
    }
    let mut filters: Vec<_> =
        keys.into_iter().filter_map(|key| site.config.taxonomy(key)).map(|t| Filter::of(t, lang)).collect();
    let statuses = crate::evidence::Status::ALL
        .iter()
        .filter(|s| site.trials.iter().any(|t| t.status == **s))
        .map(|s| TermLabel::new(s.id(), None))
        .collect();
    filters.push(Filter::unlabelled("status", statuses));
    filters
}
