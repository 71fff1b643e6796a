//! The global context: what every template shares, set once per model.
//!
//! In: the [`Site`], the interface strings and the page security policies. Out: `site`, `i18n`,
//! `navs`, `topics` and `security` (docs/templates.md, "Global context"), as one [`Global`].

use super::views::{Link, href, page_link, section_title, site_title};
use crate::site::{SectionId, Site};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many articles a sidebar section lists before it links to the section page instead;
/// listing every article on every page would make a large site quadratic, as mdBook's is.
const NAV_PAGES: usize = 30;

#[derive(Serialize)]
pub(crate) struct Global<'a> {
    site: SiteView<'a>,
    i18n: &'a toml::Table,
    navs: BTreeMap<&'a str, Vec<NavSection<'a>>>,
    topics: BTreeMap<&'a str, Vec<Topic<'a>>>,
    security: Security<'a>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base: &'a str,
    search: bool,
    repository_url: Option<&'a str>,
    generator: &'static str,
    languages: Vec<Language<'a>>,
    syntax_css: SyntaxCss,
    /// Vocabularies the evidence box shows (not repeated in the list of topics).
    evidence_keys: Vec<&'a str>,
    /// The vocabulary whose terms summary cards show as chips.
    card_terms: &'a str,
}

#[derive(Serialize)]
struct Language<'a> {
    code: &'a str,
    name: &'a str,
    home: String,
    title: &'a str,
}

#[derive(Serialize)]
struct SyntaxCss {
    light: String,
    dark: String,
}

/// The page security meta data `base.html` puts in `<meta>` tags.
#[derive(Serialize)]
pub(crate) struct Security<'a> {
    /// The Content-Security-Policy, or `` when the site has none.
    pub csp: &'a str,
    pub referrer: &'a str,
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

/// A topic index of one language.
#[derive(Serialize)]
struct Topic<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
}

pub(crate) fn global<'a>(site: &'a Site, i18n: &'a toml::Table, security: Security<'a>) -> Global<'a> {
    let config = &site.config;
    let languages = site
        .languages()
        .into_iter()
        .map(|lang| Language {
            code: lang,
            name: config.language.get(lang).map_or(lang, |l| l.name.as_str()),
            home: href(site, &site.lang_prefix(lang)),
            title: site_title(site, lang),
        })
        .collect();
    let view = SiteView {
        title: &config.book.title,
        description: &config.book.description,
        language: &config.book.language,
        base: &site.base.path,
        search: config.search.enabled,
        repository_url: config.output.html.git_repository_url.as_deref(),
        generator: concat!("cellbook ", env!("CARGO_PKG_VERSION")),
        languages,
        syntax_css: SyntaxCss { light: href(site, "syntax-light.css"), dark: href(site, "syntax-dark.css") },
        evidence_keys: config.evidence.as_ref().map(|e| e.keys().collect()).unwrap_or_default(),
        card_terms: config.matrix.as_ref().map_or("", |m| m.columns.as_str()),
    };
    let mut navs = BTreeMap::new();
    let mut topics = BTreeMap::new();
    for lang in site.languages() {
        let root = site.find_section(lang, "");
        let nav = root.map_or(&[][..], |root| &site.section(root).children[..]);
        navs.insert(lang, nav.iter().map(|&s| nav_section(site, s)).collect());
        topics.insert(lang, topic_links(site, lang));
    }
    Global { site: view, i18n, navs, topics, security }
}

fn nav_section(site: &Site, s: SectionId) -> NavSection<'_> {
    let section = site.section(s);
    NavSection {
        title: section_title(site, s),
        url: href(site, &section.url),
        pages: section.pages.iter().take(NAV_PAGES).map(|&p| page_link(site, p)).collect(),
        more: section.pages.len().saturating_sub(NAV_PAGES),
        children: section.children.iter().map(|&c| nav_section(site, c)).collect(),
    }
}

fn topic_links<'a>(site: &'a Site, lang: &str) -> Vec<Topic<'a>> {
    let prefix = site.lang_prefix(lang);
    let mut topics: Vec<_> = site
        .config
        .taxonomies
        .iter()
        .map(|t| Topic {
            title: t.title_in(lang),
            url: href(site, &format!("{prefix}{}/", t.path)),
            description: t.description_in(lang),
        })
        .collect();
    if let Some(matrix) = &site.config.matrix {
        topics.push(Topic {
            title: matrix.title_in(lang),
            url: href(site, &format!("{prefix}{}/", matrix.path)),
            description: "",
        });
    }
    topics
}
