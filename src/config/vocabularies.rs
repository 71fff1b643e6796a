//! The controlled vocabularies of `book.toml`: `[[taxonomy]]` tables with their terms, and the
//! `[matrix]` that crosses two of them.
//!
//! In: their TOML tables. Out: typed [`Taxonomy`], [`Term`] and [`Matrix`], with their labels in
//! each language.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Translated labels for a taxonomy, term or the matrix.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    pub title: Option<String>,
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

impl Taxonomy {
    pub(crate) fn relates(&self) -> bool {
        self.relate.unwrap_or(self.multiple)
    }

    pub(crate) fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    pub(crate) fn term_index(&self, id: &str) -> Option<usize> {
        self.terms.iter().position(|t| t.id == id)
    }

    pub(crate) fn title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.title.as_deref()).unwrap_or(&self.title)
    }

    pub(crate) fn description_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.description.as_deref()).unwrap_or(&self.description)
    }
}

impl Term {
    pub(crate) fn label_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.label.as_deref()).unwrap_or(&self.label)
    }

    pub(crate) fn description_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.description.as_deref()).unwrap_or(&self.description)
    }

    pub(crate) fn aliases_in(&self, lang: &str) -> &[String] {
        self.translations.get(lang).and_then(|t| t.aliases.as_deref()).unwrap_or(&self.aliases)
    }
}

impl Matrix {
    pub(crate) fn title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.title.as_deref()).unwrap_or(&self.title)
    }
}
