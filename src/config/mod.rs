//! Configuration: `book.toml` -> [`Config`].
//!
//! In: the text of `book.toml`. Out: a typed, validated `Config` with the controlled vocabularies,
//! or `path:line:col` diagnostics. Like mdBook's, every table rejects keys it does not know, so a
//! typo is an error instead of a silently ignored setting.

use crate::diagnostics::{Diagnostic, LineIndex};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

mod evidence;
mod spans;
mod validate;
mod vocabularies;

pub(crate) use evidence::Evidence;
pub(crate) use spans::Spans;
pub(crate) use vocabularies::{Matrix, Taxonomy, Term, Translation};

/// The site's settings, read from `book.toml` and validated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[book]`: the site's title, description, authors and main language.
    #[serde(default)]
    pub book: Book,
    /// `[build]`: where the site is built.
    #[serde(default)]
    pub build: Build,
    /// `[output.html]` and its settings for the published pages.
    #[serde(default)]
    pub output: Output,
    /// `[markdown]`: how page Markdown is rendered.
    #[serde(default)]
    pub markdown: Markdown,
    /// `[search]`: the search index and its filters.
    #[serde(default)]
    pub search: Search,
    /// Languages besides `book.language`, by code.
    #[serde(default)]
    pub language: BTreeMap<String, Language>,
    /// `[[taxonomy]]`: the controlled vocabularies pages are tagged with, in `book.toml` order.
    #[serde(default, rename = "taxonomy")]
    pub taxonomies: Vec<Taxonomy>,
    /// `[matrix]`: the page crossing two vocabularies, when the site has one.
    pub matrix: Option<Matrix>,
    /// `[evidence]`: the evidence vocabularies and settings, when the site uses them.
    pub evidence: Option<Evidence>,
    /// `[check]`: settings of the editorial lints run by `cellbook check`.
    #[serde(default)]
    pub check: Check,
    /// Where the checked values are written, for diagnostics.
    #[serde(skip)]
    pub spans: Spans,
}

/// `[check]`: the editorial lints' settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Check {
    /// The highest Flesch-Kincaid grade a page's summary may read at; no limit when not given.
    pub reading_grade: Option<f64>,
    /// The heading of the plain-language summary (`## In brief`).
    #[serde(default = "default_summary_heading")]
    pub summary_heading: String,
}

impl Default for Check {
    fn default() -> Self {
        Check { reading_grade: None, summary_heading: default_summary_heading() }
    }
}

fn default_summary_heading() -> String {
    "In brief".into()
}

/// `[book]`: what the site is and who writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    /// The site's title, in the main language; `cellbook` when not given.
    #[serde(default = "default_title")]
    pub title: String,
    /// The site's description, in the main language; empty when not given.
    #[serde(default)]
    pub description: String,
    /// Authors' names, joined with commas in the Atom feed.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Code of the site's main language, such as `en` (the default).
    #[serde(default = "default_language")]
    pub language: String,
}

impl Default for Book {
    fn default() -> Self {
        Book { title: default_title(), description: String::new(), authors: Vec::new(), language: default_language() }
    }
}

fn default_title() -> String {
    "cellbook".into()
}

fn default_language() -> String {
    "en".into()
}

/// `[build]`: where the site is built.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Build {
    /// Output folder, relative to the site root; `book` when not given.
    #[serde(default = "default_build_dir")]
    pub build_dir: String,
}

impl Default for Build {
    fn default() -> Self {
        Build { build_dir: default_build_dir() }
    }
}

fn default_build_dir() -> String {
    "book".into()
}

/// `[output]`: the output formats' settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// `[output.html]`: settings of the published HTML.
    #[serde(default)]
    pub html: Html,
}

/// `[output.html]`: settings of the published HTML pages.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Html {
    /// Where the site is published: `https://example.org/repo/`, or just a path such as `/repo/`.
    pub site_url: Option<String>,
    /// The site's source repository, linked from every page's footer.
    pub git_repository_url: Option<String>,
    /// With `{path}` standing for the source file's path from the site root.
    pub edit_url_template: Option<String>,
    /// A custom domain for GitHub Pages, written to `CNAME`.
    pub cname: Option<String>,
    /// Every page's Content-Security-Policy (`safety::csp::DEFAULT_POLICY` when unset); the hashes
    /// of the templates' inline scripts are added to its `script-src`. `""` publishes none.
    pub content_security_policy: Option<String>,
    /// Every page's `<meta name="referrer">` ([`DEFAULT_REFERRER_POLICY`] when unset).
    pub referrer_policy: Option<String>,
}

/// Other sites learn this site's origin from its links, not which page the reader was on.
pub(crate) const DEFAULT_REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// The values of `referrer-policy` browsers know.
const REFERRER_POLICIES: &[&str] = &[
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// `[markdown]`: how page Markdown is rendered.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Markdown {
    /// Raw HTML in Markdown is kept when true (trusted editors) and sanitised when false.
    #[serde(default = "yes")]
    pub allow_html: bool,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown { allow_html: true }
    }
}

/// `[search]`: the search index's settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Build the search index; true when not given.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The vocabularies readers can narrow results by, by key; every vocabulary when not given.
    pub filters: Option<Vec<String>>,
}

impl Default for Search {
    fn default() -> Self {
        Search { enabled: true, filters: None }
    }
}

impl Search {
    /// Whether the vocabulary `key` is offered as a search filter.
    pub(crate) fn filters_by(&self, key: &str) -> bool {
        self.filters.as_ref().is_none_or(|keys| keys.iter().any(|k| k == key))
    }
}

fn yes() -> bool {
    true
}

/// A language besides the main one, from `[language.CODE]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language's own name, shown in the language switcher.
    pub name: String,
    /// The site's title in this language; `book.title` when not given.
    pub title: Option<String>,
    /// The site's description in this language; `book.description` when not given.
    pub description: Option<String>,
}

impl Config {
    /// Reads and validates `book.toml` under `root`. A missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join("book.toml");
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(vec![Diagnostic::error("book.toml", 0, 0, format!("cannot read: {e}"))]),
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let (line, col) = LineIndex::new(valid).position(valid.len());
            vec![Diagnostic::error("book.toml", line, col, "not valid UTF-8: save the file as UTF-8")]
        })?;
        Config::parse(text)
    }

    /// Parses the text of a `book.toml`; diagnostics name the file `book.toml`.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let error = |e: toml::de::Error| {
            let (line, col) = e.span().map_or((0, 0), |span| LineIndex::new(text).position(span.start));
            vec![Diagnostic::error("book.toml", line, col, e.message().trim().to_string())]
        };
        let document = toml::de::DeTable::parse(text).map_err(error)?;
        let mut config = Config::deserialize(toml::de::Deserializer::from(document.clone())).map_err(error)?;
        config.spans = Spans::read(toml::de::Deserializer::from(document), text);
        let problems = config.validate();
        if problems.is_empty() { Ok(config) } else { Err(problems) }
    }

    /// All language codes, the main language first.
    pub(crate) fn languages(&self) -> Vec<&str> {
        std::iter::once(self.book.language.as_str())
            .chain(self.language.keys().map(String::as_str).filter(|code| *code != self.book.language))
            .collect()
    }

    pub(crate) fn taxonomy(&self, key: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.key == key)
    }

    /// Every front-matter key a page may use.
    pub(crate) fn front_matter_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = crate::content::front_matter::keys::names().collect();
        keys.extend(self.taxonomies.iter().map(|t| t.key.as_str()));
        keys
    }
}

/// A single URL path segment that cannot climb out of its folder.
pub(crate) fn is_url_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        // `%2e%2e` is `..` to a browser.
        && !s.contains(['/', '\\', '?', '#', ':', '%'])
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("[book]\ntitle = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert_eq!(err[0].line, 3);
        assert!(err[0].message.contains("titel"), "{}", err[0].message);
    }

    #[test]
    fn term_aliases_fall_back_to_the_main_language_and_may_not_be_empty() {
        let toml = "[[taxonomy]]\nkey = \"diseases\"\ntitle = \"Diseases\"\npath = \"diseases\"\n\n[[taxonomy.term]]\n\
                    id = \"als\"\nlabel = \"ALS\"\naliases = [\"MND\"]\ntranslations.zh = { aliases = [\"渐冻症\"] }\n";
        let config = Config::parse(toml).unwrap();
        let als = config.taxonomy("diseases").unwrap().term("als").unwrap();
        assert_eq!(
            (als.aliases_in("zh"), als.aliases_in("fr")),
            (&["渐冻症".to_string()][..], &["MND".to_string()][..])
        );
        let err = Config::parse(&toml.replace("[\"MND\"]", "[\"MND\", \" \"]")).unwrap_err();
        assert_eq!(
            (err[0].line, err[0].col, err[0].message.as_str()),
            (9, 19, "term `als` has an empty alias: remove it, or write the name readers use")
        );
    }

    #[test]
    fn a_term_declared_twice_is_reported_at_its_second_id() {
        let toml = "[[taxonomy]]\nkey = \"diseases\"\ntitle = \"Diseases\"\npath = \"diseases\"\n\
                    [[taxonomy.term]]\nid = \"als\"\nlabel = \"ALS\"\n\
                    [[taxonomy.term]]\nid = \"als\"\nlabel = \"ALS again\"\n";
        let err = Config::parse(toml).unwrap_err();
        assert_eq!(
            (err[0].line, err[0].col, err[0].message.as_str()),
            (9, 6, "term `als` is declared twice in `diseases`")
        );
    }

    #[test]
    fn empty_file_gives_defaults() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.build.build_dir, "book");
        assert_eq!(config.languages(), vec!["en"]);
    }
}
