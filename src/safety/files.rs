//! Only the site's own files: walking `content/`, `templates/` and `static/`.
//!
//! In: the site root, a source folder and which names to skip. Out: every regular file under the
//! folder, sorted, and an error for each entry that cannot be published: a symbolic link (or the
//! folder itself) that resolves outside the site root, a symbolic link loop, something that is
//! not a regular file (a named pipe would block the build). A link that resolves inside the root
//! is followed. Only entries that are links are resolved, so a plain tree costs no extra calls.

use crate::diagnostics::{Diagnostic, display_path};
use std::path::{Path, PathBuf};

/// Every file under `dir` (none when it does not exist), skipping names for which `skip` holds.
pub(crate) fn walk(root: &Path, dir: &Path, skip: impl Fn(&str) -> bool) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return (files, problems);
    }
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut entries = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) if entry.depth() > 0 && skip(entry.file_name().to_string_lossy().as_ref()) => {
                if entry.file_type().is_dir() {
                    entries.skip_current_dir();
                }
                continue;
            }
            Ok(entry) => entry,
            Err(error) => {
                problems.push(walk_error(root, &error));
                continue;
            }
        };
        if let Some(problem) = outside(root, &real_root, &entry) {
            problems.push(problem);
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
        } else if entry.file_type().is_file() {
            files.push(entry.into_path());
        } else if !entry.file_type().is_dir() {
            // A socket or device is no page either: say so rather than leave it out silently.
            let message = "cannot read: not a regular file (a named pipe, socket or device); replace it with a file";
            problems.push(Diagnostic::error(display_path(root, entry.path()), 0, 0, message));
        }
    }
    (files, problems)
}

/// The error for an entry that is a symbolic link resolving outside the site root.
fn outside(root: &Path, real_root: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let is_link = entry.path_is_symlink() || (entry.depth() == 0 && entry.path().is_symlink());
    if !is_link {
        return None;
    }
    let real = std::fs::canonicalize(entry.path()).ok()?;
    if real.starts_with(real_root) {
        return None;
    }
    let message = format!(
        "a symbolic link to `{}`, outside the site's folder: cellbook publishes only the site's own files; \
         copy what you need into the site instead",
        real.display()
    );
    Some(Diagnostic::error(display_path(root, entry.path()), 0, 0, message))
}

fn walk_error(root: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().map(|p| display_path(root, p)).unwrap_or_default();
    let message = if error.loop_ancestor().is_some() {
        "symbolic link loop: this link points back to a folder that contains it".to_string()
    } else {
        format!("cannot read: {}", error.io_error().map_or(error.to_string(), ToString::to_string))
    };
    Diagnostic::error(path, 0, 0, message)
}

/// Whether one file, named by a path under `root` (as the dev server names a changed page), is
/// the site's own: not reached through a link that leads outside the root.
pub(crate) fn is_inside(root: &Path, path: &Path) -> bool {
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(real_root))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_and_links_outside_named() {
        let world = tempfile::tempdir().unwrap();
        let (root, away) = (world.path().join("site"), world.path().join("away"));
        for dir in [root.join("content/real"), away.clone()] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(root.join("content/real/a.md"), "a").unwrap();
        std::fs::write(away.join("secret.md"), "s").unwrap();
        symlink(root.join("content/real"), root.join("content/alias")).unwrap();
        symlink(away.join("secret.md"), root.join("content/b.md")).unwrap();
        symlink(&away, root.join("content/folder")).unwrap();
        let (files, problems) = walk(&root, &root.join("content"), |_| false);
        let rel: Vec<_> = files.iter().map(|f| display_path(&root, f)).collect();
        assert_eq!(rel, [Path::new("content/alias/a.md"), Path::new("content/real/a.md")]);
        let named: Vec<_> = problems.iter().map(|p| p.path.clone()).collect();
        assert_eq!(named, [Path::new("content/b.md"), Path::new("content/folder")]);
        assert!(problems[0].message.contains("outside the site's folder"), "{}", problems[0].message);
    }
}
