//! `cellbook new`: a new article with every front-matter field the site expects.
//!
//! In: the site root, `<section>/<slug>` and an optional title. Out: the created file's path and
//! the URL path it will have, or why it was refused (an existing file is never overwritten).

use crate::config::{Config, is_url_segment};
use crate::dates::today;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A page `new` created: its file, and its URL path from the site root (`trials/my-trial/`).
pub struct Created {
    /// The created Markdown file: the site root joined with `content/<section>/<slug>.md`.
    pub file: PathBuf,
    /// The page's URL path from the site root, without the leading `/` (`trials/my-trial/`).
    pub url: String,
}

/// Creates `content/<path>.md` with the front matter the site expects, titled `title` or after the
/// slug; refuses a path that is not `<section>/<slug>` and never overwrites a file.
pub fn new_page(root: &Path, path: &str, title: Option<&str>) -> Result<Created, String> {
    let config = Config::load(root).map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
    let path = path.trim_end_matches(".md");
    let segments: Vec<&str> = path.split('/').collect();
    if path.is_empty() || path.starts_with('/') || !segments.iter().all(|s| is_url_segment(s)) {
        return Err(format!(
            "`{path}` is not `<section>/<slug>`: use plain names separated by `/`, e.g. `trials/als/my-trial`"
        ));
    }
    let file = root.join("content").join(format!("{path}.md"));
    if file.exists() {
        return Err(format!("{} already exists; refusing to overwrite it", file.display()));
    }
    let slug = segments.last().copied().unwrap_or(path);
    let title = title.map_or_else(|| title_from_slug(slug), str::to_string);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let text = front_matter(&config, &title);
    // `create_new` so that a file appearing meanwhile is still never overwritten.
    let mut handle = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| format!("cannot create {}: {e}", file.display()))?;
    std::io::Write::write_all(&mut handle, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let dir = segments[..segments.len() - 1].join("/");
    let url = crate::content::page_url(&dir, Some(&crate::urls::slugify(slug)), &config.book.language, &config);
    Ok(Created { file, url })
}

fn title_from_slug(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
}

fn front_matter(config: &Config, title: &str) -> String {
    let today = today();
    let next_review = today.checked_add(jiff::Span::new().months(12)).unwrap_or(today);
    let mut text = String::from("---\n");
    let _ = writeln!(text, "title: {}", yaml_string(title));
    text.push_str("# aliases: other names readers search for (lay, brand, generic, misspelt): [\"...\", \"...\"]\n");
    text.push_str("aliases: []\n");
    text.push_str("description: \"One plain sentence: what this article is about.\"\n");
    for taxonomy in &config.taxonomies {
        let ids: Vec<&str> = taxonomy.terms.iter().map(|t| t.id.as_str()).collect();
        let _ = writeln!(text, "# {}: {}", taxonomy.title, ids.join(", "));
        if taxonomy.multiple {
            let _ = writeln!(text, "{}: []", taxonomy.key);
        } else {
            let _ = writeln!(text, "{}:", taxonomy.key);
        }
    }
    text.push_str("tags: []\n");
    let _ = writeln!(text, "date: {today}");
    let _ = writeln!(text, "reviewed: {today}");
    let _ = writeln!(text, "next_review: {next_review}");
    text.push_str("# trials: [{ id: NCT00000000, name: \"...\", phase: phase-2, status: completed }]\n");
    text.push_str("trials: []\n");
    text.push_str("# references: cite them in the text as [@id]; give a pmid, doi, nct or isrctn.\n");
    text.push_str("references: []\n");
    text.push_str("draft: true\n");
    text.push_str("---\n\n## In brief\n\n- \n\n## Details\n\n");
    text
}

/// A YAML double-quoted string.
fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
