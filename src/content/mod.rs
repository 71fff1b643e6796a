//! Content loading: `content/` -> pages, section indexes and assets.
//!
//! In: the site root and its [`Config`]. Out: every Markdown file as a [`Page`] (front matter
//! checked against the vocabularies, body kept for the Markdown stage, URL decided), every other
//! file as an [`Asset`] copied beside the pages, and diagnostics for all that is wrong.
//! Files are found by `safety::files` (symbolic links out of the site and link loops are errors,
//! never reads or hangs) and read in parallel.

pub mod front_matter;
pub mod trials;
mod validate;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::urls::slugify;
use front_matter::FrontMatter;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One Markdown file: an article, or a section's `_index.md`.
#[derive(Debug)]
pub struct Page {
    /// Path from the site root, as shown in diagnostics and used by "Edit this page".
    pub file: PathBuf,
    /// Path inside `content/`, with `/` separators: `cells/msc.md`.
    pub rel: String,
    /// What a page and its translations share: `cells/msc`, or `cells/_index` for a section.
    pub key: String,
    /// The folder inside `content/` (the section): `cells`, or `` for the top.
    pub dir: String,
    /// Code of the page's language: from a `name.CODE.md` file name, else the main language.
    pub lang: String,
    /// Whether this is a section's `_index.md`.
    pub is_index: bool,
    /// The parsed front matter (the `---` block at the top of the file).
    pub front: FrontMatter,
    /// The Markdown after the front matter, as written.
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// The URL path from the site root, without the leading `/`: `cells/msc/`, `zh/cells/msc/`, ``.
    pub url: String,
    /// The hash of what a translator translates (title, description, body): see
    /// [`crate::translations`].
    pub text_hash: String,
}

impl Page {
    /// A copy of everything but the body and front matter (for replacing a body).
    pub(crate) fn clone_meta(&self) -> Page {
        Page {
            file: self.file.clone(),
            rel: self.rel.clone(),
            key: self.key.clone(),
            dir: self.dir.clone(),
            lang: self.lang.clone(),
            is_index: self.is_index,
            front: FrontMatter::default(),
            body: String::new(),
            body_line: self.body_line,
            url: self.url.clone(),
            text_hash: self.text_hash.clone(),
        }
    }

    pub(crate) fn title(&self) -> &str {
        self.front.title.as_deref().unwrap_or("")
    }
}

/// A non-Markdown file under `content/` (an image beside its article), copied as it is.
#[derive(Debug)]
pub struct Asset {
    /// The file on disk: the site root joined with its path under `content/`.
    pub source: PathBuf,
    /// Path inside `content/` and in the output: `cells/figure.png`.
    pub rel: String,
}

/// Everything loaded from `content/`: pages, assets and trial records.
#[derive(Debug, Default)]
pub struct Content {
    /// Every page and section index loaded (drafts only when asked for), in path order.
    pub pages: Vec<Page>,
    /// Every file under `content/` that is neither Markdown nor a trial record.
    pub assets: Vec<Asset>,
    /// Trial records, by id.
    pub trials: Vec<trials::TrialRecord>,
}

/// Loads everything under `root/content`. Drafts are skipped unless `drafts` is set.
pub fn load(root: &Path, config: &Config, drafts: bool) -> (Content, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let (files, mut problems) = crate::safety::files::walk(root, &content_dir, is_ignored);
    let (markdown, others): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|f| f.extension().is_some_and(|e| e == "md"));
    let (records, others): (Vec<_>, Vec<_>) =
        others.into_iter().partition(|source| is_record(&relative(&content_dir, source), config));
    let mut content = Content::default();
    let mut designs = validate::TrialDesigns::new();
    for (path, result) in
        records.iter().zip(records.par_iter().map(|path| trials::load(root, path, config)).collect::<Vec<_>>())
    {
        match result {
            Ok(record) => content.trials.push(record),
            Err(record_problems) => {
                problems.extend(record_problems);
                let id = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
                designs.insert(id, None);
            }
        }
    }
    content.trials.sort_by(|a, b| a.id.cmp(&b.id));
    problems.extend(duplicate_records(&content.trials));
    designs.extend(content.trials.iter().map(|t| (t.id.clone(), Some(t.design_rung()))));
    let results: Vec<_> =
        markdown.par_iter().map(|path| load_page(root, &content_dir, path, config, Some(&designs))).collect();
    for result in results {
        match result {
            Ok((page, page_problems)) => {
                let has_errors = page_problems.iter().any(Diagnostic::is_error);
                problems.extend(page_problems);
                if !has_errors && (drafts || !page.front.draft) {
                    content.pages.push(page);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    content.assets = others.into_iter().map(|source| Asset { rel: relative(&content_dir, &source), source }).collect();
    (content, problems)
}

/// Two record files with one id (`NCT1.yaml` and `NCT1.yml`): the second is an error.
fn duplicate_records(trials: &[trials::TrialRecord]) -> Vec<Diagnostic> {
    trials
        .windows(2)
        .filter(|pair| pair[0].id == pair[1].id)
        .map(|pair| {
            let message =
                format!("trial `{}` is recorded twice: also in {}; keep one file", pair[1].id, pair[0].file.display());
            Diagnostic::error(&pair[1].file, 1, 1, message)
        })
        .collect()
}

/// Whether a file inside `content/` (path `rel`) is a trial record.
pub(crate) fn is_record(rel: &str, config: &Config) -> bool {
    let Some(evidence) = &config.evidence else { return false };
    let in_folder = rel.strip_prefix(evidence.records.trim_matches('/')).is_some_and(|r| r.starts_with('/'));
    in_folder && (rel.ends_with(".yaml") || rel.ends_with(".yml"))
}

/// Hidden files and the temporary files editors write beside the one being saved.
pub(crate) fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Loads one Markdown file under `root/content` (the dev server's edited page, which must not
/// have become a link to a file outside the site), for a reload of its body: the checks that need
/// the trial records are left to the full build (its front matter is compared with the last).
pub(crate) fn load_one(root: &Path, path: &Path, config: &Config) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    if !crate::safety::files::is_inside(root, path) {
        let file = crate::diagnostics::display_path(root, path);
        return Err(Diagnostic::error(file, 0, 0, "cannot read: not a file inside the site's folder"));
    }
    load_page(root, &root.join("content"), path, config, None)
}

fn load_page(
    root: &Path,
    content_dir: &Path,
    path: &Path,
    config: &Config,
    trials: Option<&validate::TrialDesigns>,
) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    let file = crate::diagnostics::display_path(root, path);
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error(&file, 0, 0, format!("cannot read: {e}")))?;
    let text = decode(&bytes)
        .map_err(|(line, col)| Diagnostic::error(&file, line, col, "not valid UTF-8: save the file as UTF-8"))?;
    let split = front_matter::split(&text).map_err(|p| p.error_in(&file))?;
    let taxonomy_keys: Vec<&str> = config.taxonomies.iter().map(|t| t.key.as_str()).collect();
    let front = front_matter::parse(&split, &taxonomy_keys).map_err(|p| p.error_in(&file))?;

    let rel = relative(content_dir, path);
    let (dir, stem, lang) = name_parts(&rel, config);
    let is_index = stem == "_index";
    let place = validate::Place { dir: &dir, is_index, trials };
    let mut problems = validate::front_matter(&file, &front, config, &place);
    problems.extend(crate::safety::front_matter_problems(&file, &front));
    let key = if dir.is_empty() { stem.to_string() } else { format!("{dir}/{stem}") };
    let slug = front.slug.clone().unwrap_or_else(|| slugify(stem));
    let url = page_url(&dir, if is_index { None } else { Some(&slug) }, &lang, config);
    let text_hash = crate::translations::text_hash(&front, split.body);
    let page = Page {
        file,
        text_hash,
        rel: rel.clone(),
        key,
        dir,
        lang,
        is_index,
        body: split.body.to_string(),
        body_line: split.body_line,
        front,
        url,
    };
    Ok((page, problems))
}

/// UTF-8 text with the BOM removed and CRLF and lone CR turned into LF.
/// On invalid bytes, the line and column of the first one.
fn decode(bytes: &[u8]) -> Result<String, (usize, usize)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        // A lone `\r` (old Mac line ends) is a line break to editors, YAML and Markdown alike.
        Ok(text) if text.contains('\r') => Ok(text.replace("\r\n", "\n").replace('\r', "\n")),
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            Err(LineIndex::new(valid).position(valid.len()))
        }
    }
}

/// (folder, stem without language, language) of a path inside `content/`:
/// `cells/msc.zh.md` -> (`cells`, `msc`, `zh`) when `zh` is a declared language.
fn name_parts<'a>(rel: &'a str, config: &Config) -> (String, &'a str, String) {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = name.strip_suffix(".md").unwrap_or(name);
    if let Some((base, code)) = stem.rsplit_once('.')
        && config.language.contains_key(code)
        && code != config.book.language
    {
        return (dir.to_string(), base, code.to_string());
    }
    (dir.to_string(), stem, config.book.language.clone())
}

/// The URL path of a page or section: folders and slug slugified, the language as a prefix.
pub(crate) fn page_url(dir: &str, slug: Option<&str>, lang: &str, config: &Config) -> String {
    let mut url = String::new();
    if lang != config.book.language {
        url.push_str(lang);
        url.push('/');
    }
    for segment in dir.split('/').filter(|s| !s.is_empty()) {
        url.push_str(&slugify(segment));
        url.push('/');
    }
    if let Some(slug) = slug {
        url.push_str(slug);
        url.push('/');
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reports_the_first_bad_byte() {
        assert_eq!(decode(b"ab\ncd\xff"), Err((2, 3)));
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb").unwrap(), "a\nb");
        assert_eq!(decode(b"a\rb\r\nc\n\rd").unwrap(), "a\nb\nc\n\nd");
    }

    #[test]
    fn names_split_language() {
        let config = Config::parse("[language.zh]\nname = \"中文\"\n").unwrap();
        assert_eq!(name_parts("a/b.zh.md", &config), ("a".into(), "b", "zh".into()));
        assert_eq!(name_parts("b.v1.md", &config), ("".into(), "b.v1", "en".into()));
    }
}
