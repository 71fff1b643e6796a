//! The template contexts: serialisable views borrowing from the site model.
//!
//! In: the [`Site`] and what to render. Out: Tera contexts as documented in the editors' guide
//! (`page`, `section`, `taxonomy`, `term`, `matrix`, plus `lang`, `url`, `translations`...).

use crate::config::Taxonomy;
use crate::content::Page;
use crate::dates::Dates;
use crate::markdown::TocEntry;
use crate::site::{Site, TERM_PAGE_SIZE};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use tera::Context;

/// How many articles a sidebar section lists before it links to the section page instead;
/// listing every article on every page would make a large site quadratic, as mdBook's is.
const NAV_PAGES: usize = 30;

#[derive(Serialize)]
pub(super) struct Link<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
pub struct TermLink<'a> {
    id: &'a str,
    label: &'a str,
    description: &'a str,
    url: String,
    rank: usize,
    rank_count: usize,
}

#[derive(Serialize)]
struct TaxonomyTerms<'a> {
    key: &'a str,
    title: &'a str,
    url: String,
    ranked: bool,
    terms: Vec<TermLink<'a>>,
}

#[derive(Serialize)]
pub(super) struct ReferenceView<'a> {
    n: usize,
    id: String,
    title: &'a str,
    links: Vec<ReferenceLink>,
}

#[derive(Serialize)]
struct ReferenceLink {
    label: &'static str,
    text: String,
    href: String,
}

/// A design label and what the evidence found: one value, so that no template can show the
/// first without the second.
#[derive(Serialize)]
pub(super) struct EvidenceView<'a> {
    design: TermLink<'a>,
    result: TermLink<'a>,
}

impl<'a> EvidenceView<'a> {
    pub(super) fn new(design: TermLink<'a>, result: TermLink<'a>) -> Self {
        EvidenceView { design, result }
    }
}

/// How sure the evidence lets us be (GRADE): the level as an id, GRADE's symbols and why.
#[derive(Serialize)]
pub(super) struct CertaintyView<'a> {
    level: &'static str,
    symbols: String,
    reason: &'a str,
    finding: &'a str,
}

impl<'a> CertaintyView<'a> {
    pub(super) fn of(note: &'a crate::content::front_matter::CertaintyNote) -> Self {
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
pub(super) struct ChangeView<'a> {
    date: String,
    field: &'static str,
    from: Option<&'a str>,
    to: &'a str,
    why: &'a str,
    /// The page it changed (on `/changes/`).
    page: Option<Link<'a>>,
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

#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    lang: &'a str,
    evidence: Option<EvidenceView<'a>>,
    terms: BTreeMap<&'a str, Vec<TermLink<'a>>>,
}

/// `page` in `page.html`: borrowed from the model, so that the body's HTML is copied once, into
/// the template's context, and not first into a JSON value.
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
    last_modified: Option<&'a str>,
    references: Vec<ReferenceView<'a>>,
    trials: Vec<super::trials::TrialRow<'a>>,
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

#[derive(Serialize)]
struct RelatedView<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct Translation<'a> {
    lang: &'a str,
    name: &'a str,
    url: String,
    /// The absolute URL when `site-url` has a host (for hreflang alternates), else `url`.
    permalink: String,
    current: bool,
}

#[derive(Serialize)]
struct NavSection<'a> {
    title: &'a str,
    url: String,
    pages: Vec<Link<'a>>,
    /// Articles of the section not listed in `pages`.
    more: usize,
    children: Vec<NavSection<'a>>,
}

pub(super) fn link<'a>(site: &Site, title: &'a str, site_path: &str) -> Link<'a> {
    Link { title, url: href(site, site_path) }
}

pub(super) fn href(site: &Site, site_path: &str) -> String {
    site.base.link(&crate::site::links::encode_path(site_path))
}

pub(super) fn term_link<'a>(site: &Site, taxonomy: &'a Taxonomy, id: &str, lang: &str) -> Option<TermLink<'a>> {
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
fn terms_of<'a>(site: &'a Site, page: &'a Page, lang: &str) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
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
fn evidence<'a>(site: &'a Site, page: &Page, lang: &str) -> Option<EvidenceView<'a>> {
    let config = site.config.evidence.as_ref()?;
    let label = |key: &str| {
        let id = page.front.terms.get(key)?.ids().first()?;
        term_link(site, site.config.taxonomy(key)?, id, lang)
    };
    Some(EvidenceView { design: label(&config.design)?, result: label(&config.result)? })
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
    Some(href(site, &site.pages[guide].url))
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

fn summary<'a>(site: &'a Site, p: usize, lang: &str) -> Summary<'a> {
    let page = &site.pages[p];
    Summary {
        title: page.title(),
        url: href(site, &page.url),
        description: page.front.description.as_deref().unwrap_or(""),
        lang: &page.lang,
        evidence: evidence(site, page, lang),
        terms: terms_of(site, page, lang),
    }
}

pub(super) fn references(references: &[crate::content::front_matter::Reference]) -> Vec<ReferenceView<'_>> {
    references
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut links = Vec::new();
            if let Some(pmid) = &r.pmid {
                links.push(ReferenceLink {
                    label: "PubMed",
                    text: format!("PMID {pmid}"),
                    href: format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/"),
                });
            }
            if let Some(doi) = &r.doi {
                links.push(ReferenceLink {
                    label: "DOI",
                    text: format!("doi:{doi}"),
                    href: format!("https://doi.org/{doi}"),
                });
            }
            if let Some(nct) = &r.nct {
                links.push(ReferenceLink {
                    label: "ClinicalTrials.gov",
                    text: nct.clone(),
                    href: format!("https://clinicaltrials.gov/study/{nct}"),
                });
            }
            if let Some(isrctn) = &r.isrctn {
                links.push(ReferenceLink {
                    label: "ISRCTN",
                    text: isrctn.clone(),
                    href: format!("https://www.isrctn.com/{isrctn}"),
                });
            }
            if let Some(url) = &r.url {
                links.push(ReferenceLink { label: "Link", text: url.clone(), href: url.clone() });
            }
            ReferenceView { n: i + 1, id: r.id.clone().unwrap_or_else(|| (i + 1).to_string()), title: &r.title, links }
        })
        .collect()
}

/// Every language version of the page with translation key `key` (pages and sections alike).
fn translations<'a>(
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

fn breadcrumbs<'a>(site: &'a Site, mut section: Option<usize>) -> Vec<Link<'a>> {
    let mut crumbs = Vec::new();
    while let Some(s) = section {
        crumbs.push(link(site, section_title(site, s), &site.sections[s].url));
        section = site.sections[s].parent;
    }
    crumbs.reverse();
    crumbs
}

pub(crate) fn section_title(site: &Site, s: usize) -> &str {
    let section = &site.sections[s];
    match section.index {
        Some(i) => site.pages[i].title(),
        None if section.dir.is_empty() => site_title(site, &section.lang),
        None => section.dir.rsplit('/').next().unwrap_or(&section.dir),
    }
}

fn site_title<'a>(site: &'a Site, lang: &str) -> &'a str {
    site.config.language.get(lang).and_then(|l| l.title.as_deref()).unwrap_or(&site.config.book.title)
}

fn site_description<'a>(site: &'a Site, lang: &str) -> &'a str {
    site.config.language.get(lang).and_then(|l| l.description.as_deref()).unwrap_or(&site.config.book.description)
}

/// Sets what every template shares: `site`, `i18n`, `navs`, `topics`.
pub fn fill_global_context(global: &mut Context, site: &Site, i18n: &toml::Table) {
    let config = &site.config;
    let languages: Vec<_> = site
        .languages()
        .into_iter()
        .map(|lang| {
            let name = config.language.get(lang).map_or(lang, |l| l.name.as_str());
            json!({ "code": lang, "name": name, "home": href(site, &site.lang_prefix(lang)), "title": site_title(site, lang) })
        })
        .collect();
    global.insert(
        "site",
        &json!({
            "title": config.book.title,
            "description": config.book.description,
            "language": config.book.language,
            "base": site.base.path,
            "search": config.search.enabled,
            "repository_url": config.output.html.git_repository_url,
            "generator": concat!("cellbook ", env!("CARGO_PKG_VERSION")),
            "languages": languages,
            "syntax_css": { "light": href(site, "syntax-light.css"), "dark": href(site, "syntax-dark.css") },
            // Vocabularies the evidence box shows (not repeated in the list of topics), and the
            // one whose terms summary cards show as chips.
            "evidence_keys": config.evidence.as_ref().map(|e| e.keys().collect::<Vec<_>>()).unwrap_or_default(),
            "card_terms": config.matrix.as_ref().map_or("", |m| m.columns.as_str()),
        }),
    );
    global.insert("i18n", i18n);
    let mut navs = BTreeMap::new();
    let mut topics = BTreeMap::new();
    for lang in site.languages() {
        let root = site.section(lang, "").unwrap_or(0);
        let nav: Vec<_> = site.sections[root].children.iter().map(|&s| nav_section(site, s)).collect();
        navs.insert(lang, nav);
        topics.insert(lang, topic_links(site, lang));
    }
    global.insert("navs", &navs);
    global.insert("topics", &topics);
}

fn nav_section<'a>(site: &'a Site, s: usize) -> NavSection<'a> {
    let section = &site.sections[s];
    NavSection {
        title: section_title(site, s),
        url: href(site, &section.url),
        pages: section
            .pages
            .iter()
            .take(NAV_PAGES)
            .map(|&p| link(site, site.pages[p].title(), &site.pages[p].url))
            .collect(),
        more: section.pages.len().saturating_sub(NAV_PAGES),
        children: section.children.iter().map(|&c| nav_section(site, c)).collect(),
    }
}

fn topic_links(site: &Site, lang: &str) -> Vec<serde_json::Value> {
    let prefix = site.lang_prefix(lang);
    let mut topics: Vec<_> = site
        .config
        .taxonomies
        .iter()
        .map(|t| json!({ "title": t.title_in(lang), "url": href(site, &format!("{prefix}{}/", t.path)), "description": t.description_in(lang) }))
        .collect();
    if let Some(matrix) = &site.config.matrix {
        topics.push(json!({ "title": matrix.title_in(lang), "url": href(site, &format!("{prefix}{}/", matrix.path)), "description": "" }));
    }
    topics
}

/// The fields every render has: `lang`, `kind`, `url`, `permalink`, `title`, `description`, `feed_url`.
fn common(context: &mut Context, site: &Site, kind: &str, lang: &str, site_path: &str, title: &str, description: &str) {
    context.insert("lang", lang);
    context.insert("kind", kind);
    context.insert("url", &href(site, site_path));
    context.insert("permalink", &site.base.absolute(&crate::site::links::encode_path(site_path)));
    context.insert("title", title);
    context.insert("description", description);
    context.insert("feed_url", &href(site, "atom.xml"));
}

fn insert_json_ld(context: &mut Context, value: &serde_json::Value) {
    // `</script>` inside a title must not end the script element.
    let text = value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    context.insert("json_ld", &text);
}

const AUDIENCE: [&str; 3] = ["Patient", "Clinician", "MedicalResearcher"];

pub fn page_context(context: &mut Context, site: &Site, dates: &Dates, p: usize) {
    let page = &site.pages[p];
    let lang = page.lang.as_str();
    let rendered = &site.rendered[p];
    let section = site.section_of[p];
    let neighbours = &site.sections[section].pages;
    let position = site.position[p];
    let neighbour = |offset: isize| {
        let q = position?.checked_add_signed(offset)?;
        neighbours.get(q).map(|&q| link(site, site.pages[q].title(), &site.pages[q].url))
    };
    let date = |d: &Option<jiff::civil::Date>| d.map(|d| d.to_string());
    let date = &date;
    let last_modified = dates
        .last_commit(&page.file)
        .map(str::to_string)
        .or_else(|| date(&page.front.updated))
        .or_else(|| date(&page.front.date));
    let terms = terms_of(site, page, lang);
    let taxonomies: Vec<_> = site
        .config
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
        .collect();
    let edit_url = site
        .config
        .output
        .html
        .edit_url_template
        .as_ref()
        .map(|t| t.replace("{path}", &page.file.to_string_lossy().replace('\\', "/")));
    let view = PageView {
        title: page.title(),
        description: page.front.description.as_deref(),
        lang,
        url: href(site, &page.url),
        source_path: page.file.to_string_lossy().replace('\\', "/"),
        content: &rendered.html,
        toc: &rendered.toc,
        taxonomies,
        terms,
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
        last_modified: last_modified.as_deref(),
        references: references(&page.front.references),
        trials: page
            .front
            .trials
            .iter()
            .filter_map(|id| site.trial(id))
            .map(|t| super::trials::trial_row(site, t, lang))
            .collect(),
        previous: neighbour(-1),
        next: neighbour(1),
        backlinks: site.backlinks[p].iter().map(|&q| link(site, site.pages[q].title(), &site.pages[q].url)).collect(),
        related: site.related[p]
            .iter()
            .map(|&q| RelatedView {
                title: site.pages[q].title(),
                url: href(site, &site.pages[q].url),
                description: site.pages[q].front.description.as_deref(),
            })
            .collect(),
        section: link(site, section_title(site, section), &site.sections[section].url),
        original_updated: match crate::translations::state(site, p) {
            Some((crate::translations::State::Outdated, original)) => {
                Some(link(site, site.pages[original].title(), &site.pages[original].url))
            }
            _ => None,
        },
        edit_url,
        draft: page.front.draft,
        words: rendered.words,
        reading_minutes: rendered.words.div_ceil(220).max(1),
    };
    common(context, site, "page", lang, &page.url, page.title(), page.front.description.as_deref().unwrap_or(""));
    context.insert("page", &view);
    context.insert("breadcrumbs", &breadcrumbs(site, Some(section)));
    context.insert(
        "translations",
        &translations(site, lang, |l| site.translation(&page.key, l).map(|q| href(site, &site.pages[q].url))),
    );
    insert_json_ld(context, &page_json_ld(site, p, last_modified.as_deref()));
}

fn page_json_ld(site: &Site, p: usize, last_modified: Option<&str>) -> serde_json::Value {
    let page = &site.pages[p];
    let front = &page.front;
    let lang = page.lang.as_str();
    let conditions_key = site.config.evidence.as_ref().and_then(|e| e.conditions.as_deref()).unwrap_or("");
    let conditions: Vec<_> = site
        .config
        .taxonomy(conditions_key)
        .map(|t| {
            front
                .terms
                .get(conditions_key)
                .map_or(&[][..], |d| d.ids())
                .iter()
                .filter_map(|id| t.term(id))
                .map(|term| json!({ "@type": "MedicalCondition", "name": term.label_in(lang) }))
                .collect()
        })
        .unwrap_or_default();
    let mut about = conditions.clone();
    for t in front.trials.iter().filter_map(|id| site.trial(id)) {
        about.push(super::trials::trial_json_ld(site, t, &conditions));
    }
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title(),
        "headline": page.title(),
        "description": front.description,
        "url": site.base.absolute(&crate::site::links::encode_path(&page.url)),
        "inLanguage": lang,
        "audience": AUDIENCE.iter().map(|a| json!({ "@type": "MedicalAudience", "audienceType": a })).collect::<Vec<_>>(),
        "about": about,
        "citation": front.references.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
    });
    let dates = [
        ("lastReviewed", front.reviewed.map(|d| d.to_string())),
        ("datePublished", front.date.map(|d| d.to_string())),
        ("dateModified", last_modified.map(str::to_string)),
    ];
    for (key, date) in dates {
        if let Some(date) = date {
            value[key] = json!(date);
        }
    }
    value
}

pub fn section_context(context: &mut Context, site: &Site, s: usize) {
    let section = &site.sections[s];
    let lang = section.lang.as_str();
    let index = section.index.map(|i| &site.pages[i]);
    let title = section_title(site, s);
    let description = index
        .and_then(|i| i.front.description.as_deref())
        .unwrap_or_else(|| if section.dir.is_empty() { site_description(site, lang) } else { "" });
    let rendered = section.index.map(|i| &site.rendered[i]);
    let view = json!({
        "title": title,
        "description": description,
        "url": href(site, &section.url),
        "content": rendered.map_or("", |r| r.html.as_str()),
        "toc": rendered.map_or(&[][..], |r| r.toc.as_slice()) as &[TocEntry],
        "references": index.map(|i| references(&i.front.references)).unwrap_or_default(),
        "pages": section.pages.iter().map(|&p| summary(site, p, lang)).collect::<Vec<_>>(),
        "subsections": section.children.iter().map(|&c| json!({
            "title": section_title(site, c),
            "url": href(site, &site.sections[c].url),
            "description": site.sections[c].index.and_then(|i| site.pages[i].front.description.as_deref()).unwrap_or(""),
            "count": site.sections[c].pages.len(),
        })).collect::<Vec<_>>(),
    });
    let kind = if section.dir.is_empty() { "home" } else { "section" };
    common(context, site, kind, lang, &section.url, title, description);
    context.insert("section", &view);
    context.insert("breadcrumbs", &breadcrumbs(site, section.parent));
    context.insert(
        "translations",
        &translations(site, lang, |l| site.section(l, &section.dir).map(|t| href(site, &site.sections[t].url))),
    );
    insert_json_ld(
        context,
        &json!({ "@context": "https://schema.org", "@type": if section.dir.is_empty() { "WebSite" } else { "CollectionPage" }, "name": title, "description": description, "url": site.base.absolute(&section.url), "inLanguage": lang }),
    );
}

pub(super) fn generated_page(
    context: &mut Context,
    site: &Site,
    kind: &str,
    lang: &str,
    path: &str,
    title: &str,
    description: &str,
) {
    common(context, site, kind, lang, &format!("{}{path}", site.lang_prefix(lang)), title, description);
    let home = site.section(lang, "");
    context.insert("breadcrumbs", &breadcrumbs(site, home));
    context.insert(
        "translations",
        &translations(site, lang, |l| Some(href(site, &format!("{}{path}", site.lang_prefix(l))))),
    );
    let url = site.base.absolute(&format!("{}{path}", site.lang_prefix(lang)));
    insert_json_ld(
        context,
        &json!({ "@context": "https://schema.org", "@type": "CollectionPage", "name": title, "description": description, "url": url, "inLanguage": lang }),
    );
}

/// What a vocabulary is to the evidence model: `evidence` (the design), `result`, `regulatory`,
/// or `term` for any other; templates choose badge colours by it.
fn role(site: &Site, key: &str) -> &'static str {
    let Some(evidence) = &site.config.evidence else { return "term" };
    if key == evidence.design {
        "evidence"
    } else if key == evidence.result {
        "result"
    } else if evidence.regulatory.as_deref() == Some(key) {
        "regulatory"
    } else {
        "term"
    }
}

/// Returns the site path it renders.
pub fn taxonomy_context(context: &mut Context, site: &Site, t: usize, lang_index: usize) -> String {
    let taxonomy = &site.config.taxonomies[t];
    let lang = site.languages()[lang_index];
    let path = format!("{}/", taxonomy.path);
    let terms: Vec<_> = taxonomy
        .terms
        .iter()
        .enumerate()
        .map(|(rank, term)| {
            json!({
                "id": term.id, "label": term.label_in(lang), "description": term.description_in(lang), "rank": rank,
                "url": href(site, &format!("{}{}/{}/", site.lang_prefix(lang), taxonomy.path, term.id)),
                "count": site.terms[t][rank][lang_index].pages.len(),
            })
        })
        .collect();
    let url = href(site, &format!("{}{path}", site.lang_prefix(lang)));
    let view = json!({ "key": taxonomy.key, "role": role(site, &taxonomy.key), "title": taxonomy.title_in(lang), "description": taxonomy.description_in(lang), "url": url, "ranked": taxonomy.ranked, "terms": terms });
    generated_page(context, site, "taxonomy", lang, &path, taxonomy.title_in(lang), taxonomy.description_in(lang));
    context.insert("taxonomy", &view);
    format!("{}{path}", site.lang_prefix(lang))
}

/// Page `n` (from 1) of a term's list: its articles, and `pager` to the others. Returns the
/// site path it renders.
pub fn term_context(context: &mut Context, site: &Site, t: usize, rank: usize, lang_index: usize, n: usize) -> String {
    let taxonomy = &site.config.taxonomies[t];
    let term = &taxonomy.terms[rank];
    let lang = site.languages()[lang_index];
    let path = format!("{}/{}/", taxonomy.path, term.id);
    let all = &site.terms[t][rank][lang_index].pages;
    let total = site.term_page_count(t, rank, lang_index);
    let shown = &all[((n - 1) * TERM_PAGE_SIZE).min(all.len())..(n * TERM_PAGE_SIZE).min(all.len())];
    let own = site.term_url(t, rank, lang, n);
    let page_path = own.strip_prefix(&site.lang_prefix(lang)).unwrap_or(&own).to_string();
    generated_page(context, site, "term", lang, &page_path, term.label_in(lang), term.description_in(lang));
    // The same page of the list in another language, or its first page when that list is shorter.
    let translations = translations(site, lang, |l| {
        let other = site.lang_index(l);
        let page = if n <= site.term_page_count(t, rank, other) { n } else { 1 };
        Some(href(site, &site.term_url(t, rank, l, page)))
    });
    context.insert("translations", &translations);
    let prefix = site.lang_prefix(lang);
    context.insert("taxonomy", &json!({ "key": taxonomy.key, "role": role(site, &taxonomy.key), "title": taxonomy.title_in(lang), "url": href(site, &format!("{prefix}{}/", taxonomy.path)) }));
    context.insert(
        "term",
        &json!({ "id": term.id, "label": term.label_in(lang), "description": term.description_in(lang), "url": href(site, &format!("{prefix}{path}")), "rank": rank, "count": all.len() }),
    );
    context.insert("pages", &shown.iter().map(|&p| summary(site, p, lang)).collect::<Vec<_>>());
    context.insert("feed_url", &href(site, &format!("{}atom.xml", site.term_url(t, rank, lang, 1))));
    let page_url = |m: usize| (1..=total).contains(&m).then(|| href(site, &site.term_url(t, rank, lang, m)));
    context.insert(
        "pager",
        &json!({
            "current": n,
            "total": total,
            "first": ((n - 1) * TERM_PAGE_SIZE + 1).min(all.len()),
            "last": (n * TERM_PAGE_SIZE).min(all.len()),
            "previous": page_url(n - 1),
            "next": page_url(n + 1),
        }),
    );
    own
}

/// Every recorded change, newest first, with the article it changed. Returns the site path.
pub fn changes_context(context: &mut Context, site: &Site, lang_index: usize) -> String {
    let (Some(evidence), Some(path)) = (&site.config.evidence, crate::site::changes_path(site)) else {
        return String::new();
    };
    let lang = site.languages()[lang_index];
    let title = evidence.changes_title_in(lang);
    generated_page(context, site, "changes", lang, &path, title, "");
    let items: Vec<_> = crate::site::changes(site, lang)
        .into_iter()
        .map(|c| ChangeView {
            date: c.date.to_string(),
            field: c.field,
            from: c.from,
            to: c.to,
            why: c.why,
            page: Some(link(site, site.pages[c.page].title(), &site.pages[c.page].url)),
        })
        .collect();
    context.insert("changes", &items);
    context.insert("feed_url", &href(site, &format!("{path}atom.xml")));
    format!("{}{path}", site.lang_prefix(lang))
}

pub fn not_found_context(context: &mut Context, site: &Site) {
    let lang = site.default_lang();
    common(context, site, "404", lang, "404.html", "404", "");
    context.insert("breadcrumbs", &Vec::<Link<'_>>::new());
    context.insert("translations", &Vec::<Translation<'_>>::new());
    // Not a document about anything: no structured data (`base.html` leaves the script out).
    context.insert("json_ld", "");
}
