//! `[evidence]` in `book.toml`: which vocabularies grade evidence, where they may be used, where
//! the trial records are, and the pages generated from them.
//!
//! In: the `[evidence]` table. Out: a typed [`Evidence`], with its titles in each language.

use super::Translation;
use serde::Deserialize;
use std::collections::BTreeMap;

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
    pub(crate) fn trials_title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.title.as_deref()).unwrap_or(&self.trials_title)
    }

    pub(crate) fn changes_title_in(&self, lang: &str) -> &str {
        self.translations.get(lang).and_then(|t| t.changes_title.as_deref()).unwrap_or(&self.changes_title)
    }

    pub(crate) fn overdue_title_in(&self, lang: &str) -> &str {
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
