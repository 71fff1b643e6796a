//! A long-lived build for the dev server: an edit to an article's body re-renders that article and
//! the pages whose "linked from" list changes; anything else rebuilds the site in memory. Either
//! way only the files whose bytes changed are written, and a failed rebuild writes nothing.
//!
//! In: build options, then the paths an editor changed. Out: the output folder updated in place
//! (the first build goes through staging like `build`) and a [`Rebuild`] saying what was
//! re-rendered, written and removed. The search index may be left to the caller
//! ([`Session::search_input`], [`SearchBundle::new`], [`Session::write_search_bundle`]).

use crate::build::{self, Compiled, Options};
use crate::config::Config;
use crate::diagnostics::Failure;
use crate::output::check_target;
use crate::render::{self, Job};
use crate::site::BodyEdit;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct Session {
    options: Options,
    target: PathBuf,
    /// Output path -> hash of the bytes last written there.
    written: BTreeMap<String, u64>,
    /// The last good build (its rendered files dropped once written).
    last: Option<Compiled>,
    /// Source path (relative to the root) -> index of its page in the last good build.
    pages_by_file: HashMap<PathBuf, crate::site::PageId>,
    /// Whether full rebuilds after the first leave the search index to the caller.
    defer_search: bool,
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
        options.root =
            crate::output::absolute(&options.root).map_err(|e| Failure::caused("cannot find the site folder", e))?;
        let config = Config::load(&options.root).map_err(Failure::Diagnostics)?;
        let target = check_target(&options.root, &build::output_dir(&options, &config)).map_err(Failure::other)?;
        let mut session = Session {
            options,
            target,
            written: BTreeMap::new(),
            last: None,
            pages_by_file: HashMap::new(),
            defer_search: false,
        };
        let rebuild = session.rebuild()?;
        Ok((session, rebuild))
    }

    /// From now on, full rebuilds leave the search index as it is and report it stale
    /// ([`Rebuild::search_stale`]) for the caller to bring up to date; the first build always
    /// indexes.
    pub fn defer_search(&mut self, defer: bool) {
        self.defer_search = defer;
    }

    /// Rebuilds after `changed` paths changed: incrementally when only article bodies changed.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Failure> {
        match self.update_bodies(changed) {
            Some(result) => result,
            None => self.rebuild(),
        }
    }

    /// The incremental rebuild of [`Session::update`], when every changed path is an existing
    /// page whose front matter is unchanged; `None` (nothing done) when it takes a full rebuild.
    pub fn update_bodies(&mut self, changed: &[PathBuf]) -> Option<Result<Rebuild, Failure>> {
        let edits = self.body_edits(changed).filter(|edits| !edits.is_empty())?;
        Some(self.rebuild_bodies(edits))
    }

    /// Rebuilds the whole site (search index included, unless deferred) and writes the files whose
    /// bytes differ.
    pub(crate) fn rebuild(&mut self) -> Result<Rebuild, Failure> {
        let start = Instant::now();
        let config = Config::load(&self.options.root).map_err(Failure::Diagnostics)?;
        let mut compiled = build::compile(&self.options, config)?;
        let search = compiled.site.config.search.enabled && !self.options.no_search;
        let first = self.last.is_none();
        let defer = search && self.defer_search && !first;
        if search && !defer {
            compiled
                .extra
                .extend(crate::search::index(crate::search::documents(&compiled.site)).map_err(Failure::other)?);
        }
        let mut rebuild =
            Rebuild { rendered: compiled.files.len(), full: true, search_stale: defer, ..Rebuild::default() };
        if first {
            build::write(&self.target, &compiled).map_err(|e| self.io_failure(e))?;
            let mut written: Vec<(String, u64)> =
                compiled.files.iter().map(|f| (f.path.clone(), hash(f.contents.as_bytes()))).collect();
            written.extend(compiled.extra.iter().map(|(path, bytes)| (path.clone(), hash(bytes))));
            for (rel, source) in &compiled.copies {
                let bytes = std::fs::read(source).map_err(|e| Failure::caused(source.display().to_string(), e))?;
                written.push((rel.clone(), hash(&bytes)));
            }
            rebuild.written = written.iter().map(|(path, _)| path.clone()).collect();
            self.written = written.into_iter().collect();
        } else {
            let mut files: Vec<(String, Vec<u8>)> =
                std::mem::take(&mut compiled.files).into_iter().map(|f| (f.path, f.contents.into_bytes())).collect();
            files.extend(std::mem::take(&mut compiled.extra));
            for (rel, source) in &compiled.copies {
                files.push((
                    rel.clone(),
                    std::fs::read(source).map_err(|e| Failure::caused(source.display().to_string(), e))?,
                ));
            }
            let paths: HashSet<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
            // A deferred index keeps the previous one until the caller writes the next.
            let kept = |p: &str| paths.contains(p) || (defer && p.starts_with(SEARCH_DIR));
            let stale: Vec<String> = self.written.keys().filter(|p| !kept(p)).cloned().collect();
            drop(paths);
            rebuild.written = self.write_changed(files.into_iter().map(|(path, bytes)| {
                let hash = hash(&bytes);
                (path, bytes, hash)
            }))?;
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
        compiled.extra = Vec::new();
        self.pages_by_file = compiled.site.pages.iter_ids().map(|(p, page)| (page.file.clone(), p)).collect();
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
            let p = *self.pages_by_file.get(file)?;
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
                jobs.extend(site.sections.ids().filter(|&s| site.sections[s].index == Some(p)).map(Job::Section));
            } else {
                jobs.push(Job::Page(p));
            }
        }
        let files = render::render(&last.templates, site, &last.dates, &jobs).map_err(Failure::Diagnostics)?;
        let rendered = files.len();
        let written = self.write_changed(files.into_iter().map(|f| {
            let hash = hash(f.contents.as_bytes());
            (f.path, f.contents.into_bytes(), hash)
        }))?;
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
        self.write_search_bundle(SearchBundle::hashed(bundle))
    }

    /// [`Session::write_search`] for a bundle hashed beforehand, so that only the files that
    /// changed cost anything here.
    pub fn write_search_bundle(&mut self, bundle: SearchBundle) -> Result<Vec<String>, Failure> {
        let fresh: HashSet<&str> = bundle.files.iter().map(|(path, _, _)| path.as_str()).collect();
        let stale: Vec<String> =
            self.written.keys().filter(|p| p.starts_with(SEARCH_DIR) && !fresh.contains(p.as_str())).cloned().collect();
        drop(fresh);
        for old in stale {
            let path = self.target.join(&old);
            if path.is_file() {
                std::fs::remove_file(&path).map_err(|e| self.io_failure(e))?;
            }
            self.written.remove(&old);
        }
        self.write_changed(bundle.files)
    }

    /// Writes the files whose bytes differ from what was last written (by their hash); returns
    /// their paths.
    fn write_changed(
        &mut self,
        files: impl IntoIterator<Item = (String, Vec<u8>, u64)>,
    ) -> Result<Vec<String>, Failure> {
        let mut written = Vec::new();
        for (path, bytes, hash) in files {
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
        Failure::caused(format!("cannot write to `{}`", self.target.display()), error)
    }
}

/// Where the search index lives in the output.
const SEARCH_DIR: &str = "pagefind/";

/// A search index made from [`Session::search_input`], its files hashed, ready for
/// [`Session::write_search_bundle`].
pub struct SearchBundle {
    files: Vec<(String, Vec<u8>, u64)>,
}

impl SearchBundle {
    /// Indexes the documents (slow on a large site: needs no session, so any thread can).
    pub fn new(documents: Vec<crate::search::Document>) -> Result<SearchBundle, String> {
        crate::search::index(documents).map(SearchBundle::hashed)
    }

    fn hashed(files: Vec<(String, Vec<u8>)>) -> SearchBundle {
        SearchBundle {
            files: files
                .into_iter()
                .map(|(path, bytes)| {
                    let hash = hash(&bytes);
                    (path, bytes, hash)
                })
                .collect(),
        }
    }
}

impl Rebuild {
    /// Adds what a later rebuild did, as if the two were one.
    pub fn merge(&mut self, later: Rebuild) {
        self.rendered += later.rendered;
        self.full |= later.full;
        let written: HashSet<&String> = later.written.iter().collect();
        let removed: HashSet<&String> = later.removed.iter().collect();
        self.written.retain(|path| !removed.contains(path));
        self.removed.retain(|path| !written.contains(path));
        self.written.extend(later.written.iter().cloned());
        self.removed.extend(later.removed.iter().cloned());
        for list in [&mut self.written, &mut self.removed] {
            list.sort();
            list.dedup();
        }
        self.search_stale |= later.search_stale;
        self.elapsed += later.elapsed;
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
