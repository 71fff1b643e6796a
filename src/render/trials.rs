//! The views of trial records: a row for each record (on the articles that cite it and in the
//! table of every trial), and the contexts of the table (`trials.html`, kind "trials") and of
//! the overdue trials (`overdue.html`, kind "overdue").
//!
//! In: the [`Site`] and a record or a language. Out: serialisable rows whose every label (design,
//! result, phase, status) comes from the record and the vocabularies, so no two pages can differ.

use super::context::{Common, Context};
use super::references::{ReferenceView, references};
use super::timeline::{self, Timeline};
use super::views::{EvidenceView, Filter, Link, TermLabel, TermLink, href, page_link, term_link};
use crate::site::{LangId, PageId, Site, TrialId};
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct TrialsContext<'a> {
    trials: Vec<TrialRow<'a>>,
    timeline: Option<Timeline>,
    filters: Vec<Filter<'a>>,
    /// The result vocabulary, for the timeline's legend.
    result_terms: Vec<TermLabel<'a>>,
}

#[derive(Serialize)]
pub(crate) struct OverdueContext<'a> {
    trials: Vec<TrialRow<'a>>,
}

/// One trial as a table row, labelled in the reader's language.
#[derive(Serialize)]
pub(crate) struct TrialRow<'a> {
    id: &'a str,
    other_ids: &'a [String],
    name: &'a str,
    /// The registry page, where the id names a registry.
    href: Option<String>,
    /// The row of the table of every trial.
    table_url: Option<String>,
    phase: &'static str,
    /// The design rung and what the trial found, always together.
    evidence: Option<EvidenceView<'a>>,
    /// The design's place on the ladder, for sorting.
    design_rank: usize,
    randomised: bool,
    blinding: &'static str,
    control: &'static str,
    size: Option<u32>,
    /// Whether `size` is the actual enrolment (else the planned one).
    size_actual: bool,
    status: &'static str,
    status_checked: String,
    start: Option<String>,
    completion: Option<String>,
    population: Option<&'a str>,
    product: Option<&'a str>,
    sponsor: Option<&'a str>,
    countries: &'a [String],
    primary_endpoint: Option<&'a str>,
    result_summary: Option<&'a str>,
    results_posted: bool,
    /// The result rests on the sponsor's own report, with no peer-reviewed paper.
    sponsor_reported: bool,
    /// Whole months its results have been overdue (completed over a year ago, nothing posted
    /// or published).
    months_overdue: Option<i32>,
    harms: Option<&'a str>,
    /// The record's terms, vocabulary by vocabulary in `book.toml` order.
    terms: Vec<TermGroup<'a>>,
    /// Term ids by vocabulary, design and result included: what the table's filters match. A
    /// list, not a map, so that templates iterate it in one order on every build.
    facets: Vec<Facet<'a>>,
    publications: Vec<ReferenceView<'a>>,
    /// The articles about it, in the reader's language where translated.
    pages: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct TermGroup<'a> {
    key: &'a str,
    links: Vec<TermLink<'a>>,
}

#[derive(Serialize)]
struct Facet<'a> {
    key: &'a str,
    ids: Vec<&'a str>,
}

pub(crate) fn trial_row<'a>(site: &'a Site, t: TrialId, lang: &str) -> TrialRow<'a> {
    let record = site.trial(t);
    let evidence = site.config.evidence.as_ref();
    let vocabulary = |key: Option<&String>, id: &str| {
        let taxonomy = site.config.taxonomy(key?)?;
        term_link(site, taxonomy, id, lang)
    };
    let terms = site
        .config
        .taxonomies
        .iter()
        .filter_map(|taxonomy| {
            let ids = record.terms.get(&taxonomy.key)?.ids();
            let links: Vec<_> = ids.iter().filter_map(|id| term_link(site, taxonomy, id, lang)).collect();
            Some(TermGroup { key: &taxonomy.key, links })
        })
        .collect();
    let mut facets: Vec<Facet> = record
        .terms
        .iter()
        .map(|(key, terms)| Facet { key, ids: terms.ids().iter().map(String::as_str).collect() })
        .collect();
    if let Some(evidence) = evidence {
        facets.push(Facet { key: &evidence.design, ids: vec![record.design_rung().id()] });
        facets.push(Facet { key: &evidence.result, ids: vec![record.result.id()] });
        facets.push(Facet { key: "status", ids: vec![record.status.id()] });
    }
    TrialRow {
        id: &record.id,
        other_ids: &record.other_ids,
        name: record.text(lang, |t| t.name.as_ref(), Some(&record.name)).unwrap_or(&record.name),
        href: record.registry_url(),
        table_url: evidence.map(|e| {
            href(site, &format!("{}{}/#trial-{}", site.lang_prefix(lang), e.trials_path.trim_matches('/'), record.id))
        }),
        phase: record.phase.id(),
        evidence: vocabulary(evidence.map(|e| &e.design), record.design_rung().id())
            .zip(vocabulary(evidence.map(|e| &e.result), record.result.id()))
            .map(|(design, result)| EvidenceView::new(design, result)),
        design_rank: record.design_rung() as usize,
        randomised: record.design.randomised,
        blinding: record.design.blinding.id(),
        control: record.design.control.id(),
        size: record.size(),
        size_actual: record.enrolment.actual.is_some(),
        status: record.status.id(),
        status_checked: record.status_checked.to_string(),
        start: record.start.map(|d| d.to_string()),
        completion: record.completion.map(|d| d.to_string()),
        population: record.text(lang, |t| t.population.as_ref(), record.population.as_deref()),
        product: record.text(lang, |t| t.product.as_ref(), record.product.as_deref()),
        sponsor: record.sponsor.as_deref(),
        countries: &record.countries,
        primary_endpoint: record.text(lang, |t| t.primary_endpoint.as_ref(), record.primary_endpoint.as_deref()),
        result_summary: record.text(lang, |t| t.result_summary.as_ref(), record.result_summary.as_deref()),
        results_posted: record.results_posted,
        sponsor_reported: record.sponsor_reported,
        months_overdue: record.months_overdue(crate::dates::today()),
        harms: record.text(lang, |t| t.harms.as_ref(), record.harms.as_deref()),
        terms,
        facets,
        publications: references(&record.publications),
        pages: citing_pages(site, t, lang),
    }
}

/// The articles that cite record `t`, each in `lang` where it has a translation.
fn citing_pages<'a>(site: &'a Site, t: TrialId, lang: &str) -> Vec<Link<'a>> {
    let mut pages: Vec<PageId> = site.trial_pages[t]
        .iter()
        .filter(|&&p| site.page(p).lang == site.default_lang())
        .map(|&p| site.translation(&site.page(p).key, lang).unwrap_or(p))
        .collect();
    pages.dedup();
    pages.iter().map(|&p| page_link(site, p)).collect()
}

/// The table of every trial, with its timeline. Returns the site path it renders; `None` when
/// the site does not grade evidence.
pub(crate) fn trials_context(site: &Site, lang_id: LangId) -> Option<(String, Context<'_, TrialsContext<'_>>)> {
    let evidence = site.config.evidence.as_ref()?;
    let lang = site.lang(lang_id);
    let path = format!("{}/", evidence.trials_path.trim_matches('/'));
    let common = Common::generated(site, "trials", lang, &path, evidence.trials_title_in(lang), "");
    let results = site.config.taxonomy(&evidence.result).map_or(&[][..], |t| t.terms.as_slice());
    let own = TrialsContext {
        trials: site.trials.ids().map(|t| trial_row(site, t, lang)).collect(),
        timeline: timeline::layout(site.trials.as_slice()),
        filters: filters(site, lang),
        result_terms: results.iter().map(|term| TermLabel::new(&term.id, Some(term.label_in(lang)))).collect(),
    };
    Some((format!("{}{path}", site.lang_prefix(lang)), Context { common, own }))
}

/// The vocabularies the table can be filtered by: every one that some record uses.
fn filters<'a>(site: &'a Site, lang: &str) -> Vec<Filter<'a>> {
    let evidence = site.config.evidence.as_ref();
    let mut keys: Vec<&str> = evidence.map(|e| vec![e.design.as_str(), e.result.as_str()]).unwrap_or_default();
    for taxonomy in &site.config.taxonomies {
        if site.trials.iter().any(|t| t.terms.contains_key(&taxonomy.key)) {
            keys.push(&taxonomy.key);
        }
    }
    keys.iter().filter_map(|key| site.config.taxonomy(key)).map(|taxonomy| Filter::of(taxonomy, lang)).collect()
}

/// Trials whose results are overdue, longest first. Returns the site path it renders; `None`
/// when the site does not grade evidence.
pub(crate) fn overdue_context(site: &Site, lang_id: LangId) -> Option<(String, Context<'_, OverdueContext<'_>>)> {
    let evidence = site.config.evidence.as_ref()?;
    let lang = site.lang(lang_id);
    let path = format!("{}/", evidence.overdue_path.trim_matches('/'));
    let common = Common::generated(site, "overdue", lang, &path, evidence.overdue_title_in(lang), "");
    let late = crate::site::overdue(site, crate::dates::today());
    let trials = late.iter().map(|&(t, _)| trial_row(site, t, lang)).collect();
    Some((format!("{}{path}", site.lang_prefix(lang)), Context { common, own: OverdueContext { trials } }))
}
