//! A long-lived build for the dev server: rebuild on change, write only what changed.
//!
//! In: build options, then the paths an editor changed. Out: the output folder updated in place
//! (the first build goes through staging like `build`), and a [`Rebuild`] saying which output
//! files were written or removed. A failed rebuild writes nothing, so the last good site keeps
//! being served.

use crate::build::{self, Compiled, Options};
use crate::config::Config;
use crate::diagnostics::Failure;
use crate::output::check_target;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Session {
    options: Options,
    target: PathBuf,
    /// Output path -> hash of the bytes last written there.
    written: BTreeMap<String, u64>,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Rebuild {
    /// Output paths whose bytes changed and were written, sorted.
    pub written: Vec<String>,
    /// Output paths that no longer exist in the site and were deleted, sorted.
    pub removed: Vec<String>,
    pub elapsed: Duration,
}

impl Session {
    /// Checks the output folder and makes the first build.
    pub fn new(options: Options) -> Result<(Session, Rebuild), Failure> {
        let config = Config::load(&options.root).map_err(Failure::Diagnostics)?;
        let target = check_target(&options.root, &build::output_dir(&options, &config)).map_err(Failure::Other)?;
        let mut session = Session { options, target, written: BTreeMap::new() };
        let rebuild = session.rebuild()?;
        Ok((session, rebuild))
    }

    pub fn output(&self) -> &Path {
        &self.target
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Rebuilds the site and writes the files whose bytes differ from the last build.
    pub fn rebuild(&mut self) -> Result<Rebuild, Failure> {
        let start = Instant::now();
        let config = Config::load(&self.options.root).map_err(Failure::Diagnostics)?;
        let mut compiled = build::compile(&self.options, &config)?;
        if config.search.enabled && !self.options.no_search {
            let base = build::base_url(&self.options, &config);
            compiled.extra.extend(crate::search::index(&compiled.files, &base.path).map_err(Failure::Other)?);
        }
        let files = all_files(&compiled).map_err(|e| Failure::Other(e.to_string()))?;
        let first = self.written.is_empty();
        let mut rebuild = Rebuild::default();
        let io = |e: std::io::Error| Failure::Other(format!("cannot write to `{}`: {e}", self.target.display()));
        if first {
            build::write(&self.target, &compiled).map_err(io)?;
        }
        let mut next = BTreeMap::new();
        for (path, bytes) in &files {
            let hash = hash(bytes);
            if !first && self.written.get(path) != Some(&hash) {
                write_file(&self.target.join(path), bytes).map_err(io)?;
                rebuild.written.push(path.clone());
            }
            next.insert(path.clone(), hash);
        }
        if first {
            rebuild.written = next.keys().cloned().collect();
        }
        for old in self.written.keys().filter(|p| !next.contains_key(*p)) {
            let path = self.target.join(old);
            if path.is_file() {
                std::fs::remove_file(&path).map_err(io)?;
            }
            rebuild.removed.push(old.clone());
        }
        self.written = next;
        rebuild.elapsed = start.elapsed();
        Ok(rebuild)
    }
}

/// Every output file with its bytes (copied files read from their source).
fn all_files(compiled: &Compiled) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut files: Vec<(String, Vec<u8>)> =
        compiled.files.iter().map(|f| (f.path.clone(), f.contents.clone().into_bytes())).collect();
    files.extend(compiled.extra.iter().cloned());
    for (rel, source) in &compiled.copies {
        files.push((rel.clone(), std::fs::read(source)?));
    }
    Ok(files)
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}
