//! The template contract: what each job gives its template, as one typed value per kind of page.
//!
//! In: the [`Site`], the pages' dates and a [`Job`]. Out: a [`Document`]: the template, the
//! output path, and the [`Contents`] that serialise to the template's context. The renderer and
//! the snapshot tests (via [`super::context_json`]) both take the context from here.

use super::views::{Link, Summaries, Translation, breadcrumbs, href, translations};
use super::{Job, changes, json_ld, matrix, page, section, taxonomy, trials};
use crate::dates::Dates;
use crate::site::Site;
use serde::Serialize;

/// What one job renders.
pub(crate) struct Document<'a> {
    pub template: &'static str,
    /// The output file, relative to the output folder.
    pub path: String,
    pub contents: Contents<'a>,
}

/// The fields every render has (docs/templates.md, "Per-render context").
#[derive(Serialize)]
pub(crate) struct Common<'a> {
    lang: &'a str,
    kind: &'static str,
    url: String,
    permalink: String,
    title: &'a str,
    description: &'a str,
    feed_url: String,
    breadcrumbs: Vec<Link<'a>>,
    translations: Vec<Translation<'a>>,
    json_ld: String,
}

impl<'a> Common<'a> {
    /// A page at `site_path`, with no breadcrumbs, translations or structured data yet.
    pub(crate) fn new(
        site: &'a Site,
        kind: &'static str,
        lang: &'a str,
        site_path: &str,
        title: &'a str,
        description: &'a str,
    ) -> Self {
        Common {
            lang,
            kind,
            url: href(site, site_path),
            permalink: site.base.absolute(&crate::site::links::encode_path(site_path)),
            title,
            description,
            feed_url: href(site, "atom.xml"),
            breadcrumbs: Vec::new(),
            translations: Vec::new(),
            json_ld: String::new(),
        }
    }

    /// A page the generator makes at `path` (after the language prefix) in every language: under
    /// the home page, and a `CollectionPage`.
    pub(crate) fn generated(
        site: &'a Site,
        kind: &'static str,
        lang: &'a str,
        path: &str,
        title: &'a str,
        description: &'a str,
    ) -> Self {
        let mut common =
            Common::new(site, kind, lang, &format!("{}{path}", site.lang_prefix(lang)), title, description);
        common.breadcrumbs = breadcrumbs(site, site.find_section(lang, ""));
        common.translations = translations(site, lang, |l| Some(href(site, &format!("{}{path}", site.lang_prefix(l)))));
        let url = site.base.absolute(&format!("{}{path}", site.lang_prefix(lang)));
        common.json_ld = json_ld::script_text(&json_ld::collection(false, title, description, &url, lang));
        common
    }

    pub(crate) fn with_breadcrumbs(mut self, breadcrumbs: Vec<Link<'a>>) -> Self {
        self.breadcrumbs = breadcrumbs;
        self
    }

    pub(crate) fn with_translations(mut self, translations: Vec<Translation<'a>>) -> Self {
        self.translations = translations;
        self
    }

    pub(crate) fn with_json_ld(mut self, value: &serde_json::Value) -> Self {
        self.json_ld = json_ld::script_text(value);
        self
    }

    pub(crate) fn with_feed(mut self, feed_url: String) -> Self {
        self.feed_url = feed_url;
        self
    }
}

/// A context: the common fields, and those of its kind.
#[derive(Serialize)]
pub(crate) struct Context<'a, T> {
    #[serde(flatten)]
    pub common: Common<'a>,
    #[serde(flatten)]
    pub own: T,
}

/// The context of each kind of page.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Contents<'a> {
    /// Boxed: an article's view is several times the size of the others.
    Page(Box<Context<'a, page::PageContext<'a>>>),
    Section(Context<'a, section::SectionContext<'a>>),
    Taxonomy(Context<'a, taxonomy::TaxonomyContext<'a>>),
    Term(Context<'a, taxonomy::TermContext<'a>>),
    Matrix(Context<'a, matrix::MatrixContext<'a>>),
    Trials(Context<'a, trials::TrialsContext<'a>>),
    Overdue(Context<'a, trials::OverdueContext<'a>>),
    Changes(Context<'a, changes::ChangesContext<'a>>),
    NotFound(Common<'a>),
}

impl Contents<'_> {
    /// The fields every render has.
    pub(crate) fn common(&self) -> &Common<'_> {
        match self {
            Contents::Page(c) => &c.common,
            Contents::Section(c) => &c.common,
            Contents::Taxonomy(c) => &c.common,
            Contents::Term(c) => &c.common,
            Contents::Matrix(c) => &c.common,
            Contents::Trials(c) => &c.common,
            Contents::Overdue(c) => &c.common,
            Contents::Changes(c) => &c.common,
            Contents::NotFound(common) => common,
        }
    }
}

impl Common<'_> {
    /// The page's language.
    pub(crate) fn lang(&self) -> &str {
        self.lang
    }

    /// The page's href.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

/// The template, output path and context of a job; `None` for a job the site's configuration
/// does not make (a matrix without `[matrix]`, a trials page without `[evidence]`). Lists take
/// their pages' summaries from `summaries`.
pub(crate) fn document<'a>(
    site: &'a Site,
    summaries: &Summaries,
    dates: &Dates,
    job: Job,
    body: Option<&'a str>,
) -> Option<Document<'a>> {
    let at = |template: &'static str, site_path: &str, contents: Contents<'a>| Document {
        template,
        path: format!("{site_path}index.html"),
        contents,
    };
    Some(match job {
        Job::Page(p) => {
            at("page.html", &site.page(p).url, Contents::Page(Box::new(page::context(site, dates, p, body))))
        }
        Job::Section(s) => {
            let template = if site.section(s).dir.is_empty() { "index.html" } else { "section.html" };
            at(template, &site.section(s).url, Contents::Section(section::context(site, summaries, s)))
        }
        Job::Taxonomy { taxonomy, lang } => {
            let (path, context) = taxonomy::taxonomy_context(site, taxonomy, lang);
            at("taxonomy.html", &path, Contents::Taxonomy(context))
        }
        Job::Term { term, lang, page } => {
            let (path, context) = taxonomy::term_context(site, summaries, term, lang, page);
            at("term.html", &path, Contents::Term(context))
        }
        Job::Matrix { lang } => {
            let (path, context) = matrix::context(site, lang)?;
            at("matrix.html", &path, Contents::Matrix(context))
        }
        Job::Trials { lang } => {
            let (path, context) = trials::trials_context(site, lang)?;
            at("trials.html", &path, Contents::Trials(context))
        }
        Job::Overdue { lang } => {
            let (path, context) = trials::overdue_context(site, lang)?;
            at("overdue.html", &path, Contents::Overdue(context))
        }
        Job::Changes { lang } => {
            let (path, context) = changes::context(site, lang)?;
            at("changes.html", &path, Contents::Changes(context))
        }
        Job::NotFound => Document {
            template: "404.html",
            path: "404.html".to_string(),
            // Not a document about anything: no structured data (`base.html` leaves the script out).
            contents: Contents::NotFound(Common::new(site, "404", site.default_lang(), "404.html", "404", "")),
        },
    })
}
