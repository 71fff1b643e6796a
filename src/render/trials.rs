//! The views of trial records: a row for each record (on the articles that cite it and in the
//! table of every trial), their schema.org `MedicalTrial`, and the table page's context.
//!
//! In: the [`Site`] and a record or a language. Out: serialisable rows whose every label (design,
//! result, phase, status) comes from the record and the vocabularies, so no two pages can differ.

use super::timeline;
use super::views::{EvidenceView, TermLink, generated_page, href, link, term_link};
use crate::content::trials::TrialRecord;
use crate::evidence::schema_org_designs;
use crate::site::Site;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use tera::Context;

/// One trial as a table row, labelled in the reader's language.
#[derive(Serialize)]
pub struct TrialRow<'a> {
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
    harms: Option<&'a str>,
    terms: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    /// Vocabulary key -> term ids, design and result included: what the table's filters match.
    facets: BTreeMap<&'a str, Vec<&'a str>>,
    publications: Vec<super::views::ReferenceView<'a>>,
    /// The articles about it, in the reader's language where translated.
    pages: Vec<super::views::Link<'a>>,
}

pub fn trial_row<'a>(site: &'a Site, t: usize, lang: &str) -> TrialRow<'a> {
    let record = &site.trials[t];
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
            Some((taxonomy.key.as_str(), links))
        })
        .collect();
    let mut facets: BTreeMap<&str, Vec<&str>> = record
        .terms
        .iter()
        .map(|(key, terms)| (key.as_str(), terms.ids().iter().map(String::as_str).collect()))
        .collect();
    if let Some(evidence) = evidence {
        facets.insert(&evidence.design, vec![record.design_rung().id()]);
        facets.insert(&evidence.result, vec![record.result.id()]);
    }
    TrialRow {
        id: &record.id,
        other_ids: &record.other_ids,
        name: &record.name,
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
        population: record.population.as_deref(),
        product: record.product.as_deref(),
        sponsor: record.sponsor.as_deref(),
        countries: &record.countries,
        primary_endpoint: record.primary_endpoint.as_deref(),
        result_summary: record.result_summary.as_deref(),
        results_posted: record.results_posted,
        harms: record.harms.as_deref(),
        terms,
        facets,
        publications: super::views::references(&record.publications),
        pages: citing_pages(site, t, lang),
    }
}

/// The articles that cite record `t`, each in `lang` where it has a translation.
fn citing_pages<'a>(site: &'a Site, t: usize, lang: &str) -> Vec<super::views::Link<'a>> {
    let mut pages: Vec<usize> = site.trial_pages[t]
        .iter()
        .filter(|&&p| site.pages[p].lang == site.default_lang())
        .map(|&p| site.translation(&site.pages[p].key, lang).unwrap_or(p))
        .collect();
    pages.dedup();
    pages.iter().map(|&p| link(site, site.pages[p].title(), &site.pages[p].url)).collect()
}

/// schema.org's MedicalTrial for a record.
pub fn trial_json_ld(site: &Site, t: usize, conditions: &[serde_json::Value]) -> serde_json::Value {
    let record: &TrialRecord = &site.trials[t];
    let mut value = json!({
        "@type": "MedicalTrial",
        "name": record.name,
        "identifier": record.id,
        "trialDesign": schema_org_designs(record.design.randomised, record.design.blinding, record.design.control),
    });
    if let Some(url) = record.registry_url() {
        value["url"] = json!(url);
    }
    if let Some(phase) = record.phase.schema_org() {
        value["phase"] = json!(phase);
    }
    if let Some(status) = record.status.schema_org() {
        value["status"] = json!(status);
    }
    if let Some(sponsor) = &record.sponsor {
        value["sponsor"] = json!({ "@type": "Organization", "name": sponsor });
    }
    if let Some(size) = record.size() {
        value["description"] = json!(format!("{} participants", size));
    }
    if !conditions.is_empty() {
        value["healthCondition"] = json!(conditions);
    }
    value
}

/// The table of every trial, with its timeline. Returns the site path it renders.
pub fn trials_context(context: &mut Context, site: &Site, lang_index: usize) -> String {
    let Some(evidence) = &site.config.evidence else { return String::new() };
    let lang = site.languages()[lang_index];
    let path = format!("{}/", evidence.trials_path.trim_matches('/'));
    let title = evidence.trials_title_in(lang);
    generated_page(context, site, "trials", lang, &path, title, "");
    let rows: Vec<_> = (0..site.trials.len()).map(|t| trial_row(site, t, lang)).collect();
    context.insert("trials", &rows);
    context.insert("timeline", &timeline::layout(&site.trials));
    context.insert("filters", &filters(site, lang));
    let results = site.config.taxonomy(&evidence.result).map_or(&[][..], |t| t.terms.as_slice());
    let legend: Vec<_> = results.iter().map(|term| json!({ "id": term.id, "label": term.label_in(lang) })).collect();
    context.insert("result_terms", &legend);
    format!("{}{path}", site.lang_prefix(lang))
}

/// The vocabularies the table can be filtered by: every one that some record uses.
fn filters(site: &Site, lang: &str) -> Vec<serde_json::Value> {
    let evidence = site.config.evidence.as_ref();
    let mut keys: Vec<&str> = evidence.map(|e| vec![e.design.as_str(), e.result.as_str()]).unwrap_or_default();
    for taxonomy in &site.config.taxonomies {
        if site.trials.iter().any(|t| t.terms.contains_key(&taxonomy.key)) {
            keys.push(&taxonomy.key);
        }
    }
    keys.iter()
        .filter_map(|key| site.config.taxonomy(key))
        .map(|taxonomy| {
            let terms: Vec<_> =
                taxonomy.terms.iter().map(|term| json!({ "id": term.id, "label": term.label_in(lang) })).collect();
            json!({ "key": taxonomy.key, "title": taxonomy.title_in(lang), "terms": terms })
        })
        .collect()
}
