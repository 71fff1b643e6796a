//! The output folder: staged writing, an atomic swap, updates in place, and the marker that says
//! cellbook owns it.
//!
//! In: the output path and the files of a successful build. Out: the new site in place of the
//! old one. A folder that cellbook's marker records as complete ([`state`]) is brought up to date
//! in place ([`update`]): only changed files are written, through a staging folder of the changes.
//! Any other is rebuilt whole: everything is first written to a staging folder beside the
//! output, and only when all of it is written does the staging folder replace the output. Either
//! way a failed build leaves the previous site exactly as it was, and a killed one leaves the
//! previous site, the new one, or an output marked as being updated, which the next build
//! rebuilds whole. cellbook refuses to write into the site root, an ancestor of it, the source
//! folders, or a non-empty folder it did not create.

pub mod state;
mod update;

pub(crate) use update::{Update, Updated};

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as cellbook's output.
pub(crate) const MARKER: &str = ".cellbook-output";

/// Makes `path` absolute and removes `.` and `..` without touching the disk.
pub(crate) fn absolute(path: &Path) -> io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(clean)
}

/// Resolves symbolic links in the part of `path` that exists, so that comparisons see through them.
fn real(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Why an output folder may not be used, or `Ok` with its absolute path.
pub(crate) fn check_target(root: &Path, target: &Path) -> Result<PathBuf, String> {
    let target = absolute(target).map_err(|e| format!("cannot resolve the output folder: {e}"))?;
    let (real_root, real_target) = (real(&absolute(root).map_err(|e| e.to_string())?), real(&target));
    let shown = target.display();
    if real_root.starts_with(&real_target) {
        return Err(format!("refusing to use `{shown}` as the output folder: it contains the site's sources"));
    }
    for source in ["content", "templates", "static"] {
        // Through symbolic links too: a `static` that links into the output would be deleted with it.
        let real_source = real(&real_root.join(source));
        if real_target.starts_with(real_root.join(source)) || real_target.starts_with(&real_source) {
            return Err(format!("refusing to use `{shown}` as the output folder: it is inside `{source}/`"));
        }
        if real_source.starts_with(&real_target) {
            return Err(format!(
                "refusing to use `{shown}` as the output folder: `{source}/` links to a folder inside it"
            ));
        }
    }
    if target.is_file() {
        return Err(format!("refusing to use `{shown}` as the output folder: it is a file"));
    }
    if target.is_dir()
        && !target.join(MARKER).is_file()
        && fs::read_dir(&target).map_err(|e| e.to_string())?.next().is_some()
    {
        return Err(format!(
            "refusing to write into `{shown}`: it is not empty and cellbook did not create it (no `{MARKER}` file); choose another folder or empty it"
        ));
    }
    Ok(target)
}

/// Where a build writes: a whole site staged beside the output, or the changes to a complete one.
pub(crate) enum Writer {
    Whole(Staging),
    InPlace(Update),
}

/// How a build left the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new site in place of the previous one (or of none).
    Whole,
    /// The previous site, brought up to date in place.
    InPlace(Updated),
    /// Nothing: the output was built from the same inputs and has not changed since.
    NothingChanged,
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Written::Whole => write!(f, "written whole"),
            Written::InPlace(u) => {
                write!(f, "updated in place: {} written, {} removed, {} unchanged", u.written, u.removed, u.unchanged)
            }
            Written::NothingChanged => write!(f, "nothing changed"),
        }
    }
}

impl Writer {
    /// In place when `target` is recorded complete, else a whole new site.
    pub(crate) fn new(target: &Path) -> io::Result<Writer> {
        match state::read(target) {
            state::State::Complete(_) => Update::new(target).map(Writer::InPlace),
            _ => Staging::new(target).map(Writer::Whole),
        }
    }

    /// Writes a file at a relative path, once (see [`Staging::write`]).
    pub(crate) fn write(&self, rel: &str, contents: &[u8]) -> io::Result<()> {
        match self {
            Writer::Whole(staging) => staging.write(rel, contents),
            Writer::InPlace(update) => update.write(rel, contents),
        }
    }

    /// Copies a file to a relative path, once.
    pub(crate) fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        match self {
            Writer::Whole(staging) => staging.copy(rel, source),
            Writer::InPlace(update) => update.copy(rel, source),
        }
    }

    /// Publishes what was written; the output is then complete, but not yet marked so.
    pub(crate) fn commit(self) -> io::Result<Written> {
        match self {
            Writer::Whole(staging) => staging.commit().map(|()| Written::Whole),
            Writer::InPlace(update) => update.commit().map(Written::InPlace),
        }
    }

    /// Drops what was written after a failed build; the output is as it was.
    pub(crate) fn abandon(self) {
        match self {
            Writer::Whole(staging) => staging.abandon(),
            Writer::InPlace(update) => update.abandon(),
        }
    }
}

/// A build being written beside the output folder.
pub(crate) struct Staging {
    dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Creates a fresh staging folder next to `target` (same file system, so the swap is a rename).
    pub(crate) fn new(target: &Path) -> io::Result<Staging> {
        let parent = target.parent().ok_or_else(|| io::Error::other("the output folder has no parent"))?;
        fs::create_dir_all(parent)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        recover(parent, &name, target)?;
        remove_stale(parent, &name)?;
        let dir = parent.join(format!(".{name}.cellbook-staging-{}", std::process::id()));
        if dir.exists() {
            discard(&dir)?;
        }
        fs::create_dir(&dir)?;
        fs::write(dir.join(MARKER), MARKER_TEXT)?;
        Ok(Staging { dir, target: target.to_path_buf() })
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a file at a relative path inside the staging folder. Each path is written once: a
    /// second file for the same path (a `static/robots.txt` and the generated one) is an error
    /// naming the path, never a silent overwrite.
    pub(crate) fn write(&self, rel: &str, contents: &[u8]) -> io::Result<()> {
        self.create(rel)?.write_all(contents).map_err(|e| at(rel, e))
    }

    /// Copies a file into the staging folder, once, like [`Staging::write`].
    pub(crate) fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        let mut from =
            fs::File::open(source).map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", source.display())))?;
        io::copy(&mut from, &mut self.create(rel)?).map(|_| ()).map_err(|e| at(rel, e))
    }

    /// A new file at `rel`, with its folders. The file is opened first, and its folders made only
    /// if that fails for want of them: most files go into a folder made already (the search
    /// index's 10,000 fragments at 10,000 pages share one), and making it again would cost a
    /// `mkdir` and a `stat`, each under the parent folder's lock.
    fn create(&self, rel: &str) -> io::Result<fs::File> {
        inside(rel)?;
        let path = self.dir.join(rel);
        let open = || fs::OpenOptions::new().write(true).create_new(true).open(&path);
        match open() {
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {}
            opened => return opened.map_err(|e| open_error(rel, &path, e)),
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => clash(rel, e.kind(), FOLDER_NAMED),
                _ => at(rel, e),
            })?;
        }
        open().map_err(|e| open_error(rel, &path, e))
    }

    /// Puts the staged site in place of the output folder and removes the old one.
    pub(crate) fn commit(self) -> io::Result<()> {
        let old = self.dir.with_file_name(
            self.dir.file_name().map(|n| n.to_string_lossy().replace("-staging-", "-old-")).unwrap_or_default(),
        );
        let had_output = self.target.exists();
        if had_output {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_output {
                fs::rename(&old, &self.target)?;
            }
            return Err(e);
        }
        if had_output {
            // The new site is published; whatever of the old one is left, the next build removes.
            let _ = discard(&old);
        }
        Ok(())
    }

    /// Removes the staging folder after a failed build.
    pub(crate) fn abandon(self) {
        let _ = discard(&self.dir);
    }
}

/// Why a new file at `rel` (at `path`) could not be made, once its folders are there.
fn open_error(rel: &str, path: &Path, e: io::Error) -> io::Error {
    match e.kind() {
        io::ErrorKind::AlreadyExists | io::ErrorKind::IsADirectory if path.is_dir() => {
            clash(rel, e.kind(), NEEDS_FOLDER)
        }
        io::ErrorKind::AlreadyExists => clash(rel, e.kind(), TWICE),
        _ => at(rel, e),
    }
}

const MARKER_TEXT: &str = "This folder is written by cellbook and replaced on every build.\n";

/// Deletes a folder of cellbook's so that a build killed while deleting it leaves it recognisable,
/// to be finished later: first renamed to a `-trash-` name (so an `-old-` folder is never a
/// half-deleted site), then emptied, its marker last.
fn discard(dir: &Path) -> io::Result<()> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let trash = match name.split_once(".cellbook-") {
        Some((output, kind)) if !kind.starts_with("trash-") => {
            let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let trash = dir.with_file_name(format!("{output}.cellbook-trash-{}-{n}", std::process::id()));
            fs::rename(dir, &trash)?;
            trash
        }
        _ => dir.to_path_buf(),
    };
    remove_contents(&trash)?;
    match fs::remove_file(trash.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(&trash)
}

/// Removes everything inside `dir` but its marker: the files (and symbolic links, never followed)
/// first, then the folders, deepest first. Each removal is a wait on the disk more than work (on
/// ext4 mounted with `discard`, one at a time took longer than building the site), so several
/// run at once.
fn remove_contents(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut folders: Vec<(usize, PathBuf)> = Vec::new();
    let entries = walkdir::WalkDir::new(dir).min_depth(1).into_iter();
    for entry in entries.filter_entry(|e| e.depth() > 1 || e.file_name() != MARKER) {
        let entry = entry.map_err(io::Error::from)?;
        if entry.file_type().is_dir() {
            folders.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    at_once(&files, |file| fs::remove_file(file))?;
    folders.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
    for level in folders.chunk_by(|a, b| a.0 == b.0) {
        at_once(level, |(_, folder)| fs::remove_dir(folder))?;
    }
    Ok(())
}

/// Runs `f` on every item from a few threads; the first error stops them.
fn at_once<T: Sync>(items: &[T], f: impl Fn(&T) -> io::Result<()> + Sync) -> io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    const THREADS: usize = 8;
    let next = AtomicUsize::new(0);
    let error = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(items.len()) {
            scope.spawn(|| {
                while let Some(item) = items.get(next.fetch_add(1, Relaxed)) {
                    if let Err(e) = f(item) {
                        error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                        next.store(items.len(), Relaxed);
                    }
                }
            });
        }
    });
    error.into_inner().unwrap_or_else(|e| e.into_inner()).map_or(Ok(()), Err)
}

/// Refuses a relative path that is empty or leaves the output folder.
fn inside(rel: &str) -> io::Result<()> {
    if rel.is_empty() || Path::new(rel).components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(io::Error::other(format!("`{rel}` is not a path inside the output folder")));
    }
    Ok(())
}

const FOLDER_NAMED: &str = "cannot be written: another output file has the name of one of its folders";
const NEEDS_FOLDER: &str = "cannot be written: other output files need a folder of that name";
const TWICE: &str = "would be written twice: a page or a generated file (a section or term page, `404.html`, \
                     `robots.txt`, `sitemap.xml`...) and a file of `static/` or `content/` want that output path";

/// Two output files that cannot both be written.
fn clash(rel: &str, kind: io::ErrorKind, what: &str) -> io::Error {
    io::Error::new(kind, format!("`{rel}` {what}; rename or remove one of the two"))
}

/// The error of writing `rel`, naming it.
fn at(rel: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("`{rel}`: {error}"))
}

/// Puts the previous site back when a build was killed inside [`Staging::commit`], between moving
/// the output aside and moving the new site in: the output is missing and the old one is there.
fn recover(parent: &Path, name: &str, target: &Path) -> io::Result<()> {
    if target.exists() || target.is_symlink() {
        return Ok(());
    }
    let prefix = format!(".{name}.cellbook-old-");
    let mut old: Vec<PathBuf> = fs::read_dir(parent)?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix.as_str()) && e.path().join(MARKER).is_file())
        .map(|e| e.path())
        .collect();
    old.sort();
    match old.first() {
        Some(previous) => fs::rename(previous, target),
        None => Ok(()),
    }
}

/// Removes staging, old and trash folders that killed builds left behind: only folders named as
/// cellbook names them and carrying its marker (or empty).
fn remove_stale(parent: &Path, name: &str) -> io::Result<()> {
    let prefixes = ["staging", "old", "trash"].map(|kind| format!(".{name}.cellbook-{kind}-"));
    for entry in fs::read_dir(parent)?.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            continue;
        }
        if entry.path().join(MARKER).is_file() {
            discard(&entry.path())?;
        } else {
            // A build killed between creating its staging folder and marking it left it empty;
            // `remove_dir` removes only an empty folder, so nothing of anyone's is lost.
            let _ = fs::remove_dir(entry.path());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
