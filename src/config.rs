//! Configuration: `book.toml` -> [`Config`].
//!
//! In: the text of `book.toml`. Out: a typed, validated `Config` with the controlled vocabularies,
//! or `path:line:col` diagnostics. Like mdBook's, every table rejects keys it does not know, so a
//! typo is an error instead of a silently ignored setting.

use crate::diagnostics::{Diagnostic, LineIndex, suggest};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Front-matter keys with a fixed meaning; a taxonomy may not reuse them.
pub const FIXED_KEYS: &[&str] = &[
    "title",
    "description",
    "tags",
    "date",
    "updated",
    "reviewed",
    "next_review",
    "references",
    "trials",
    "regulatory_history",
    "certainty",
    "last_searched",
    "changes",
    "draft",
    "translated_from",
    "weight",
    "slug",
    "aliases",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub book: Book,
    #[serde(default)]
    pub build: Build,
    #[serde(default)]
    pub output: Output,
    #[serde(default)]
    pub markdown: Markdown,
    #[serde(default)]
    pub search: Search,
    /// Languages besides `book.language`, by code.
    #[serde(default)]
    pub language: BTreeMap<String, Language>,
    #[serde(default, rename = "taxonomy")]
    pub taxonomies: Vec<Taxonomy>,
    pub matrix: Option<Matrix>,
    pub evidence: Option<Evidence>,
    #[serde(default)]
    pub check: Check,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub authors: Vec<String>,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Build {
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    #[serde(default)]
    pub html: Html,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Html {
    /// Where the site is published: `https://example.org/repo/`, or just a path such as `/repo/`.
    pub site_url: Option<String>,
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
pub const DEFAULT_REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
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
    pub fn filters_by(&self, key: &str) -> bool {
        self.filters.as_ref().is_none_or(|keys| keys.iter().any(|k| k == key))
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language's own name, shown in the language switcher.
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// Translated labels for a taxonomy, term or the matrix.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    pub title: Option<String>,
    pub label: Option<String>,
    pub description: Option<String>,
    /// `[evidence]` only: the titles of its generated lists.
    pub changes_title: Option<String>,
    pub overdue_title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// The front-matter key, e.g. `cell_types`.
    pub key: String,
    pub title: String,
    /// The URL path of the topic index, e.g. `cell-types`.
    pub path: String,
    #[serde(default)]
    pub description: String,
    /// Whether a page may take several terms (a list) or exactly one.
    #[serde(default)]
    pub multiple: bool,
    /// Whether the term order is a ranking, weakest first.
    #[serde(default)]
    pub ranked: bool,
    /// Whether sharing a term makes two articles related. Broad vocabularies (a disease shared by
    /// half the site) are better set to false: they then only break ties. Default: `multiple`.
    pub relate: Option<bool>,
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
    #[serde(default, rename = "term")]
    pub terms: Vec<Term>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// Other names readers search for the term by (lay names, brand and generic names, common
    /// misspellings); the search finds the term's page by them.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub translations: BTreeMap<String, TermTranslation>,
}

/// A term's label, description and aliases in another language.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermTranslation {
    pub label: Option<String>,
    pub description: Option<String>,
    /// The names readers of this language use; the main language's when not given.
    pub aliases: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    #[serde(default = "default_matrix_path")]
    pub path: String,
    pub title: String,
    /// Taxonomy keys for the rows and the columns.
    pub rows: String,
    pub columns: String,
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
}

fn default_matrix_path() -> String {
    "matrix".into()
}

/// `[evidence]`: the vocabularies that grade evidence, where they may be used, and the trial
/// records. The design and result vocabularies' term ids are fixed ([`crate::evidence`]); their
/// labels, descriptions and translations are the site's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Evidence {
    /// The vocabulary of study designs, weakest first (its ids: [`crate::evidence::Design`]).
    pub design: String,
    /// The vocabulary of results ([`crate::evidence::Outcome`]), shown beside every design label.
    pub result: String,
    /// The vocabulary of regulatory status, kept apart from evidence.
    pub regulatory: Option<String>,
    /// The vocabulary whose terms are health conditions (schema.org `MedicalCondition`).
    pub conditions: Option<String>,
    /// Folders of `content/` whose articles may carry these labels (those about a treatment,
    /// product or trial); empty for every folder.
    #[serde(default)]
    pub sections: Vec<String>,
    /// The folder of `content/` that holds one YAML file per trial.
    #[serde(default = "default_records")]
    pub records: String,
    /// The site path of the table of every trial.
    #[serde(default = "default_trials_path")]
    pub trials_path: String,
    #[serde(default = "default_trials_title")]
    pub trials_title: String,
    /// A record whose status was last checked longer ago than this is reported by `check`.
    #[serde(default = "default_stale_months")]
    pub stale_after_months: u32,
    /// The site path of the list of changes of design, result, certainty and regulatory status.
    #[serde(default = "default_changes_path")]
    pub changes_path: String,
    #[serde(default = "default_changes_title")]
    pub changes_title: String,
    /// The site path of the list of trials whose results are overdue.
    #[serde(default = "default_overdue_path")]
    pub overdue_path: String,
    #[serde(default = "default_overdue_title")]
    pub overdue_title: String,
    /// Articles with this regulatory status show a red-flags box linking to `page`.
    pub red_flags: Option<RedFlags>,
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
}

fn default_records() -> String {
    "trials/records".into()
}

fn default_trials_path() -> String {
    "trials/all".into()
}

fn default_trials_title() -> String {
    "All trials".into()
}

fn default_stale_months() -> u32 {
    6
}

fn default_changes_path() -> String {
    "changes".into()
}

fn default_changes_title() -> String {
    "What changed".into()
}

fn default_overdue_path() -> String {
    "trials/overdue".into()
}

fn default_overdue_title() -> String {
    "Trials with overdue results".into()
}

/// `[evidence.red-flags]`: the warning shown on articles about products sold without approval.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RedFlags {
    /// A term of the regulatory vocabulary.
    pub status: String,
    /// The guide it links to, as a path inside `content/` (`guide/evaluating-clinics.md`).
    pub page: String,
}

impl Evidence {
    pub fn trials_title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.title.as_deref()).unwrap_or(&self.trials_title)
    }

    pub fn changes_title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.changes_title.as_deref()).unwrap_or(&self.changes_title)
    }

    pub fn overdue_title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.overdue_title.as_deref()).unwrap_or(&self.overdue_title)
    }

    /// Whether an article in `dir` (a folder of `content/`) may carry evidence labels.
    pub fn allows(&self, dir: &str) -> bool {
        self.sections.is_empty()
            || self
                .sections
                .iter()
                .any(|s| dir == s || dir.strip_prefix(s.as_str()).is_some_and(|r| r.starts_with('/')))
    }

    /// The vocabulary keys this table names, for "no label in a guide" checks.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        [Some(self.design.as_str()), Some(self.result.as_str()), self.regulatory.as_deref()].into_iter().flatten()
    }
}

impl Taxonomy {
    pub fn relates(&self) -> bool {
        self.relate.unwrap_or(self.multiple)
    }

    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    pub fn term_index(&self, id: &str) -> Option<usize> {
        self.terms.iter().position(|t| t.id == id)
    }

    pub fn title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.title.as_deref()).unwrap_or(&self.title)
    }

    pub fn description_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.description.as_deref()).unwrap_or(&self.description)
    }
}

impl Term {
    pub fn label_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.label.as_deref()).unwrap_or(&self.label)
    }

    pub fn description_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.description.as_deref()).unwrap_or(&self.description)
    }

    pub fn aliases_in(&self, lang: &str) -> &[String] {
        self.translations.get(lang).and_then(|t| t.aliases.as_deref()).unwrap_or(&self.aliases)
    }
}

impl Matrix {
    pub fn title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.title.as_deref()).unwrap_or(&self.title)
    }
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
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map_or((0, 0), |span| LineIndex::new(text).position(span.start));
            vec![Diagnostic::error("book.toml", line, col, e.message().trim().to_string())]
        })?;
        let problems = config.validate(text);
        if problems.is_empty() { Ok(config) } else { Err(problems) }
    }

    /// All language codes, the main language first.
    pub fn languages(&self) -> Vec<&str> {
        std::iter::once(self.book.language.as_str())
            .chain(self.language.keys().map(String::as_str).filter(|code| *code != self.book.language))
            .collect()
    }

    pub fn taxonomy(&self, key: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.key == key)
    }

    /// Every front-matter key a page may use.
    pub fn front_matter_keys(&self) -> Vec<&str> {
        FIXED_KEYS.iter().copied().chain(self.taxonomies.iter().map(|t| t.key.as_str())).collect()
    }

    fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut error = |needle: &str, message: String| {
            let (line, col) = locate(text, needle);
            problems.push(Diagnostic::error("book.toml", line, col, message));
        };
        for code in self.languages() {
            if !is_language_code(code) {
                error(code, format!("`{code}` is not a language code such as `en` or `zh`"));
            }
        }
        let mut keys = BTreeSet::new();
        let mut paths = BTreeSet::new();
        for taxonomy in &self.taxonomies {
            let key = &taxonomy.key;
            if FIXED_KEYS.contains(&key.as_str()) {
                error(&format!("\"{key}\""), format!("taxonomy key `{key}` is a built-in front-matter key"));
            }
            if !keys.insert(key.as_str()) {
                error(&format!("\"{key}\""), format!("taxonomy key `{key}` is declared twice"));
            }
            if !is_url_segment(&taxonomy.path) || !paths.insert(taxonomy.path.as_str()) {
                error(
                    &format!("\"{}\"", taxonomy.path),
                    format!("taxonomy path `{}` must be a unique, plain URL segment", taxonomy.path),
                );
            }
            let mut ids = BTreeSet::new();
            for term in &taxonomy.terms {
                if !is_url_segment(&term.id) {
                    error(&format!("\"{}\"", term.id), format!("term id `{}` must be a plain URL segment", term.id));
                }
                if !ids.insert(term.id.as_str()) {
                    error(&format!("\"{}\"", term.id), format!("term `{}` is declared twice in `{key}`", term.id));
                }
                let translated = term.translations.values().flat_map(|t| t.aliases.iter().flatten());
                if term.aliases.iter().chain(translated).any(|a| a.trim().is_empty()) {
                    error(
                        &format!("id = \"{}\"", term.id),
                        format!("term `{}` has an empty alias: remove it, or write the name readers use", term.id),
                    );
                }
            }
        }
        if let Some(evidence) = &self.evidence {
            problems.extend(self.validate_evidence(evidence, text));
        }
        for key in self.search.filters.iter().flatten() {
            if self.taxonomy(key).is_none() {
                let hint = suggest(key, self.taxonomies.iter().map(|t| t.key.as_str()));
                let (line, col) = locate(text, &format!("\"{key}\""));
                let message = format!("search filter `{key}` is not a taxonomy");
                problems.push(Diagnostic::error("book.toml", line, col, message).with_hint(hint));
            }
        }
        problems.extend(self.check_security(text));
        if let Some(matrix) = &self.matrix {
            if !is_url_segment(&matrix.path) {
                let (line, col) = locate(text, &format!("\"{}\"", matrix.path));
                let message = format!("matrix path `{}` must be a plain URL segment", matrix.path);
                problems.push(Diagnostic::error("book.toml", line, col, message));
            }
            for axis in [&matrix.rows, &matrix.columns] {
                if self.taxonomy(axis).is_none() {
                    let hint = suggest(axis, self.taxonomies.iter().map(|t| t.key.as_str()));
                    let (line, col) = locate(text, &format!("\"{axis}\""));
                    problems.push(
                        Diagnostic::error("book.toml", line, col, format!("matrix axis `{axis}` is not a taxonomy"))
                            .with_hint(hint),
                    );
                }
            }
        }
        problems
    }
}

impl Config {
    /// `[evidence]` names vocabularies that exist, whose term ids are the model's.
    fn validate_evidence(&self, evidence: &Evidence, text: &str) -> Vec<Diagnostic> {
        use crate::evidence::{Design, Outcome};
        let mut problems = Vec::new();
        let mut error = |needle: &str, message: String, hint: Option<String>| {
            let (line, col) = locate(text, needle);
            problems.push(Diagnostic::error("book.toml", line, col, message).with_hint(hint));
        };
        let keys = || self.taxonomies.iter().map(|t| t.key.as_str());
        for key in evidence.keys().chain(evidence.conditions.as_deref()) {
            if self.taxonomy(key).is_none() {
                error(
                    &format!("\"{key}\""),
                    format!("`[evidence]` names `{key}`, which is not a taxonomy"),
                    suggest(key, keys()),
                );
            }
        }
        if let Some(design) = self.taxonomy(&evidence.design) {
            let ids: Vec<&str> = design.terms.iter().map(|t| t.id.as_str()).collect();
            if !design.ranked || ids != Design::ids().collect::<Vec<_>>() {
                let expected = Design::ids().collect::<Vec<_>>().join("`, `");
                let message = format!(
                    "the design vocabulary `{}` must be `ranked = true` with the terms `{expected}`, in that order",
                    design.key
                );
                error(&format!("key = \"{}\"", design.key), message, None);
            }
        }
        if let Some(result) = self.taxonomy(&evidence.result) {
            for term in &result.terms {
                if Outcome::from_id(&term.id).is_none() {
                    let message = format!("`{}` is not a result the model knows", term.id);
                    error(&format!("\"{}\"", term.id), message, suggest(&term.id, Outcome::ids()));
                }
            }
        }
        problems
    }

    /// The settings that end up in links (`site-url`, `git-repository-url`, `edit-url-template`)
    /// must not be script URLs; the page policies must be ones browsers apply.
    fn check_security(&self, text: &str) -> Vec<Diagnostic> {
        let html = &self.output.html;
        let mut problems = Vec::new();
        let mut error = |value: &str, message: String| {
            let (line, col) = locate(text, value);
            problems.push(Diagnostic::error("book.toml", line, col, message));
        };
        let links = [
            ("site-url", &html.site_url),
            ("git-repository-url", &html.git_repository_url),
            ("edit-url-template", &html.edit_url_template),
        ];
        for (key, value) in links {
            if let Some(message) =
                value.as_deref().and_then(|v| crate::safety::url_problem(v, crate::safety::Use::Link))
            {
                error(value.as_deref().unwrap_or(key), format!("`{key}`: {message}"));
            }
        }
        if let Some(policy) = &html.content_security_policy
            && let Some(message) = crate::safety::csp::policy_problem(policy)
        {
            error(policy, format!("`content-security-policy`: {message}"));
        }
        if let Some(referrer) = &html.referrer_policy
            && !REFERRER_POLICIES.contains(&referrer.as_str())
        {
            let hint =
                suggest(referrer, REFERRER_POLICIES.iter().copied()).unwrap_or_else(|| DEFAULT_REFERRER_POLICY.into());
            error(referrer, format!("`referrer-policy` `{referrer}` is not a referrer policy; did you mean `{hint}`?"));
        }
        problems
    }
}

/// Where `needle` first appears in `text`, as (line, column); (0, 0) when it does not.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((0, 0), |offset| LineIndex::new(text).position(offset))
}

fn is_language_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A single URL path segment that cannot climb out of its folder.
pub fn is_url_segment(s: &str) -> bool {
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
            (err[0].line, err[0].message.as_str()),
            (7, "term `als` has an empty alias: remove it, or write the name readers use")
        );
    }

    #[test]
    fn empty_file_gives_defaults() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.build.build_dir, "book");
        assert_eq!(config.languages(), vec!["en"]);
    }
}
