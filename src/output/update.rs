//! Bringing a complete output of cellbook's up to date in place: only the files whose bytes
//! changed are written, and the files that are gone are removed.
//!
//! In: the output folder (recorded complete) and the files of a build as they are made. Out: the
//! output holding exactly those files, and how many were written, removed and left as they were.
//! Each file is compared with the one on disk; a changed one is written to a staging folder
//! beside the output (holding only the changes), so that a build that fails, at any point before
//! [`Update::commit`], leaves the previous site as it was. The commit marks the output as being
//! updated (durably) before its first change, then removes what is gone and moves the changed
//! files in, one rename each; a build killed in between leaves that mark, and the next build
//! does not trust the output and rebuilds it whole. Links and anything else cellbook does not
//! write are removed, never followed, as the swap of a whole site removes them.

use super::{FOLDER_NAMED, MARKER, Staging, TWICE, at_once, clash, inside, state};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// An output folder being brought up to date.
pub(crate) struct Update {
    target: PathBuf,
    staging: Staging,
    /// The output's files as found (relative path, size); never through a link.
    files: HashMap<String, u64>,
    /// The output's folders, links and other entries as found: (relative path, is a folder).
    others: Vec<(String, bool)>,
    /// Every path this build writes, changed or not.
    claimed: Mutex<HashSet<String>>,
}

/// What an update did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Updated {
    pub written: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl Update {
    /// Reads what the output holds and opens a staging folder for the changes.
    pub(crate) fn new(target: &Path) -> io::Result<Update> {
        let (mut files, mut others) = (HashMap::new(), Vec::new());
        for entry in walkdir::WalkDir::new(target).min_depth(1) {
            let entry = entry.map_err(io::Error::from)?;
            let rel = entry.path().strip_prefix(target).unwrap_or(entry.path()).to_string_lossy().into_owned();
            if rel == MARKER {
                continue;
            }
            let kind = entry.file_type();
            if kind.is_file() {
                files.insert(rel, entry.metadata().map_err(io::Error::from)?.len());
            } else {
                others.push((rel, kind.is_dir()));
            }
        }
        let staging = Staging::new(target)?;
        Ok(Update { target: target.to_path_buf(), staging, files, others, claimed: Mutex::default() })
    }

    /// Writes `contents` at `rel` unless the output holds those bytes there already.
    pub(crate) fn write(&self, rel: &str, contents: &[u8]) -> io::Result<()> {
        self.claim(rel)?;
        if self.holds(rel, contents)? {
            return Ok(());
        }
        self.staging.write(rel, contents)
    }

    /// Copies `source` to `rel` unless the output holds its bytes there already.
    pub(crate) fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        self.claim(rel)?;
        let size = fs::metadata(source).map(|m| m.len()).ok();
        if size.is_none() || size != self.files.get(rel).copied() {
            // Never the same as what is there: copied as staging copies, with its errors.
            return self.staging.copy(rel, source);
        }
        let bytes = fs::read(source).map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", source.display())))?;
        if self.holds(rel, &bytes)? { Ok(()) } else { self.staging.write(rel, &bytes) }
    }

    /// Whether the output's file at `rel` holds exactly `contents`.
    fn holds(&self, rel: &str, contents: &[u8]) -> io::Result<bool> {
        if self.files.get(rel) != Some(&(contents.len() as u64)) {
            return Ok(false);
        }
        match fs::read(self.target.join(rel)) {
            Ok(bytes) => Ok(bytes == contents),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(at_rel(rel, e)),
        }
    }

    /// Takes `rel` for this build; a second file for the same path is the error staging gives.
    fn claim(&self, rel: &str) -> io::Result<()> {
        inside(rel)?;
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        if !claimed.insert(rel.to_string()) {
            return Err(clash(rel, io::ErrorKind::AlreadyExists, TWICE));
        }
        Ok(())
    }

    /// Puts the changes in place and removes what is gone; the caller then marks the output
    /// complete. The staging folder goes either way: after an error before any change (a clash of
    /// output paths) the output is as it was; after one later, it is marked as being updated.
    pub(crate) fn commit(self) -> io::Result<Updated> {
        let claimed = self.claimed.into_inner().unwrap_or_else(|e| e.into_inner());
        let found = Found { target: &self.target, files: &self.files, others: &self.others };
        let result = found.apply(&claimed, self.staging.dir());
        self.staging.abandon();
        result
    }

    /// Removes the staged changes after a failed build; the output was not touched.
    pub(crate) fn abandon(self) {
        self.staging.abandon();
    }
}

/// The output as [`Update::new`] found it.
struct Found<'a> {
    target: &'a Path,
    files: &'a HashMap<String, u64>,
    others: &'a [(String, bool)],
}

impl Found<'_> {
    /// Marks the output as being updated, removes what `claimed` does not hold, moves the staged
    /// files in.
    fn apply(&self, claimed: &HashSet<String>, staging: &Path) -> io::Result<Updated> {
        let folders = folders_of(claimed)?;
        let staged = staged_files(staging)?;
        let stale_files: Vec<&String> = self.files.keys().filter(|rel| !claimed.contains(*rel)).collect();
        let mut stale_others: Vec<&(String, bool)> =
            self.others.iter().filter(|(rel, is_dir)| !(*is_dir && folders.contains(rel.as_str()))).collect();
        state::mark_updating(self.target)?;
        let target = self.target;
        at_once(&stale_files, |rel| fs::remove_file(target.join(rel)))?;
        // Links and the like first, then folders deepest first, each once emptied.
        stale_others.sort_by_key(|(rel, is_dir)| (*is_dir, std::cmp::Reverse(rel.matches('/').count())));
        for (rel, is_dir) in &stale_others {
            let path = target.join(rel);
            if *is_dir { fs::remove_dir(path) } else { fs::remove_file(path) }.map_err(|e| at_rel(rel, e))?;
        }
        at_once(&staged, |rel| {
            let to = target.join(rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(staging.join(rel), to).map_err(|e| at_rel(rel, e))
        })?;
        let removed = stale_files.len() + stale_others.iter().filter(|(_, is_dir)| !is_dir).count();
        Ok(Updated { written: staged.len(), removed, unchanged: claimed.len() - staged.len() })
    }
}

/// Every folder the written files need, or the error staging gives when a file has the name of
/// one of them.
fn folders_of(claimed: &HashSet<String>) -> io::Result<HashSet<&str>> {
    let mut folders = HashSet::new();
    for rel in claimed {
        let mut path = rel.as_str();
        while let Some((parent, _)) = path.rsplit_once('/') {
            if claimed.contains(parent) {
                return Err(clash(rel, io::ErrorKind::NotADirectory, FOLDER_NAMED));
            }
            if !folders.insert(parent) {
                break;
            }
            path = parent;
        }
    }
    Ok(folders)
}

/// The files in the staging folder, but its marker, as relative paths.
fn staged_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::from)?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().into_owned();
        if entry.file_type().is_file() && rel != MARKER {
            files.push(rel);
        }
    }
    Ok(files)
}

fn at_rel(rel: &str, error: io::Error) -> io::Error {
    super::at(rel, error)
}
