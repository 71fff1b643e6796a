//! The contexts of a topic index and of a page of a term's list (`taxonomy.html` and
//! `term.html`, kinds "taxonomy" and "term").
//!
//! In: the [`Site`], a vocabulary or a term, a language, and which page of the list. Out:
//! `taxonomy`, `term`, `pages` and `pager` (docs/templates.md), and the site path rendered.

use super::context::{Common, Context};
use super::views::{Summaries, href, translations};
use crate::site::{LangId, Site, TERM_PAGE_SIZE, TaxonomyId, TermId};
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct TaxonomyContext<'a> {
    taxonomy: TaxonomyView<'a>,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    key: &'a str,
    role: &'static str,
    title: &'a str,
    description: &'a str,
    url: String,
    ranked: bool,
    terms: Vec<TermView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct TermContext<'a> {
    taxonomy: TermTaxonomy<'a>,
    term: TermView<'a>,
    /// This page of the list only.
    /// Summaries ([`Summaries`]).
    pages: Vec<tera::Value>,
    pager: Pager,
}

/// The vocabulary a term page belongs to.
#[derive(Serialize)]
struct TermTaxonomy<'a> {
    key: &'a str,
    role: &'static str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct TermView<'a> {
    id: &'a str,
    label: &'a str,
    description: &'a str,
    url: String,
    rank: usize,
    /// All the articles with the term, in this language.
    count: usize,
}

/// Where a page of a term's list stands among the others.
#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    first: usize,
    last: usize,
    previous: Option<String>,
    next: Option<String>,
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

fn term_view(site: &Site, term: TermId, lang: LangId) -> TermView<'_> {
    let code = site.lang(lang);
    let t = site.term(term);
    TermView {
        id: &t.id,
        label: t.label_in(code),
        description: t.description_in(code),
        url: href(site, &site.term_url(term, code, 1)),
        rank: term.rank,
        count: site.term_pages(term, lang).len(),
    }
}

/// A topic index. Returns the site path it renders.
pub(crate) fn taxonomy_context(
    site: &Site,
    t: TaxonomyId,
    lang_id: LangId,
) -> (String, Context<'_, TaxonomyContext<'_>>) {
    let taxonomy = site.taxonomy(t);
    let lang = site.lang(lang_id);
    let path = format!("{}/", taxonomy.path);
    let view = TaxonomyView {
        key: &taxonomy.key,
        role: role(site, &taxonomy.key),
        title: taxonomy.title_in(lang),
        description: taxonomy.description_in(lang),
        url: href(site, &format!("{}{path}", site.lang_prefix(lang))),
        ranked: taxonomy.ranked,
        terms: site.term_ids(t).map(|term| term_view(site, term, lang_id)).collect(),
    };
    let common =
        Common::generated(site, "taxonomy", lang, &path, taxonomy.title_in(lang), taxonomy.description_in(lang));
    (format!("{}{path}", site.lang_prefix(lang)), Context { common, own: TaxonomyContext { taxonomy: view } })
}

/// Page `n` (from 1) of a term's list: its articles, and `pager` to the others. Returns the
/// site path it renders.
pub(crate) fn term_context<'a>(
    site: &'a Site,
    summaries: &Summaries,
    term: TermId,
    lang_id: LangId,
    n: usize,
) -> (String, Context<'a, TermContext<'a>>) {
    let taxonomy = site.taxonomy(term.taxonomy);
    let lang = site.lang(lang_id);
    let all = site.term_pages(term, lang_id);
    let total = site.term_page_count(term, lang_id);
    let shown = &all[((n - 1) * TERM_PAGE_SIZE).min(all.len())..(n * TERM_PAGE_SIZE).min(all.len())];
    let own = site.term_url(term, lang, n);
    let page_path = own.strip_prefix(&site.lang_prefix(lang)).unwrap_or(&own).to_string();
    let label = site.term(term).label_in(lang);
    // The same page of the list in another language, or its first page when that list is shorter.
    let translations = translations(site, lang, |l| {
        let page = if n <= site.term_page_count(term, site.lang_id(l)) { n } else { 1 };
        Some(href(site, &site.term_url(term, l, page)))
    });
    let common = Common::generated(site, "term", lang, &page_path, label, site.term(term).description_in(lang))
        .with_translations(translations)
        .with_feed(href(site, &format!("{}atom.xml", site.term_url(term, lang, 1))));
    let page_url = |m: usize| (1..=total).contains(&m).then(|| href(site, &site.term_url(term, lang, m)));
    let own_context = TermContext {
        taxonomy: TermTaxonomy {
            key: &taxonomy.key,
            role: role(site, &taxonomy.key),
            title: taxonomy.title_in(lang),
            url: href(site, &format!("{}{}/", site.lang_prefix(lang), taxonomy.path)),
        },
        term: term_view(site, term, lang_id),
        pages: shown.iter().map(|&p| summaries.get(site, p, lang_id)).collect(),
        pager: Pager {
            current: n,
            total,
            first: ((n - 1) * TERM_PAGE_SIZE + 1).min(all.len()),
            last: (n * TERM_PAGE_SIZE).min(all.len()),
            previous: page_url(n - 1),
            next: page_url(n + 1),
        },
    };
    (own, Context { common, own: own_context })
}
