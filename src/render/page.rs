//! The context of an article (`page.html`, kind "page").
//!
//! In: the [`Site`], the pages' dates and a page. Out: `page` (docs/templates.md), borrowed from
//! the model, so that the body's HTML is copied once, into the template's context, and not first
//! into a JSON value.

use super::context::{Common, Context};
use super::references::{ReferenceView, references};
use super::trials::{TrialRow, trial_row};
use super::views::{
    CertaintyView, ChangeView, EvidenceView, Link, TermLink, breadcrumbs, evidence, href, link, page_link,
    section_title, term_link, terms_of, translations,
};
use crate::content::Page;
use crate::dates::Dates;
use crate::markdown::TocEntry;
use crate::site::{PageId, Site};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub(crate) struct PageContext<'a> {
    page: PageView<'a>,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    lang: &'a str,
    url: String,
    source_path: String,
    content: &'a str,
    toc: &'a [TocEntry],
    taxonomies: Vec<TaxonomyTerms<'a>>,
    terms: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    evidence: Option<EvidenceView<'a>>,
    certainty: Option<CertaintyView<'a>>,
    regulatory: Option<RegulatoryView<'a>>,
    /// The guide to link from a red-flags box, when the page's product is sold without approval.
    red_flags: Option<String>,
    last_searched: Option<String>,
    changes: Vec<ChangeView<'a>>,
    tags: &'a [String],
    date: Option<String>,
    updated: Option<String>,
    reviewed: Option<String>,
    next_review: Option<String>,
    last_modified: Option<String>,
    references: Vec<ReferenceView<'a>>,
    trials: Vec<TrialRow<'a>>,
    previous: Option<Link<'a>>,
    next: Option<Link<'a>>,
    backlinks: Vec<Link<'a>>,
    related: Vec<RelatedView<'a>>,
    section: Link<'a>,
    /// On a translation whose original has changed since: the original, to read instead.
    original_updated: Option<Link<'a>>,
    edit_url: Option<String>,
    /// Shown only in builds with `--drafts`.
    draft: bool,
    words: usize,
    reading_minutes: usize,
}

/// The page's terms of one vocabulary.
#[derive(Serialize)]
struct TaxonomyTerms<'a> {
    key: &'a str,
    title: &'a str,
    url: String,
    ranked: bool,
    terms: Vec<TermLink<'a>>,
}

#[derive(Serialize)]
struct RelatedView<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
}

/// A product's regulatory status and the events that led to it.
#[derive(Serialize)]
struct RegulatoryView<'a> {
    status: Option<TermLink<'a>>,
    history: Vec<RegulatoryEventView<'a>>,
}

#[derive(Serialize)]
struct RegulatoryEventView<'a> {
    status: Option<TermLink<'a>>,
    regulator: &'a str,
    date: String,
    note: Option<&'a str>,
    /// The number of the reference that documents it, as in-text citations number them.
    reference: Option<usize>,
}

/// The context of article `p`; its body is `body` when given (the build hands bodies over,
/// [`super::Bodies`]), else the model's.
pub(crate) fn context<'a>(
    site: &'a Site,
    dates: &Dates,
    p: PageId,
    body: Option<&'a str>,
) -> Context<'a, PageContext<'a>> {
    let page = site.page(p);
    let lang = page.lang.as_str();
    let date = |d: &Option<jiff::civil::Date>| d.map(|d| d.to_string());
    let last_modified = dates
        .last_commit(&page.file)
        .map(str::to_string)
        .or_else(|| date(&page.front.updated))
        .or_else(|| date(&page.front.date));
    let section = site.section_of[p];
    let common =
        Common::new(site, "page", lang, &page.url, page.title(), page.front.description.as_deref().unwrap_or(""))
            .with_breadcrumbs(breadcrumbs(site, Some(section)))
            .with_translations(translations(site, lang, |l| {
                site.translation(&page.key, l).map(|q| href(site, &site.page(q).url))
            }))
            .with_json_ld(&super::json_ld::page(site, p, last_modified.as_deref()));
    Context { common, own: PageContext { page: view(site, p, body, last_modified) } }
}

fn view<'a>(site: &'a Site, p: PageId, body: Option<&'a str>, last_modified: Option<String>) -> PageView<'a> {
    let page = site.page(p);
    let lang = page.lang.as_str();
    let rendered = &site.rendered[p];
    let section = site.section_of[p];
    let neighbour = |offset: isize| {
        let q = site.position[p]?.checked_add_signed(offset)?;
        site.section(section).pages.get(q).map(|&q| page_link(site, q))
    };
    let date = |d: &Option<jiff::civil::Date>| d.map(|d| d.to_string());
    PageView {
        title: page.title(),
        description: page.front.description.as_deref(),
        lang,
        url: href(site, &page.url),
        source_path: source_path(page),
        content: body.unwrap_or(&rendered.html),
        toc: &rendered.toc,
        taxonomies: taxonomies(site, page, lang),
        terms: terms_of(site, page, lang),
        evidence: evidence(site, page, lang),
        certainty: page.front.certainty.as_ref().map(CertaintyView::of),
        regulatory: regulatory(site, page, lang),
        red_flags: red_flags(site, page),
        last_searched: date(&page.front.last_searched),
        changes: page
            .front
            .changes
            .iter()
            .rev()
            .map(|c| ChangeView {
                date: c.date.to_string(),
                field: crate::site::field_name(c.field),
                from: c.from.as_deref(),
                to: &c.to,
                why: &c.why,
                page: None,
            })
            .collect(),
        tags: &page.front.tags,
        date: date(&page.front.date),
        updated: date(&page.front.updated),
        reviewed: date(&page.front.reviewed),
        next_review: date(&page.front.next_review),
        last_modified,
        references: references(&page.front.references),
        trials: page
            .front
            .trials
            .iter()
            .filter_map(|id| site.find_trial(id))
            .map(|t| trial_row(site, t, lang))
            .collect(),
        previous: neighbour(-1),
        next: neighbour(1),
        backlinks: site.backlinks[p].iter().map(|&q| page_link(site, q)).collect(),
        related: site.related[p]
            .iter()
            .map(|&q| RelatedView {
                title: site.page(q).title(),
                url: href(site, &site.page(q).url),
                description: site.page(q).front.description.as_deref(),
            })
            .collect(),
        section: link(site, section_title(site, section), &site.section(section).url),
        original_updated: match crate::translations::state(site, p) {
            Some((crate::translations::State::Outdated, original)) => Some(page_link(site, original)),
            _ => None,
        },
        edit_url: site.config.output.html.edit_url_template.as_ref().map(|t| t.replace("{path}", &source_path(page))),
        draft: page.front.draft,
        words: rendered.words,
        reading_minutes: rendered.words.div_ceil(220).max(1),
    }
}

/// The page's file as `content/cells/msc.md`, with forward slashes on every system.
fn source_path(page: &Page) -> String {
    page.file.to_string_lossy().replace('\\', "/")
}

/// The vocabularies the page has terms in, in `book.toml` order.
fn taxonomies<'a>(site: &'a Site, page: &'a Page, lang: &str) -> Vec<TaxonomyTerms<'a>> {
    site.config
        .taxonomies
        .iter()
        .filter_map(|t| {
            let links: Vec<_> =
                page.front.terms.get(&t.key)?.ids().iter().filter_map(|id| term_link(site, t, id, lang)).collect();
            Some(TaxonomyTerms {
                key: &t.key,
                title: t.title_in(lang),
                url: href(site, &format!("{}{}/", site.lang_prefix(lang), t.path)),
                ranked: t.ranked,
                terms: links,
            })
        })
        .collect()
}

/// The red-flags guide's URL, in the page's language, when the page's regulatory status is the
/// one `[evidence.red-flags]` names.
fn red_flags(site: &Site, page: &Page) -> Option<String> {
    let evidence = site.config.evidence.as_ref()?;
    let flags = evidence.red_flags.as_ref()?;
    let status = page.front.terms.get(evidence.regulatory.as_deref()?)?.ids().first()?;
    if *status != flags.status {
        return None;
    }
    let key = flags.page.strip_suffix(".md").unwrap_or(&flags.page);
    let guide = site.translation(key, &page.lang).or_else(|| site.translation(key, site.default_lang()))?;
    Some(href(site, &site.page(guide).url))
}

fn regulatory<'a>(site: &'a Site, page: &'a Page, lang: &str) -> Option<RegulatoryView<'a>> {
    let taxonomy = site.config.taxonomy(site.config.evidence.as_ref()?.regulatory.as_deref()?)?;
    let status = page
        .front
        .terms
        .get(&taxonomy.key)
        .and_then(|t| t.ids().first())
        .and_then(|id| term_link(site, taxonomy, id, lang));
    let history: Vec<_> = page
        .front
        .regulatory_history
        .iter()
        .map(|event| RegulatoryEventView {
            status: term_link(site, taxonomy, &event.status, lang),
            regulator: &event.regulator,
            date: event.date.to_string(),
            note: event.note.as_deref(),
            reference: event
                .reference
                .as_ref()
                .and_then(|id| page.front.references.iter().position(|r| r.id.as_ref() == Some(id)).map(|n| n + 1)),
        })
        .collect();
    (status.is_some() || !history.is_empty()).then_some(RegulatoryView { status, history })
}
