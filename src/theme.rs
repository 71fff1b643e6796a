//! The built-in theme: this repository's `templates/` (with `templates/i18n.toml`) and `static/`,
//! compiled into the binary from those same files, so that a site needs neither folder.
//!
//! In: the site root. Out: the templates to load, as (name, text), each one the site's own when it
//! has a file of that name and the built-in one otherwise; the interface strings, the site's
//! `templates/i18n.toml` laid over the built-in ones string by string; and the built-in static
//! files that the site's `static/` does not replace. [`export`] writes the theme out for editing.

use crate::diagnostics::Diagnostic;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// build.rs asks Cargo to rebuild when a file is added to or removed from these folders;
// `include_dir!` itself only sees changes to the files it already knows.
static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// The file of interface strings inside `templates/`.
pub(crate) const I18N: &str = "i18n.toml";

/// One template to load: its name (`partials/components.html`) and text.
pub(crate) struct Template {
    pub name: String,
    pub text: String,
}

/// The templates of a site: the built-in ones with the site's `templates/*.html` in their place
/// where the names are the same, sorted by name. An unreadable file of the site is an error.
pub(crate) fn templates(root: &Path) -> Result<Vec<Template>, Vec<Diagnostic>> {
    let mut by_name: BTreeMap<String, Template> = BTreeMap::new();
    for (name, bytes) in files(&TEMPLATES).filter(|(name, _)| name.ends_with(".html")) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        by_name.insert(name.clone(), Template { name, text });
    }
    let (site, mut problems) = site_files(root, &root.join("templates"));
    for (name, path) in site.into_iter().filter(|(name, _)| name.ends_with(".html")) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                by_name.insert(name.clone(), Template { name, text });
            }
            Err(e) => problems.push(Diagnostic::error(format!("templates/{name}"), 0, 0, format!("cannot read: {e}"))),
        }
    }
    if problems.is_empty() { Ok(by_name.into_values().collect()) } else { Err(problems) }
}

/// The interface strings: the built-in `i18n.toml`, then each string of the site's own file in
/// place of the built-in one (a site can change one string, or add a language, without copying
/// the rest).
pub(crate) fn strings(root: &Path) -> Result<toml::Table, Vec<Diagnostic>> {
    let built_in = TEMPLATES.get_file(I18N).and_then(|f| f.contents_utf8()).unwrap_or("");
    let mut strings = parse_strings(built_in)?;
    let text = match std::fs::read_to_string(root.join("templates").join(I18N)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(strings),
        Err(e) => return Err(vec![Diagnostic::error(format!("templates/{I18N}"), 0, 0, format!("cannot read: {e}"))]),
    };
    for (lang, table) in parse_strings(&text)? {
        match (strings.get_mut(&lang), table) {
            (Some(toml::Value::Table(ours)), toml::Value::Table(theirs)) => ours.extend(theirs),
            (_, table) => {
                strings.insert(lang, table);
            }
        }
    }
    Ok(strings)
}

fn parse_strings(text: &str) -> Result<toml::Table, Vec<Diagnostic>> {
    toml::from_str::<toml::Table>(text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| crate::diagnostics::LineIndex::new(text).position(s.start));
        vec![Diagnostic::error(format!("templates/{I18N}"), line, col, e.message().to_string())]
    })
}

/// The built-in static files whose paths the site's own `static/` files do not take, as
/// (output path, bytes), sorted.
pub(crate) fn static_files(site_static: &[String]) -> Vec<(String, Vec<u8>)> {
    files(&STATIC).filter(|(rel, _)| !site_static.contains(rel)).map(|(rel, bytes)| (rel, bytes.to_vec())).collect()
}

/// Writes the built-in theme into `root/templates` and `root/static` for editing; returns the
/// files written. Refuses, writing nothing, when any of them exists already.
pub fn export(root: &Path) -> Result<Vec<PathBuf>, String> {
    let planned: Vec<(PathBuf, &[u8])> = files(&TEMPLATES)
        .map(|(rel, bytes)| (root.join("templates").join(rel), bytes))
        .chain(files(&STATIC).map(|(rel, bytes)| (root.join("static").join(rel), bytes)))
        .collect();
    let existing: Vec<String> =
        planned.iter().filter(|(path, _)| path.exists()).map(|(path, _)| path.display().to_string()).collect();
    if !existing.is_empty() {
        return Err(format!(
            "{} already exist{}: {}; refusing to overwrite (move them aside to export the built-in theme)",
            existing.len(),
            if existing.len() == 1 { "s" } else { "" },
            existing.join(", ")
        ));
    }
    for (path, bytes) in &planned {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(planned.into_iter().map(|(path, _)| path).collect())
}

/// Every file of an embedded folder as (path with `/` separators, bytes), sorted by path.
fn files(dir: &'static Dir<'static>) -> impl Iterator<Item = (String, &'static [u8])> {
    let mut all = Vec::new();
    let mut folders = vec![dir];
    while let Some(folder) = folders.pop() {
        folders.extend(folder.dirs());
        all.extend(folder.files().map(|f| (f.path().to_string_lossy().replace('\\', "/"), f.contents())));
    }
    all.sort();
    all.into_iter()
}

/// Every file under a site's folder as (path inside it with `/` separators, path), sorted; none
/// when the folder does not exist. Hidden files and editors' scratch files are left out.
/// The site's own files under `dir` as (path inside it, file), through the walker that refuses a
/// symbolic link out of the site.
fn site_files(root: &Path, dir: &Path) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let (paths, problems) = crate::safety::files::walk(root, dir, crate::content::is_ignored);
    let files = paths
        .into_iter()
        .map(|path| (path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/"), path))
        .collect();
    (files, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_is_the_repository_folders() {
        let names: Vec<String> = files(&TEMPLATES).map(|(name, _)| name).collect();
        // Every template cellbook renders with, so that a site may leave any of them out.
        for name in [
            "page.html",
            "section.html",
            "index.html",
            "taxonomy.html",
            "term.html",
            "matrix.html",
            "404.html",
            "nav.html",
        ] {
            assert!(names.contains(&name.to_string()), "{name}");
        }
        assert!(files(&STATIC).any(|(rel, _)| rel == "css/site.css"));
    }

    #[test]
    fn a_site_file_replaces_the_built_in_one() {
        let statics = static_files(&["css/site.css".to_string()]);
        assert!(statics.iter().all(|(rel, _)| rel != "css/site.css"));
        assert!(statics.iter().any(|(rel, _)| rel == "favicon.svg"));
    }
}
