//! `cellbook init`: a small working site to start from.
//!
//! In: a folder that is empty or does not exist yet, and whether to copy the theme out. Out: the
//! starter site (this repository's `starter/`, compiled in: a commented `book.toml` with two
//! vocabularies, a start page, a section with one article, a `.gitignore` and a GitHub Pages
//! workflow), its dates set to today; with `theme`, the built-in theme's `templates/` and
//! `static/` as well. Returns the files written, or why the folder was refused.

use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static STARTER: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Writes the starter site into `dir`, which must be empty or not exist, with the built-in theme's
/// `templates/` and `static/` when `theme` is set; returns the files written.
pub fn init(dir: &Path, theme: bool) -> Result<Vec<PathBuf>, String> {
    refuse_unless_empty(dir)?;
    let today = crate::dates::today();
    let next_review = today.checked_add(jiff::Span::new().months(12)).unwrap_or(today);
    let mut written = Vec::new();
    let mut folders = vec![&STARTER];
    while let Some(folder) = folders.pop() {
        folders.extend(folder.dirs());
        for file in folder.files() {
            let path = dir.join(file.path());
            let text = String::from_utf8_lossy(file.contents())
                .replace("{today}", &today.to_string())
                .replace("{next_review}", &next_review.to_string());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(path);
        }
    }
    if theme {
        written.extend(crate::theme::export(dir)?);
    }
    written.sort();
    Ok(written)
}

/// A site is only ever started in an empty folder, so that nothing of the user's is overwritten
/// or mixed in with it.
fn refuse_unless_empty(dir: &Path) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(entry) => {
                let name = entry.map(|e| e.file_name().to_string_lossy().into_owned()).unwrap_or_default();
                Err(format!(
                    "{} is not empty (it has `{name}`); `init` starts a site only in an empty or new folder: \
                     try `cellbook init NEW-FOLDER`",
                    dir.display()
                ))
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot open {}: {e}", dir.display())),
    }
}
