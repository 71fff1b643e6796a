//! The output folder: staged writing, an atomic swap, and the marker that says cellbook owns it.
//!
//! In: the output path and the files of a successful build. Out: the new site in place of the
//! old one. Everything is first written to a staging folder beside the output; only when all of
//! it is written does the staging folder replace the output, so a failed or killed build leaves
//! the previous site exactly as it was. cellbook refuses to write into the site root, an ancestor
//! of it, the source folders, or a non-empty folder it did not create.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as cellbook's output.
pub const MARKER: &str = ".cellbook-output";

/// Makes `path` absolute and removes `.` and `..` without touching the disk.
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
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
pub fn check_target(root: &Path, target: &Path) -> Result<PathBuf, String> {
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

/// A build being written beside the output folder.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Creates a fresh staging folder next to `target` (same file system, so the swap is a rename).
    pub fn new(target: &Path) -> io::Result<Staging> {
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

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a file at a relative path inside the staging folder. Each path is written once: a
    /// second file for the same path (a `static/robots.txt` and the generated one) is an error
    /// naming the path, never a silent overwrite.
    pub fn write(&self, rel: &str, contents: &[u8]) -> io::Result<()> {
        self.create(rel)?.write_all(contents).map_err(|e| at(rel, e))
    }

    /// Copies a file into the staging folder, once, like [`Staging::write`].
    pub fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        let mut from =
            fs::File::open(source).map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", source.display())))?;
        io::copy(&mut from, &mut self.create(rel)?).map(|_| ()).map_err(|e| at(rel, e))
    }

    /// A new file at `rel`, with its folders.
    fn create(&self, rel: &str) -> io::Result<fs::File> {
        if rel.is_empty() || Path::new(rel).components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(io::Error::other(format!("`{rel}` is not a path inside the output folder")));
        }
        let path = self.dir.join(rel);
        let clash = |kind: io::ErrorKind, what: &str| {
            io::Error::new(kind, format!("`{rel}` {what}; rename or remove one of the two"))
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => {
                    clash(e.kind(), "cannot be written: another output file has the name of one of its folders")
                }
                _ => at(rel, e),
            })?;
        }
        fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists | io::ErrorKind::IsADirectory if path.is_dir() => {
                clash(e.kind(), "cannot be written: other output files need a folder of that name")
            }
            io::ErrorKind::AlreadyExists => clash(
                e.kind(),
                "would be written twice: a page or a generated file (a section or term page, `404.html`, \
                 `robots.txt`, `sitemap.xml`...) and a file of `static/` or `content/` want that output path",
            ),
            _ => at(rel, e),
        })
    }

    /// Puts the staged site in place of the output folder and removes the old one.
    pub fn commit(self) -> io::Result<()> {
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
    pub fn abandon(self) {
        let _ = discard(&self.dir);
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
mod tests {
    use super::*;

    #[test]
    fn refuses_root_and_sources() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("content")).unwrap();
        assert!(check_target(root.path(), root.path()).is_err());
        assert!(check_target(root.path(), &root.path().join("content/out")).is_err());
        assert!(check_target(root.path(), root.path().parent().unwrap()).is_err());
        assert!(check_target(root.path(), &root.path().join("book")).is_ok());
    }

    #[test]
    fn refuses_an_output_that_a_source_folder_links_into() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("book/assets")).unwrap();
        fs::write(root.path().join("book").join(MARKER), "").unwrap();
        std::os::unix::fs::symlink(root.path().join("book/assets"), root.path().join("static")).unwrap();
        let err = check_target(root.path(), &root.path().join("book")).unwrap_err();
        assert!(err.contains("`static/` links to a folder inside it"), "{err}");
        std::os::unix::fs::symlink(root.path().join("book"), root.path().join("content")).unwrap();
        assert!(check_target(root.path(), &root.path().join("book/x")).unwrap_err().contains("inside `content/`"));
    }

    #[test]
    fn a_path_is_staged_once_and_clashes_name_it() {
        let parent = tempfile::tempdir().unwrap();
        let staging = Staging::new(&parent.path().join("book")).unwrap();
        staging.write("robots.txt", b"mine").unwrap();
        let err = staging.write("robots.txt", b"generated").unwrap_err().to_string();
        assert!(err.starts_with("`robots.txt` would be written twice"), "{err}");
        assert_eq!(fs::read(staging.dir().join("robots.txt")).unwrap(), b"mine");
        staging.write("trials", b"a file").unwrap();
        let err = staging.write("trials/index.html", b"").unwrap_err().to_string();
        assert!(err.contains("another output file has the name of one of its folders"), "{err}");
        staging.write("index.html/index.html", b"").unwrap();
        let err = staging.write("index.html", b"").unwrap_err().to_string();
        assert!(err.contains("other output files need a folder of that name"), "{err}");
        for escape in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(staging.write(escape, b"").is_err(), "{escape}");
        }
        assert!(!parent.path().join("x").exists());
        staging.abandon();
    }

    #[test]
    fn stale_folders_are_removed_only_when_marked_or_empty() {
        let parent = tempfile::tempdir().unwrap();
        let folder = |name: &str| parent.path().join(name);
        fs::create_dir(folder(".book.cellbook-staging-1")).unwrap();
        fs::create_dir(folder(".book.cellbook-staging-2")).unwrap();
        fs::write(folder(".book.cellbook-staging-2").join(MARKER), "").unwrap();
        fs::write(folder(".book.cellbook-staging-2").join("index.html"), "").unwrap();
        fs::create_dir(folder(".book.cellbook-old-3")).unwrap();
        fs::write(folder(".book.cellbook-old-3").join("mine.txt"), "not cellbook's").unwrap();
        fs::create_dir(folder(".other.cellbook-staging-4")).unwrap();
        remove_stale(parent.path(), "book").unwrap();
        let mut left: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, [".book.cellbook-old-3", ".other.cellbook-staging-4"]);
    }

    #[test]
    fn a_build_killed_inside_the_swap_gets_its_previous_site_back() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("book");
        let old = parent.path().join(".book.cellbook-old-99999");
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        let staging = Staging::new(&target).unwrap();
        assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "previous");
        assert!(!old.exists());
        staging.write("index.html", b"next").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "next");
        let names: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["book"]);
    }

    #[test]
    fn a_replaced_site_is_removed_whole_and_links_in_it_are_not_followed() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("book");
        let outside = parent.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("keep.txt"), "not cellbook's").unwrap();
        let first = Staging::new(&target).unwrap();
        for n in 0..50 {
            first.write(&format!("s{}/p{n}/index.html", n % 3), b"old").unwrap();
        }
        first.commit().unwrap();
        std::os::unix::fs::symlink(&outside, target.join("s0/link")).unwrap();
        let second = Staging::new(&target).unwrap();
        second.write("index.html", b"new").unwrap();
        second.commit().unwrap();
        let names: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "only the output and the outside folder: {names:?}");
        let mut output: Vec<_> = fs::read_dir(&target).unwrap().map(|e| e.unwrap().file_name()).collect();
        output.sort();
        assert_eq!(output, [MARKER, "index.html"]);
        assert_eq!(fs::read_to_string(outside.join("keep.txt")).unwrap(), "not cellbook's");
    }

    #[test]
    fn refuses_foreign_folders() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(check_target(root.path(), &out).unwrap_err().contains("did not create it"));
        fs::write(out.join(MARKER), "").unwrap();
        assert!(check_target(root.path(), &out).is_ok());
    }
}
