//! The pieces every template context shares: links, term links, evidence and certainty labels,
//! summaries of pages, breadcrumbs and the language switcher.
//!
//! In: the [`Site`]. Out: small serialisable views borrowing from the model, which the views of
//! each kind of page ([`super::page`], [`super::section`], [`super::taxonomy`]...) are made of.

use crate::config::Taxonomy;
use crate::content::Page;
use crate::site::ids::Id;
use crate::site::{LangId, PageId, SectionId, Site};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A titled link: `{title, url}`.
#[derive(Serialize)]
pub(crate) struct Link<'a> {
    title: &'a str,
    url: String,
}

/// A term, labelled in the reader's language, with its place in its vocabulary.
#[derive(Serialize)]
pub(crate) struct TermLink<'a> {
    id: &'a str,
    label: &'a str,
    description: &'a str,
    url: String,
    rank: usize,
    rank_count: usize,
}

/// A design label and what the evidence found: one value, so that no template can show the
/// first without the second.
#[derive(Serialize)]
pub(crate) struct EvidenceView<'a> {
    design: TermLink<'a>,
    result: TermLink<'a>,
}

impl<'a> EvidenceView<'a> {
    pub(crate) fn new(design: TermLink<'a>, result: TermLink<'a>) -> Self {
        EvidenceView { design, result }
    }
}

/// How sure the evidence lets us be (GRADE): the level as an id, GRADE's symbols and why.
#[derive(Serialize)]
pub(crate) struct CertaintyView<'a> {
    level: &'static str,
    symbols: String,
    reason: &'a str,
    finding: &'a str,
}

impl<'a> CertaintyView<'a> {
    pub(crate) fn of(note: &'a crate::content::front_matter::CertaintyNote) -> Self {
        CertaintyView {
            level: note.level.id(),
            symbols: note.level.symbols(),
            reason: &note.reason,
            finding: &note.finding,
        }
    }
}

/// One recorded change of a page's design, result, certainty or regulatory status.
#[derive(Serialize)]
pub(crate) struct ChangeView<'a> {
    pub date: String,
    pub field: &'static str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub why: &'a str,
    /// The page it changed (on `/changes/`; null on the page itself).
    pub page: Option<Link<'a>>,
}

/// An article in a list (a section's, a term's): `PageSummary` in docs/templates.md.
#[derive(Serialize)]
pub(crate) struct Summary<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    lang: &'a str,
    evidence: Option<EvidenceView<'a>>,
    terms: BTreeMap<&'a str, Vec<TermLink<'a>>>,
}

/// One language version of the page, for the language switcher and hreflang alternates.
#[derive(Serialize)]
pub(crate) struct Translation<'a> {
    lang: &'a str,
    name: &'a str,
    url: String,
    /// The absolute URL when `site-url` has a host (for hreflang alternates), else `url`.
    permalink: String,
    current: bool,
}

/// A term's id and label, for filters and legends.
#[derive(Serialize)]
pub(crate) struct TermLabel<'a> {
    id: &'a str,
    label: Option<&'a str>,
}

impl<'a> TermLabel<'a> {
    pub(crate) fn new(id: &'a str, label: Option<&'a str>) -> Self {
        TermLabel { id, label }
    }
}

/// A vocabulary the trial table or matrix can be filtered by.
#[derive(Serialize)]
pub(crate) struct Filter<'a> {
    key: &'a str,
    title: Option<&'a str>,
    terms: Vec<TermLabel<'a>>,
}

impl<'a> Filter<'a> {
    /// A vocabulary's terms, labelled in `lang`.
    pub(crate) fn of(taxonomy: &'a Taxonomy, lang: &str) -> Self {
        let terms = taxonomy.terms.iter().map(|term| TermLabel::new(&term.id, Some(term.label_in(lang)))).collect();
        Filter { key: &taxonomy.key, title: Some(taxonomy.title_in(lang)), terms }
    }

    /// A filter whose title and labels the templates give (`status`).
    pub(crate) fn unlabelled(key: &'a str, terms: Vec<TermLabel<'a>>) -> Self {
        Filter { key, title: None, terms }
    }
}

pub(crate) fn link<'a>(site: &Site, title: &'a str, site_path: &str) -> Link<'a> {
    Link { title, url: href(site, site_path) }
}

/// A link to a page, by its title.
pub(crate) fn page_link(site: &Site, p: PageId) -> Link<'_> {
    let page = site.page(p);
    link(site, page.title(), &page.url)
}

pub(crate) fn href(site: &Site, site_path: &str) -> String {
    site.base.link(&crate::site::links::encode_path(site_path))
}

pub(crate) fn term_link<'a>(site: &Site, taxonomy: &'a Taxonomy, id: &str, lang: &str) -> Option<TermLink<'a>> {
    let rank = taxonomy.term_index(id)?;
    let term = &taxonomy.terms[rank];
    Some(TermLink {
        id: &term.id,
        label: term.label_in(lang),
        description: term.description_in(lang),
        url: href(site, &format!("{}{}/{}/", site.lang_prefix(lang), taxonomy.path, term.id)),
        rank,
        rank_count: taxonomy.terms.len(),
    })
}

/// A page's terms by taxonomy key, labelled in `lang`.
pub(crate) fn terms_of<'a>(site: &'a Site, page: &'a Page, lang: &str) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
    site.config
        .taxonomies
        .iter()
        .filter_map(|taxonomy| {
            let ids = page.front.terms.get(&taxonomy.key)?.ids();
            let links: Vec<_> = ids.iter().filter_map(|id| term_link(site, taxonomy, id, lang)).collect();
            (!links.is_empty()).then_some((taxonomy.key.as_str(), links))
        })
        .collect()
}

/// The page's design label with its result, when the site grades evidence and the page has both.
pub(crate) fn evidence<'a>(site: &'a Site, page: &Page, lang: &str) -> Option<EvidenceView<'a>> {
    let config = site.config.evidence.as_ref()?;
    let label = |key: &str| {
        let id = page.front.terms.get(key)?.ids().first()?;
        term_link(site, site.config.taxonomy(key)?, id, lang)
    };
    Some(EvidenceView { design: label(&config.design)?, result: label(&config.result)? })
}

/// Every article's summary, as the value templates get, made the first time a list shows it in a
/// language and then shared by every list that does (its section's page, each of its terms'
/// pages: Tera values are reference-counted, and a value inside a context is not converted
/// again). Made anew for each list, the summaries and their term links were over a third of the
/// contexts' time at 10,000 pages.
pub(crate) struct Summaries {
    languages: usize,
    /// By page, then language.
    values: Vec<OnceLock<tera::Value>>,
}

impl Summaries {
    pub(crate) fn new(site: &Site) -> Self {
        let languages = site.languages().len();
        Summaries { languages, values: (0..site.pages.len() * languages).map(|_| OnceLock::new()).collect() }
    }

    /// Page `p`'s summary, labelled in `lang`.
    pub(crate) fn get(&self, site: &Site, p: PageId, lang: LangId) -> tera::Value {
        let slot = &self.values[p.index() * self.languages + lang.index()];
        slot.get_or_init(|| tera::Value::from_serializable(&summary(site, p, site.lang(lang)))).clone()
    }
}

fn summary<'a>(site: &'a Site, p: PageId, lang: &str) -> Summary<'a> {
    let page = site.page(p);
    Summary {
        title: page.title(),
        url: href(site, &page.url),
        description: page.front.description.as_deref().unwrap_or(""),
        lang: &page.lang,
        evidence: evidence(site, page, lang),
        terms: terms_of(site, page, lang),
    }
}

/// Every language version of a page: `url_in` gives its site path in a language, if it has one.
pub(crate) fn translations<'a>(
    site: &'a Site,
    current_lang: &str,
    url_in: impl Fn(&str) -> Option<String>,
) -> Vec<Translation<'a>> {
    site.languages()
        .into_iter()
        .filter_map(|lang| {
            let url = url_in(lang)?;
            let name = site.config.language.get(lang).map_or(lang, |l| l.name.as_str());
            let permalink = format!("{}{url}", site.base.origin);
            Some(Translation { lang, name, url, permalink, current: lang == current_lang })
        })
        .collect()
}

/// The sections from the home page down to `section`.
pub(crate) fn breadcrumbs(site: &Site, mut section: Option<SectionId>) -> Vec<Link<'_>> {
    let mut crumbs = Vec::new();
    while let Some(s) = section {
        crumbs.push(link(site, section_title(site, s), &site.section(s).url));
        section = site.section(s).parent;
    }
    crumbs.reverse();
    crumbs
}

pub(crate) fn section_title(site: &Site, s: SectionId) -> &str {
    let section = site.section(s);
    match section.index {
        Some(i) => site.page(i).title(),
        None if section.dir.is_empty() => site_title(site, &section.lang),
        None => section.dir.rsplit('/').next().unwrap_or(&section.dir),
    }
}

pub(crate) fn site_title<'a>(site: &'a Site, lang: &str) -> &'a str {
    site.config.language.get(lang).and_then(|l| l.title.as_deref()).unwrap_or(&site.config.book.title)
}

pub(crate) fn site_description<'a>(site: &'a Site, lang: &str) -> &'a str {
    site.config.language.get(lang).and_then(|l| l.description.as_deref()).unwrap_or(&site.config.book.description)
}
