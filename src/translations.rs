//! Translations that know their original: each translation records the hash of the original's
//! text it was made from (`translated_from`), so that a later change of the original shows on
//! the translated page, in `check`, and in `check --format json`.
//!
//! In: the site model. Out: each translation's state against its original, and the hash a
//! translator writes when the translation is brought up to date (`cellbook translated FILE`).
//! What is hashed is what a translator translates (title, description and body), so a change of
//! the original's dates, tags or trial list alone does not mark its translations out of date.

use crate::content::front_matter::FrontMatter;
use crate::diagnostics::Diagnostic;
use crate::site::{PageId, Site};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How many hex digits of the SHA-256 a translation records: enough that two versions of one
/// page never share them, short enough to read.
const HASH_DIGITS: usize = 12;

/// The hash of a page's translatable text.
pub(crate) fn text_hash(front: &FrontMatter, body: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [front.title.as_deref().unwrap_or(""), front.description.as_deref().unwrap_or(""), body] {
        hasher.update(part.trim().as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()[..HASH_DIGITS].to_string()
}

/// Where a translation stands against its original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum State {
    /// It records the original's current text.
    Current,
    /// The original has changed since.
    Outdated,
    /// It records no original yet.
    Unmarked,
}

/// The state of page `p` when it translates a page of the main language.
pub(crate) fn state(site: &Site, p: PageId) -> Option<(State, PageId)> {
    let page = &site.pages[p];
    if page.lang == site.default_lang() {
        return None;
    }
    let original = site.translation(&page.key, site.default_lang())?;
    let state = match &page.front.translated_from {
        None => State::Unmarked,
        Some(hash) if *hash == site.pages[original].text_hash => State::Current,
        Some(_) => State::Outdated,
    };
    Some((state, original))
}

/// Warnings for translations that are out of date or record no original.
pub(crate) fn lints(site: &Site) -> Vec<Diagnostic> {
    site.pages
        .ids()
        .filter_map(|p| {
            let (state, original) = state(site, p)?;
            let page = &site.pages[p];
            let command = format!("`cellbook translated {}`", page.file.display());
            let message = match state {
                State::Current => return None,
                State::Outdated => format!(
                    "its original {} has changed since it was translated: update the translation, then run {command}",
                    site.pages[original].file.display()
                ),
                State::Unmarked => format!(
                    "translates {} but records no `translated_from`: once it matches its original, run {command}",
                    site.pages[original].file.display()
                ),
            };
            Some(Diagnostic::warning(&page.file, 1, 1, message))
        })
        .collect()
}

/// Marks the translation `file` (relative to `root`) as translating its original's current text.
/// Returns the original's path.
pub fn mark_file(
    root: &std::path::Path,
    file: &std::path::Path,
    config: &crate::config::Config,
) -> Result<String, String> {
    let path = root.join(file);
    let (page, _) = crate::content::load_one(root, &path, config).map_err(|d| d.to_string())?;
    if page.lang == config.book.language {
        return Err(format!("{}: not a translation (its name has no language code such as `.zh.md`)", file.display()));
    }
    let original_rel = format!("{}.md", page.key);
    let original_path = root.join("content").join(&original_rel);
    let (original, _) = crate::content::load_one(root, &original_path, config)
        .map_err(|_| format!("{}: its original `content/{original_rel}` cannot be read", file.display()))?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", file.display()))?;
    let marked = mark(&text, &original.text_hash).ok_or_else(|| format!("{}: no front matter", file.display()))?;
    std::fs::write(&path, marked).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(format!("content/{original_rel}"))
}

/// Sets `translated_from` in the front matter of `text` (a translation) to `hash`, replacing the
/// line that gives it or adding one after `title:`.
pub(crate) fn mark(text: &str, hash: &str) -> Option<String> {
    let line = format!("translated_from: \"{hash}\"");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let close = lines.iter().skip(1).position(|l| l.trim_end() == "---")? + 1;
    match lines[..close].iter().position(|l| l.starts_with("translated_from:")) {
        Some(at) => lines[at] = line,
        None => {
            let after_title = lines[..close].iter().position(|l| l.starts_with("title:")).map_or(1, |at| at + 1);
            lines.insert(after_title, line);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_adds_or_replaces_the_line() {
        let text = "---\ntitle: \"标题\"\ndescription: d\n---\nbody\n";
        let marked = mark(text, "abc").unwrap();
        assert_eq!(marked, "---\ntitle: \"标题\"\ntranslated_from: \"abc\"\ndescription: d\n---\nbody\n");
        assert_eq!(mark(&marked, "def").unwrap(), marked.replace("abc", "def"));
    }

    #[test]
    fn only_the_translated_text_counts() {
        let front = FrontMatter { title: Some("A".into()), ..FrontMatter::default() };
        let dated = FrontMatter { reviewed: "2026-12-05".parse().ok(), ..front.clone() };
        assert_eq!(text_hash(&front, "body"), text_hash(&dated, "body"));
        assert_ne!(text_hash(&front, "body"), text_hash(&front, "body, changed"));
    }
}
