//! The build pipeline, stage by stage: config -> content -> site model -> render -> output.
//!
//! In: the site root and the command-line options. Out: the built site in the output folder and
//! a [`Report`] with counts, or every error of the build at once as a [`Failure`]. [`compile`]
//! stops before writing, which is what `check` and the dev server build on.

use crate::config::Config;
use crate::dates::Dates;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::output::{Staging, Writer, Written, check_target, state};
use crate::render::{self, OutputFile};
use crate::site::Site;
use crate::urls::BaseUrl;
use crate::{content, feeds, highlight, search};
use pagefind::api::FragmentFile;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to build: the site's folder and the command-line choices.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The site's root folder, the one holding `book.toml`.
    pub root: PathBuf,
    /// Overrides `[build] build-dir`.
    pub output: Option<PathBuf>,
    /// Overrides `[output.html] site-url`.
    pub base_url: Option<String>,
    /// Include pages marked as drafts.
    pub drafts: bool,
    /// Skip the search index (faster previews).
    pub no_search: bool,
}

/// What a build made.
#[derive(Debug)]
pub struct Report {
    /// Pages built, not counting section index pages; 0 when nothing changed.
    pub pages: usize,
    /// Sections built; 0 when nothing changed.
    pub sections: usize,
    /// Taxonomy terms, summed over every taxonomy; 0 when nothing changed.
    pub terms: usize,
    /// Files in the output: copies, rendered documents, generated files and the search index.
    pub files: usize,
    /// The build's warnings, sorted (errors fail the build instead).
    pub warnings: Vec<Diagnostic>,
    /// Wall-clock time of the whole build.
    pub elapsed: Duration,
    /// The output folder the site was written to, absolute.
    pub output: PathBuf,
    /// Time spent building and writing the search index; zero without search.
    pub search_time: Duration,
    /// Search documents whose parsed page the previous build kept, so not parsed again.
    pub search_reused: usize,
    /// How the output folder was brought up to date.
    pub written: Written,
}

/// A site rendered in memory: the model it came from, every output file, and what to copy.
pub struct Compiled {
    /// The site model the files were rendered from.
    pub site: Site,
    /// The templates, with the global context of this model already set.
    pub templates: render::Prepared,
    /// Page dates from git history, used by feeds and the sitemap.
    pub dates: Dates,
    /// Every rendered document, with its output path.
    pub files: Vec<OutputFile>,
    /// (output path, source) of static files and page assets.
    pub copies: Vec<(String, PathBuf)>,
    /// Files generated in memory (feeds, sitemap, stylesheets, theme files) as (output path, bytes), sorted.
    pub extra: Vec<(String, Vec<u8>)>,
    /// The build's warnings, sorted.
    pub warnings: Vec<Diagnostic>,
}

/// The output folder a build writes to, from the options or `book.toml`.
pub(crate) fn output_dir(options: &Options, config: &Config) -> PathBuf {
    options.output.clone().unwrap_or_else(|| options.root.join(&config.build.build_dir))
}

/// Builds the site into the output folder: a new site swapped in whole, or, over a complete output
/// of cellbook's, only the changed files written in place; nothing at all when the output was
/// built from the same inputs ([`crate::fingerprint`]) and has not changed since. Each page is
/// written by the task that rendered it, so the rendered site is never held in memory whole (the
/// dev server keeps it, and uses [`compile`] and [`write`]). The search index is built on a thread
/// of its own: pagefind first parses the documents on every core ([`parse_and_prepare`]), then
/// builds and writes its index while the pages are rendered and written
/// ([`render_while_indexing`]).
pub fn build(options: &Options) -> Result<Report, Failure> {
    let start = Instant::now();
    let config = Config::load(&options.root).map_err(Failure::Diagnostics)?;
    let target = check_target(&options.root, &output_dir(options, &config)).map_err(Failure::other)?;
    let fingerprint = crate::fingerprint::of(options);
    crate::progress::phase("fingerprint the inputs", start);
    let check_start = Instant::now();
    let previous = state::read(&target);
    if let Some(files) = unchanged(&target, &previous, fingerprint.as_deref()) {
        crate::progress::phase("check the output: nothing changed", check_start);
        return Ok(Report::nothing_changed(files, target, start));
    }
    let (mut site, diagnostics, statics) = model(options, config);
    if diagnostics.has_errors() {
        return Err(diagnostics.into());
    }
    let search = (site.config.search.enabled && !options.no_search).then(|| {
        let over_previous = matches!(previous, state::State::Complete(_));
        (search::pending(&site), search::Reuse::beside(&target, over_previous))
    });
    let write_failure =
        |e: std::io::Error| Failure::caused(format!("cannot write the site to `{}`", target.display()), e);
    let writer = Writer::new(&target).map_err(write_failure)?;
    let written = parse_and_prepare(options, &site, diagnostics, search).and_then(|(prepared, parsed)| {
        let (templates, dates, warnings) = prepared;
        let bodies = render::Bodies::take(&mut site);
        let pages = Pages { templates: &templates, site: &site, dates: &dates };
        let written = render_while_indexing(&writer, pages, bodies, statics, parsed, &write_failure)?;
        Ok((written, warnings))
    });
    let ((files, search_time, search_reused), warnings) = match written {
        Ok(written) => written,
        Err(failure) => {
            writer.abandon();
            return Err(failure);
        }
    };
    let publish_start = Instant::now();
    let written = writer.commit().map_err(write_failure)?;
    // A build with warnings records no fingerprint, so that the next one is never "nothing
    // changed": it builds again and shows the warnings again, until they are fixed.
    let fingerprint = fingerprint.filter(|_| warnings.is_empty());
    // Not recorded (a file system without extended attributes): the next build rebuilds whole.
    let _ = state::mark_complete(&target, fingerprint.as_deref());
    crate::progress::phase("publish (swap in or update in place)", publish_start);
    Ok(Report {
        pages: site.pages.iter().filter(|p| !p.is_index).count(),
        sections: site.sections.len(),
        terms: site.config.taxonomies.iter().map(|t| t.terms.len()).sum(),
        files,
        warnings,
        elapsed: start.elapsed(),
        output: target,
        search_time,
        search_reused,
        written,
    })
}

/// The first step of writing: pagefind parses the search documents (made from the model's
/// bodies) on every core, on a thread of its own, while the templates load. Returns the loaded
/// templates, the dates and the warnings ([`prepare`]), and the parsed documents with the time
/// the search began.
fn parse_and_prepare<'a>(
    options: &Options,
    site: &'a Site,
    diagnostics: Diagnostics,
    search: Option<(impl Iterator<Item = search::Pending<'a>> + Send, search::Reuse)>,
) -> Result<(Prepared, Option<(search::Parsed, Instant)>), Failure> {
    let (parsed, prepared) = std::thread::scope(|scope| {
        let parsing = search.map(|(documents, reuse)| {
            scope.spawn(move || {
                let search_start = Instant::now();
                search::parse(documents, reuse).map(|parsed| (parsed, search_start))
            })
        });
        let prepared = prepare(options, site, diagnostics);
        let parsed = parsing.map(|parsing| parsing.join().unwrap_or_else(|_| Err("the search indexer failed".into())));
        (parsed.transpose().map_err(Failure::other), prepared)
    });
    match (prepared, parsed) {
        (Ok(prepared), Ok(parsed)) => Ok((prepared, parsed)),
        (Ok(_), Err(failure)) => Err(failure),
        (Err(failure), parsed) => {
            if let Ok(Some((parsed, _))) = parsed {
                parsed.abandon();
            }
            Err(failure)
        }
    }
}

/// What the pages are rendered with: the templates, the model and the dates.
#[derive(Clone, Copy)]
struct Pages<'a> {
    templates: &'a render::Prepared,
    site: &'a Site,
    dates: &'a Dates,
}

/// The second step: the pages are rendered and written (each article's body dropped with its
/// page), then the other files (`statics` and the generated ones), while pagefind builds,
/// compresses and writes its index on a thread of its own. The fragments, a file a page, are
/// written by a thread of their own as soon as pagefind has named them, while it builds the
/// rest: written after the index, they were the build's last 0.2-1.9 s at 10,000 pages, on
/// one core. Returns how many files were written, how long the search index took, and how
/// many search documents were reused.
fn render_while_indexing(
    writer: &Writer,
    pages: Pages<'_>,
    bodies: render::Bodies,
    statics: Vec<(String, PathBuf)>,
    parsed: Option<(search::Parsed, Instant)>,
    write_failure: &(dyn Fn(std::io::Error) -> Failure + Sync),
) -> Result<(usize, Duration, usize), Failure> {
    std::thread::scope(|scope| {
        let search = parsed.map(|(parsed, search_start)| {
            scope.spawn(move || {
                // The fragments are written on a thread of their own as pagefind names them. One
                // thread: they share one folder, whose lock takes one file at a time.
                let (sender, fragments) = std::sync::mpsc::channel::<(String, FragmentFile)>();
                let writing = scope.spawn(move || {
                    fragments
                        .into_iter()
                        .try_fold(0, |count, (rel, file)| writer.write(&rel, file.contents()).map(|()| count + 1))
                });
                // A failed write ends the receiver: the sends after it fail, and the error is
                // the writer's, below.
                let finished = parsed.finish_sending(&|rel, file| drop(sender.send((rel, file))));
                drop(sender);
                let fragments = writing.join().unwrap_or_else(|_| Err(std::io::Error::other("the writer failed")));
                let fragments = fragments.map_err(write_failure)?;
                let (bundle, reused) = finished.map_err(Failure::other)?;
                let start = Instant::now();
                bundle.iter().try_for_each(|(rel, bytes)| writer.write(rel, bytes)).map_err(write_failure)?;
                crate::progress::phase("search: write the index", start);
                Ok((fragments + bundle.len(), search_start.elapsed(), reused))
            })
        });
        let write_start = Instant::now();
        let other = other_files(pages.site, pages.dates, statics);
        let files = stream(writer, pages, &other, bodies, write_failure);
        crate::progress::phase("render and write", write_start);
        let searched =
            search.map(|search| search.join().unwrap_or_else(|_| Err(Failure::other("the search indexer failed"))));
        let files = files?;
        let (count, search_time, reused) = searched.transpose()?.unwrap_or((0, Duration::ZERO, 0));
        Ok((files + count, search_time, reused))
    })
}

/// The number of files of the output, when it is complete (its `previous` state), was built
/// from inputs with this fingerprint, and nothing in it changed since.
fn unchanged(target: &Path, previous: &state::State, fingerprint: Option<&str>) -> Option<usize> {
    let state::State::Complete(Some(recorded)) = previous else { return None };
    if Some(recorded.as_str()) != fingerprint {
        return None;
    }
    state::unchanged_files(target)
}

impl Report {
    fn nothing_changed(files: usize, output: PathBuf, start: Instant) -> Report {
        Report {
            pages: 0,
            sections: 0,
            terms: 0,
            files,
            warnings: Vec::new(),
            elapsed: start.elapsed(),
            output,
            search_time: Duration::ZERO,
            search_reused: 0,
            written: Written::NothingChanged,
        }
    }
}

/// Writes the copies, every rendered document as soon as it is rendered, then the generated
/// files, in the order [`stage`] writes them; returns how many files.
fn stream(
    writer: &Writer,
    Pages { templates, site, dates }: Pages<'_>,
    (copies, extra): &OtherFiles,
    bodies: render::Bodies,
    write_failure: &dyn Fn(std::io::Error) -> Failure,
) -> Result<usize, Failure> {
    copies.par_iter().try_for_each(|(rel, source)| writer.copy(rel, source)).map_err(write_failure)?;
    let jobs = render::all_jobs(site);
    let rendered = render::render_each(templates, site, bodies, dates, &jobs, |file| {
        writer.write(&file.path, file.contents.as_bytes())
    })
    .map_err(|e| match e {
        render::StreamError::Templates(problems) => Failure::Diagnostics(problems),
        render::StreamError::Write(e) => write_failure(e),
    })?;
    extra.par_iter().try_for_each(|(rel, bytes)| writer.write(rel, bytes)).map_err(write_failure)?;
    Ok(copies.len() + rendered + extra.len())
}

pub(crate) fn base_url(options: &Options, config: &Config) -> BaseUrl {
    BaseUrl::parse(options.base_url.as_deref().or(config.output.html.site_url.as_deref()).unwrap_or("/"))
}

/// Loads the content and builds the site model, with every problem found on the way.
pub fn model(options: &Options, config: Config) -> (Site, Diagnostics, Vec<(String, PathBuf)>) {
    let root = &options.root;
    let mut diagnostics = Diagnostics::default();
    let start = Instant::now();
    let (content, problems) = content::load(root, &config, options.drafts);
    crate::progress::phase("load", start);
    diagnostics.extend(problems);
    let (statics, problems) = static_files(root);
    diagnostics.extend(problems);
    let mut static_paths: Vec<String> = statics.iter().map(|(rel, _)| rel.clone()).collect();
    static_paths.extend(crate::theme::static_files(&static_paths).into_iter().map(|(rel, _)| rel));
    let base = base_url(options, &config);
    let (site, problems) = Site::build(config, content, base, &static_paths);
    diagnostics.extend(problems);
    (site, diagnostics, statics)
}

/// Everything but writing: load, check, model and render the site.
pub fn compile(options: &Options, config: Config) -> Result<Compiled, Failure> {
    let (site, diagnostics, statics) = model(options, config);
    render_model(options, site, diagnostics, statics)
}

/// Renders a checked model; fails with all errors found so far and the templates' own.
pub(crate) fn render_model(
    options: &Options,
    site: Site,
    diagnostics: Diagnostics,
    statics: Vec<(String, PathBuf)>,
) -> Result<Compiled, Failure> {
    let (templates, dates, warnings) = prepare(options, &site, diagnostics)?;
    let start = Instant::now();
    let files = render::render(&templates, &site, &dates, &render::all_jobs(&site)).map_err(Failure::Diagnostics)?;
    crate::progress::phase("render", start);
    let (copies, extra) = other_files(&site, &dates, statics);
    Ok(Compiled { site, templates, dates, files, copies, extra, warnings })
}

/// Loads the templates with the model's global context, and the pages' dates; fails with all
/// errors found so far and the templates' own. Returns the warnings, sorted.
fn prepare(options: &Options, site: &Site, mut diagnostics: Diagnostics) -> Result<Prepared, Failure> {
    let templates = render::load_templates(&options.root);
    if let Err(problems) = &templates {
        diagnostics.extend(problems.iter().cloned());
    }
    if diagnostics.has_errors() {
        return Err(diagnostics.into());
    }
    let templates = render::prepare(site, templates.map_err(Failure::Diagnostics)?);
    let dates = Dates::from_git(&options.root);
    let warnings = diagnostics.sorted().into_iter().filter(|d| !d.is_error()).collect();
    Ok((templates, dates, warnings))
}

/// The templates with the model's global context, the pages' dates and the warnings.
type Prepared = (render::Prepared, Dates, Vec<Diagnostic>);

/// What is written besides the templates' documents: the copies (`static/` and page assets) as
/// (output path, source), and the files that come from memory (generated, and the built-in
/// theme's static files the site does not replace), sorted.
type OtherFiles = (Vec<(String, PathBuf)>, Vec<(String, Vec<u8>)>);

fn other_files(site: &Site, dates: &Dates, statics: Vec<(String, PathBuf)>) -> OtherFiles {
    let mut extra = generated_files(site, dates);
    let site_static: Vec<String> = statics.iter().map(|(rel, _)| rel.clone()).collect();
    extra.extend(crate::theme::static_files(&site_static));
    extra.sort();
    let mut copies: Vec<(String, PathBuf)> = statics;
    copies.extend(site.assets.iter().map(|a| (a.rel.clone(), a.source.clone())));
    (copies, extra)
}

/// Files made by the generator rather than templates.
fn generated_files(site: &Site, dates: &Dates) -> Vec<(String, Vec<u8>)> {
    let (light, dark) = highlight::stylesheets();
    let mut files = vec![
        ("syntax-light.css".to_string(), light.into_bytes()),
        ("syntax-dark.css".to_string(), dark.into_bytes()),
        ("sitemap.xml".to_string(), feeds::sitemap(site, dates).into_bytes()),
        ("atom.xml".to_string(), feeds::atom(site, dates).into_bytes()),
        ("robots.txt".to_string(), feeds::robots(site).into_bytes()),
        // GitHub Pages would otherwise run Jekyll, which hides folders starting with `_`.
        (".nojekyll".to_string(), Vec::new()),
    ];
    files.extend(feeds::term_feeds(site, dates).into_iter().map(|(path, xml)| (path, xml.into_bytes())));
    if let Some(evidence) = &site.config.evidence {
        let title = evidence.changes_title_in(site.default_lang());
        files.extend(feeds::changes_feed(site, title).map(|(path, xml)| (path, xml.into_bytes())));
    }
    if let Some(cname) = &site.config.output.html.cname {
        files.push(("CNAME".to_string(), format!("{cname}\n").into_bytes()));
    }
    files
}

/// `static/` files as (output path, source), sorted, and what cannot be published of it.
fn static_files(root: &Path) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let dir = root.join("static");
    let (files, problems) = crate::safety::files::walk(root, &dir, |_| false);
    let files = files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            (rel, path)
        })
        .collect();
    (files, problems)
}

/// Writes a compiled site through a staging folder; returns the number of files written.
pub fn write(target: &Path, compiled: &Compiled) -> std::io::Result<usize> {
    let staging = Staging::new(target)?;
    match stage(&staging, compiled) {
        Ok(files) => {
            staging.commit()?;
            Ok(files)
        }
        Err(e) => {
            staging.abandon();
            Err(e)
        }
    }
}

/// Writes every file of a compiled site into the staging folder; returns how many.
fn stage(staging: &Staging, compiled: &Compiled) -> std::io::Result<usize> {
    compiled.copies.par_iter().try_for_each(|(rel, source)| staging.copy(rel, source))?;
    compiled.files.par_iter().try_for_each(|f| staging.write(&f.path, f.contents.as_bytes()))?;
    compiled.extra.par_iter().try_for_each(|(rel, bytes)| staging.write(rel, bytes))?;
    Ok(compiled.copies.len() + compiled.files.len() + compiled.extra.len())
}
