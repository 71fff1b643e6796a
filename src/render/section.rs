//! The context of a section and of a language's home page (`section.html` and `index.html`,
//! kinds "section" and "home").
//!
//! In: the [`Site`] and a section. Out: `section` (docs/templates.md): its intro, its articles
//! and its subsections.

use super::context::{Common, Context};
use super::references::{ReferenceView, references};
use super::views::{Summaries, breadcrumbs, href, section_title, site_description, translations};
use crate::markdown::TocEntry;
use crate::site::{SectionId, Site};
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct SectionContext<'a> {
    section: SectionView<'a>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    /// The `_index.md` body (HTML).
    content: &'a str,
    toc: &'a [TocEntry],
    references: Vec<ReferenceView<'a>>,
    /// Summaries ([`Summaries`]).
    pages: Vec<tera::Value>,
    subsections: Vec<Subsection<'a>>,
}

#[derive(Serialize)]
struct Subsection<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    /// Its articles.
    count: usize,
}

pub(crate) fn context<'a>(site: &'a Site, summaries: &Summaries, s: SectionId) -> Context<'a, SectionContext<'a>> {
    let section = site.section(s);
    let lang = section.lang.as_str();
    // Looked up once: `lang_id` searches the configured languages.
    let lang_id = site.lang_id(lang);
    let home = section.dir.is_empty();
    let index = section.index.map(|i| site.page(i));
    let title = section_title(site, s);
    let description = index
        .and_then(|i| i.front.description.as_deref())
        .unwrap_or_else(|| if home { site_description(site, lang) } else { "" });
    let rendered = section.index.map(|i| &site.rendered[i]);
    let view = SectionView {
        title,
        description,
        url: href(site, &section.url),
        content: rendered.map_or("", |r| r.html.as_str()),
        toc: rendered.map_or(&[][..], |r| r.toc.as_slice()),
        references: index.map(|i| references(&i.front.references)).unwrap_or_default(),
        pages: section.pages.iter().map(|&p| summaries.get(site, p, lang_id)).collect(),
        subsections: section
            .children
            .iter()
            .map(|&c| Subsection {
                title: section_title(site, c),
                url: href(site, &site.section(c).url),
                description: site
                    .section(c)
                    .index
                    .and_then(|i| site.page(i).front.description.as_deref())
                    .unwrap_or(""),
                count: site.section(c).pages.len(),
            })
            .collect(),
    };
    let json_ld = super::json_ld::collection(home, title, description, &site.base.absolute(&section.url), lang);
    let common = Common::new(site, if home { "home" } else { "section" }, lang, &section.url, title, description)
        .with_breadcrumbs(breadcrumbs(site, section.parent))
        .with_translations(translations(site, lang, |l| {
            site.find_section(l, &section.dir).map(|t| href(site, &site.section(t).url))
        }))
        .with_json_ld(&json_ld);
    Context { common, own: SectionContext { section: view } }
}
