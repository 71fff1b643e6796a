//! Rendering: the site model -> HTML files, through Tera 2 templates.
//!
//! In: a [`Site`] and the templates (the built-in theme and the site's `templates/`). Out: one HTML
//! document per page, section, topic index, page of a term's list and matrix in every language,
//! plus `404.html`. What every page shares (site data, navigation, interface strings) goes once
//! into Tera's global context ([`global`]); each render gets a small context of its own, a typed
//! view per kind of page ([`context`], the template contract), built from references into the
//! model, so the site is never copied per page. Rendering runs in parallel.

mod changes;
pub(crate) mod context;
mod global;
mod json_ld;
mod matrix;
mod nav;
mod page;
mod references;
mod section;
mod taxonomy;
mod timeline;
mod trials;
mod views;

// The search index names each result's section as the breadcrumbs do.
pub(crate) use views::section_title;

use crate::dates::Dates;
use crate::diagnostics::Diagnostic;
use crate::site::{IdVec, LangId, PageId, SectionId, Site, TaxonomyId, TermId};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Mutex;
use tera::{Context, Tera};

/// A rendered output file: its path in the output folder and its bytes.
pub struct OutputFile {
    /// Path in the output folder, with `/` separators: `cells/msc/index.html`, `404.html`.
    pub path: String,
    /// The rendered HTML.
    pub contents: String,
}

/// What to render; each variant is one output document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    /// An article (`page.html`).
    Page(PageId),
    /// A section's index page (`index.html` for the top, `section.html` for the others).
    Section(SectionId),
    /// A vocabulary's index of its terms (`taxonomy.html`), in one language.
    Taxonomy {
        /// The vocabulary.
        taxonomy: TaxonomyId,
        /// The language the page is rendered in.
        lang: LangId,
    },
    /// Page `page` (from 1) of a term's list of articles.
    Term {
        /// The term whose articles are listed.
        term: TermId,
        /// The language the page is rendered in.
        lang: LangId,
        /// Which page of the list, from 1.
        page: usize,
    },
    /// The page crossing two vocabularies, from `[matrix]` (`matrix.html`).
    Matrix {
        /// The language the page is rendered in.
        lang: LangId,
    },
    /// The table of every trial record.
    Trials {
        /// The language the page is rendered in.
        lang: LangId,
    },
    /// Trials whose results are overdue.
    Overdue {
        /// The language the page is rendered in.
        lang: LangId,
    },
    /// Every change of an article's design, result, certainty or regulatory status.
    Changes {
        /// The language the page is rendered in.
        lang: LangId,
    },
    /// The "page not found" page, `404.html`.
    NotFound,
}

/// The loaded templates, with what the pages' Content-Security-Policy needs from them.
pub struct Templates {
    /// The templates: the built-in theme's, with the site's own in their place.
    pub tera: Tera,
    /// The interface strings by language: the built-in `i18n.toml`, with the site's strings over it.
    pub i18n: toml::Table,
    /// `'sha256-...'` of every inline script in the templates.
    pub script_hashes: Vec<String>,
}

/// Loads the templates: the built-in theme with the site's own `templates/` files in place of
/// its files of the same name (see [`crate::theme`]), and the interface strings. A template
/// reached through a symbolic link out of the site, or with template code inside an inline
/// script, is an error.
pub fn load_templates(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let templates = crate::theme::templates(root)?;
    let mut script_hashes = Vec::new();
    for template in &templates {
        script_hashes.extend(inline_script_hashes(&template.text, &template.name)?);
    }
    script_hashes.sort();
    script_hashes.dedup();
    tera.add_raw_templates(templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        .map_err(|e| vec![template_error(&e)])?;
    Ok(Templates { tera, i18n: crate::theme::strings(root)?, script_hashes })
}

/// Tera's autoescaping, to the same bytes (`&#39;` for `'`), writing each run of plain text at
/// once: Tera's own writes a byte at a time through `dyn Write`, a call a byte, and was a sixth of
/// the templates' time at 10,000 pages (BENCHMARKS.md, round eight).
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut plain_from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[plain_from..i])?;
        out.write_all(escaped)?;
        plain_from = i + 1;
    }
    out.write_all(&bytes[plain_from..])
}

/// The hashes of one template's inline scripts.
fn inline_script_hashes(source: &str, name: &str) -> Result<Vec<String>, Vec<Diagnostic>> {
    let file = format!("templates/{name}");
    crate::safety::csp::template_hashes(source).map_err(|finding| {
        let (line, col) = crate::diagnostics::LineIndex::new(source).position(finding.at);
        vec![Diagnostic::error(&file, line, col, finding.message)]
    })
}

/// A Tera error as `templates/name.html:line:col: message`.
pub(crate) fn template_error(error: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            Diagnostic::error(
                format!("templates/{}", report.filename()),
                span.start_line,
                span.start_col + 1,
                report.message().to_string(),
            )
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            Diagnostic::error(format!("templates/{current}"), 1, 1, format!("extends `{parent}`, which does not exist"))
        }
        tera::ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(format!("templates/{name}"), 0, 0, "template not found")
        }
        _ => {
            if let Some(diagnostic) = parse_report(&error.to_string()) {
                return diagnostic;
            }
            let mut message = error.to_string();
            let mut source = error.source();
            while let Some(inner) = source {
                message = format!("{message}: {inner}");
                source = inner.source();
            }
            Diagnostic::error("templates", 0, 0, message)
        }
    }
}

/// Tera checks includes and filters when templates are loaded and reports them as text in its
/// own format (`error: Unknown template ...` then ` --> term.html:3:12`); this reads the first one.
fn parse_report(text: &str) -> Option<Diagnostic> {
    let mut lines = text.lines();
    let message = lines.find_map(|l| l.trim().strip_prefix("error: "))?.trim_start_matches("error: ").to_string();
    let place = lines.find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    Some(Diagnostic::error(format!("templates/{name}"), line, col, message))
}

/// The templates with the global context (site, navigation, strings, the page security meta
/// data) set, once per model.
pub struct Prepared {
    /// The templates, their global context set.
    pub tera: Tera,
    /// The hashes the Content-Security-Policy allows; `None` when the site has no policy.
    pub script_hashes: Option<Vec<String>>,
    /// The sidebars rendered so far, by language and section.
    navs: nav::Navs,
    /// The pages' summaries made so far, for the lists.
    summaries: views::Summaries,
}

/// Sets the global context on the templates ([`global`]: `site`, `i18n`, `navs`, `topics`, and
/// `security`: `csp`, the policy or ``; `referrer`, the referrer policy, for `base.html`'s
/// `<meta>` tags). Each render also gets `nav`, the sidebar ([`nav`]).
pub(crate) fn prepare(site: &Site, templates: Templates) -> Prepared {
    let Templates { mut tera, i18n, script_hashes } = templates;
    let csp = content_security_policy(site, &script_hashes);
    let global = global_context(site, &i18n, csp.as_deref());
    // A struct always serialises to a map, which is all `from_serialize` asks.
    *tera.global_context() = Context::from_serialize(&global).unwrap_or_default();
    Prepared {
        tera,
        script_hashes: csp.map(|_| script_hashes),
        navs: nav::Navs::new(site),
        summaries: views::Summaries::new(site),
    }
}

/// The page's policy with the templates' script hashes; `None` when the site has none.
fn content_security_policy(site: &Site, script_hashes: &[String]) -> Option<String> {
    let html = &site.config.output.html;
    let policy = html.content_security_policy.as_deref().unwrap_or(crate::safety::csp::DEFAULT_POLICY);
    crate::safety::csp::with_hashes(policy, script_hashes)
}

fn global_context<'a>(site: &'a Site, i18n: &'a toml::Table, csp: Option<&'a str>) -> global::Global<'a> {
    let html = &site.config.output.html;
    let referrer = html.referrer_policy.as_deref().unwrap_or(crate::config::DEFAULT_REFERRER_POLICY);
    global::global(site, i18n, global::Security { csp: csp.unwrap_or(""), referrer })
}

/// The global context as the templates see it, its policy allowing `script_hashes` (for the
/// snapshot tests).
pub fn global_json(site: &Site, i18n: &toml::Table, script_hashes: &[String]) -> serde_json::Value {
    let csp = content_security_policy(site, script_hashes);
    serde_json::to_value(global_context(site, i18n, csp.as_deref())).unwrap_or_default()
}

/// A job's output path and the context its template gets, as JSON (for the snapshot tests and
/// docs/templates.md's check); `None` for a job the site does not make. The same code the
/// renderer runs.
pub fn context_json(site: &Site, dates: &Dates, job: Job) -> Option<(String, serde_json::Value)> {
    let document = context::document(site, &views::Summaries::new(site), dates, job, None)?;
    Some((document.path, serde_json::to_value(&document.contents).ok()?))
}

/// Renders the given documents in parallel; all template errors are returned together.
pub(crate) fn render(
    templates: &Prepared,
    site: &Site,
    dates: &Dates,
    jobs: &[Job],
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    crate::progress::expect(jobs.len());
    let results: Vec<Result<OutputFile, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let result = render_job(templates, site, None, dates, *job);
            crate::progress::advance();
            result
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(distinct(problems)) }
}

/// Why [`render_each`] stopped.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// Template errors, in the order of the jobs; once one is found, nothing more is written,
    /// but every document is still rendered so that all errors are reported together.
    Templates(Vec<Diagnostic>),
    /// The first error of the writer; rendering stops there.
    Write(std::io::Error),
}

/// The articles' bodies, moved out of the model for one [`render_each`]: each page's job takes
/// its own and drops it with the page once written, so that a build does not hold every body
/// until the last page is written. Section introductions stay in the model (sections show them).
pub(crate) struct Bodies(IdVec<PageId, Mutex<String>>);

impl Bodies {
    /// Moves the articles' bodies out of `site`; the model is left with empty ones.
    pub(crate) fn take(site: &mut Site) -> Bodies {
        let Site { pages, rendered, .. } = site;
        let bodies: Vec<Mutex<String>> = rendered
            .iter_mut()
            .zip(pages.iter())
            .map(|(rendered, page)| {
                Mutex::new(if page.is_index { String::new() } else { std::mem::take(&mut rendered.html) })
            })
            .collect();
        Bodies(bodies.into())
    }

    /// Page `p`'s body, taken: a second call gets an empty one.
    fn take_page(&self, p: PageId) -> String {
        std::mem::take(&mut *self.0[p].lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Renders the given documents in parallel and hands each to `write` on the thread that rendered
/// it, so that a rendered document is dropped as soon as it is written and the site is never held
/// in memory whole; each article's body comes from `bodies` and is dropped with its page.
/// Returns how many documents were written.
pub(crate) fn render_each(
    templates: &Prepared,
    site: &Site,
    bodies: Bodies,
    dates: &Dates,
    jobs: &[Job],
    write: impl Fn(&OutputFile) -> std::io::Result<()> + Sync,
) -> Result<usize, StreamError> {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    crate::progress::expect(jobs.len());
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let (stop, template_error) = (AtomicBool::new(false), AtomicBool::new(false));
    let problems: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| {
            if stop.load(Relaxed) {
                return None;
            }
            let result = render_job(templates, site, Some(&bodies), dates, *job);
            crate::progress::advance();
            match result {
                Ok(file) if !template_error.load(Relaxed) => {
                    if let Err(e) = write(&file) {
                        stop.store(true, Relaxed);
                        write_error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                    }
                    None
                }
                Ok(_) => None,
                Err(problem) => {
                    template_error.store(true, Relaxed);
                    Some(problem)
                }
            }
        })
        .collect();
    if !problems.is_empty() {
        return Err(StreamError::Templates(distinct(problems)));
    }
    match write_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => Err(StreamError::Write(e)),
        None => Ok(jobs.len()),
    }
}

/// The problems without repeats, in their order: an error in a template every page uses (the
/// sidebar's `nav.html`) is reported once, not once per page.
fn distinct(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for problem in problems {
        if seen.insert((problem.path.clone(), problem.line, problem.col, problem.message.clone())) {
            kept.push(problem);
        }
    }
    kept
}

/// Every document of the site.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> =
        site.pages.iter_ids().filter(|(_, page)| !page.is_index).map(|(p, _)| Job::Page(p)).collect();
    jobs.extend(site.sections.ids().map(Job::Section));
    for lang in site.lang_ids() {
        for taxonomy in site.taxonomy_ids() {
            jobs.push(Job::Taxonomy { taxonomy, lang });
            for term in site.term_ids(taxonomy) {
                let pages = site.term_page_count(term, lang);
                jobs.extend((1..=pages).map(|page| Job::Term { term, lang, page }));
            }
        }
        if site.config.matrix.is_some() {
            jobs.push(Job::Matrix { lang });
        }
        if site.config.evidence.is_some() {
            jobs.extend([Job::Trials { lang }, Job::Overdue { lang }, Job::Changes { lang }]);
        }
    }
    jobs.push(Job::NotFound);
    jobs
}

fn render_job(
    templates: &Prepared,
    site: &Site,
    bodies: Option<&Bodies>,
    dates: &Dates,
    job: Job,
) -> Result<OutputFile, Diagnostic> {
    let while_rendering = |mut diagnostic: Diagnostic| {
        if let Job::Page(p) = job {
            diagnostic.message = format!("{} (while rendering {})", diagnostic.message, site.page(p).file.display());
        }
        diagnostic
    };
    let body = match (bodies, job) {
        (Some(bodies), Job::Page(p)) => Some(bodies.take_page(p)),
        _ => None,
    };
    let Some(document) = context::document(site, &templates.summaries, dates, job, body.as_deref()) else {
        return Err(Diagnostic::error("book.toml", 0, 0, format!("nothing to render for {job:?}")));
    };
    let context::Document { template, path, contents } = document;
    let common = contents.common();
    // An error in `nav.html` is the same whatever the page: it is not said to be the page's.
    let nav = templates.navs.for_page(&templates.tera, common.lang(), common.url())?;
    let mut context = Context::from_serialize(&contents).map_err(|e| while_rendering(template_error(&e)))?;
    drop(contents);
    context.insert("nav", &nav);
    let contents = rendered(&templates.tera, template, &context).map_err(while_rendering)?;
    let contents = checked(contents, templates, template, &path).map_err(while_rendering)?;
    Ok(OutputFile { path, contents })
}

/// The template rendered, as a string of its own length. It is rendered into a buffer the thread
/// keeps: a page rendered into a new string grew by doubling, copying itself and taking fresh
/// memory at each size.
fn rendered(tera: &Tera, template: &str, context: &Context) -> Result<String, Diagnostic> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        tera.render_to(template, context, &mut *buffer).map_err(|e| template_error(&e))?;
        let html = std::str::from_utf8(buffer).map(str::to_owned).map_err(|e| {
            Diagnostic::error(format!("templates/{template}"), 0, 0, format!("the output is not UTF-8: {e}"))
        });
        // A rare huge page (the evidence matrix) does not keep its size of memory for good.
        if buffer.capacity() > 1 << 20 {
            *buffer = Vec::new();
        }
        html
    })
}

/// A rendered document after `safety::check_document`: no dangerous URL and no inline script
/// the policy does not allow, whatever the template took them from, and `rel="noopener"` added.
/// The error names the template, and where in the output the problem is.
fn checked(contents: String, templates: &Prepared, template: &str, path: &str) -> Result<String, Diagnostic> {
    match crate::safety::check_document(&contents, templates.script_hashes.as_deref()) {
        Ok(std::borrow::Cow::Borrowed(_)) => Ok(contents),
        Ok(std::borrow::Cow::Owned(fixed)) => Ok(fixed),
        Err(finding) => {
            let (line, col) = crate::diagnostics::LineIndex::new(&contents).position(finding.at);
            let message = format!("{} (in the output `{path}`, line {line}, column {col})", finding.message);
            Err(Diagnostic::error(format!("templates/{template}"), 0, 0, message))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_writes_what_teras_own_escaping_writes() {
        for text in ["", "plain", "<a href=\"x\">Tom & Jerry's</a>", "'\"<>&", "über <b> 中文 &amp;", "x&"] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(text, &mut ours).unwrap();
            tera::escape_html(text, &mut teras).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(teras).unwrap(), "{text:?}");
        }
    }
}
