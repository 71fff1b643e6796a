//! A long-lived build for the dev server: rebuild on change, re-render only what depends on it,
//! write only what changed.
//!
//! In: build options, then the paths an editor changed. Out: the output folder updated in place
//! (the first build goes through staging like `build`) and a [`Rebuild`] saying which documents
//! were re-rendered and which files were written or removed. An edit to an article's body (its
//! front matter unchanged) re-renders that article and the pages whose "linked from" list changes;
//! anything else (front matter, templates, static files, book.toml, added or removed files)
//! rebuilds the whole site in memory and still writes only the files whose bytes changed. A failed
//! rebuild writes nothing, so the last good site keeps being served.

use crate::build::{self, Compiled, Options};
use crate::config::Config;
use crate::diagnostics::Failure;
use crate::output::check_target;
use crate::render::{self, Job};
use crate::site::BodyEdit;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Session {
    options: Options,
    target: PathBuf,
    /// Output path -> hash of the bytes last written there.
    written: BTreeMap<String, u64>,
    /// The last good build (its rendered files dropped once written).
    last: Option<Compiled>,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Rebuild {
    /// Documents rendered through the templates.
    pub rendered: usize,
    /// Whether the whole site was rebuilt (else only the edited pages and their dependants).
    pub full: bool,
    /// Output paths whose bytes changed and were written, sorted.
    pub written: Vec<String>,
    /// Output paths that no longer exist in the site and were deleted, sorted.
    pub removed: Vec<String>,
    /// Whether the search index is older than the pages (see [`Session::search_input`]).
    pub search_stale: bool,
    pub elapsed: Duration,
}

impl Session {
    /// Checks the output folder and makes the first build (search index included).
    pub fn new(mut options: Options) -> Result<(Session, Rebuild), Failure> {
        // Watchers report absolute paths; an absolute root lets them be matched to pages.
        options.root = crate::output::absolute(&options.root).map_err(|e| Failure::Other(e.to_string()))?;
        let config = Config::load(&options.root).map_err(Failure::Diagnostics)?;
        let target = check_target(&options.root, &build::output_dir(&options, &config)).map_err(Failure::Other)?;
        let mut session = Session { options, target, written: BTreeMap::new(), last: None };
        let rebuild = session.rebuild()?;
        Ok((session, rebuild))
    }

    pub fn output(&self) -> &Path {
        &self.target
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Rebuilds after `changed` paths changed: incrementally when only article bodies changed.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Failure> {
        match self.body_edits(changed) {
            Some(edits) if !edits.is_empty() => self.rebuild_bodies(edits),
            _ => self.rebuild(),
        }
    }

    /// Rebuilds the whole site (search index included) and writes the files whose bytes differ.
    pub fn rebuild(&mut self) -> Result<Rebuild, Failure> {
        let start = Instant::now();
        let config = Config::load(&self.options.root).map_err(Failure::Diagnostics)?;
        let mut compiled = build::compile(&self.options, config)?;
        let search = compiled.site.config.search.enabled && !self.options.no_search;
        if search {
            compiled
                .extra
                .extend(crate::search::index(crate::search::documents(&compiled.site)).map_err(Failure::Other)?);
        }
        let mut files: Vec<(String, Vec<u8>)> =
            compiled.files.iter().map(|f| (f.path.clone(), f.contents.clone().into_bytes())).collect();
        files.extend(compiled.extra.iter().cloned());
        for (rel, source) in &compiled.copies {
            files.push((
                rel.clone(),
                std::fs::read(source).map_err(|e| Failure::Other(format!("{}: {e}", source.display())))?,
            ));
        }
        let mut rebuild = Rebuild { rendered: compiled.files.len(), full: true, ..Rebuild::default() };
        if self.last.is_none() {
            build::write(&self.target, &compiled).map_err(|e| self.io_failure(e))?;
            rebuild.written = files.iter().map(|(path, _)| path.clone()).collect();
            self.written = files.iter().map(|(path, bytes)| (path.clone(), hash(bytes))).collect();
        } else {
            let paths: Vec<&String> = files.iter().map(|(path, _)| path).collect();
            let stale: Vec<String> = self.written.keys().filter(|p| !paths.contains(p)).cloned().collect();
            rebuild.written = self.write_changed(files)?;
            for old in stale {
                let path = self.target.join(&old);
                if path.is_file() {
                    std::fs::remove_file(&path).map_err(|e| self.io_failure(e))?;
                }
                self.written.remove(&old);
                rebuild.removed.push(old);
            }
        }
        compiled.files = Vec::new();
        self.last = Some(compiled);
        rebuild.elapsed = start.elapsed();
        Ok(rebuild)
    }

    /// The edits when every changed path is an existing page whose front matter is unchanged.
    fn body_edits(&self, changed: &[PathBuf]) -> Option<Vec<BodyEdit>> {
        let site = &self.last.as_ref()?.site;
        let mut edits = Vec::new();
        for path in changed {
            let file = path.strip_prefix(&self.options.root).unwrap_or(path);
            let p = site.pages.iter().position(|page| page.file == file)?;
            let (page, problems) =
                crate::content::load_one(&self.options.root, &self.options.root.join(file), &site.config).ok()?;
            if !problems.is_empty() || page.front != site.pages[p].front {
                return None;
            }
            edits.push(BodyEdit { page: p, body: page.body, body_line: page.body_line });
        }
        Some(edits)
    }

    fn rebuild_bodies(&mut self, edits: Vec<BodyEdit>) -> Result<Rebuild, Failure> {
        let start = Instant::now();
        let Some(last) = self.last.as_mut() else { return self.rebuild() };
        let changed = last.site.edit_bodies(edits).map_err(Failure::Diagnostics)?;
        let site = &last.site;
        let mut jobs = Vec::new();
        for p in changed {
            if site.pages[p].is_index {
                jobs.extend((0..site.sections.len()).filter(|&s| site.sections[s].index == Some(p)).map(Job::Section));
            } else {
                jobs.push(Job::Page(p));
            }
        }
        let files = render::render(&last.tera, site, &last.dates, &jobs).map_err(Failure::Diagnostics)?;
        let rendered = files.len();
        let outputs = files.into_iter().map(|f| (f.path, f.contents.into_bytes())).collect();
        let written = self.write_changed(outputs)?;
        let search_stale = self.last.as_ref().is_some_and(|l| l.site.config.search.enabled) && !self.options.no_search;
        Ok(Rebuild { rendered, full: false, written, removed: Vec::new(), search_stale, elapsed: start.elapsed() })
    }

    /// The documents a search re-index needs. Indexing takes long on a large site, so the server
    /// runs [`crate::search::index`] outside any lock and hands the result to
    /// [`Session::write_search`].
    pub fn search_input(&self) -> Option<Vec<crate::search::Document>> {
        self.last.as_ref().map(|last| crate::search::documents(&last.site))
    }

    /// Writes a search bundle made from [`Session::search_input`]; returns the paths written.
    /// Files of the previous bundle that the new one no longer has are removed.
    pub fn write_search(&mut self, bundle: Vec<(String, Vec<u8>)>) -> Result<Vec<String>, Failure> {
        let fresh: std::collections::HashSet<&String> = bundle.iter().map(|(path, _)| path).collect();
        let stale: Vec<String> =
            self.written.keys().filter(|p| p.starts_with("pagefind/") && !fresh.contains(p)).cloned().collect();
        for old in stale {
            let path = self.target.join(&old);
            if path.is_file() {
                std::fs::remove_file(&path).map_err(|e| self.io_failure(e))?;
            }
            self.written.remove(&old);
        }
        self.write_changed(bundle)
    }

    /// Writes the files whose bytes differ from what was last written; returns their paths.
    fn write_changed(&mut self, files: Vec<(String, Vec<u8>)>) -> Result<Vec<String>, Failure> {
        let mut written = Vec::new();
        for (path, bytes) in files {
            let hash = hash(&bytes);
            if self.written.get(&path) != Some(&hash) {
                let full = self.target.join(&path);
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| self.io_failure(e))?;
                }
                // Write beside and rename, so the server never reads a half-written file.
                let partial = full.with_file_name(format!(
                    ".{}.cellbook-partial",
                    full.file_name().unwrap_or_default().to_string_lossy()
                ));
                std::fs::write(&partial, &bytes)
                    .and_then(|()| std::fs::rename(&partial, &full))
                    .map_err(|e| self.io_failure(e))?;
                self.written.insert(path.clone(), hash);
                written.push(path);
            }
        }
        written.sort();
        Ok(written)
    }

    fn io_failure(&self, error: std::io::Error) -> Failure {
        Failure::Other(format!("cannot write to `{}`: {error}", self.target.display()))
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
