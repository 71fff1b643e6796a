//! The checks of `book.toml` that its types cannot express: unique keys, ids and paths, names
//! of taxonomies that exist, safe links and policies.
//!
//! In: a deserialized [`Config`] with its [`super::Spans`]. Out: every problem, at the place of
//! the value it is about.

use super::spans::{EvidenceKey, HtmlSetting};
use super::{Config, DEFAULT_REFERRER_POLICY, Evidence, REFERRER_POLICIES, is_url_segment};
use crate::content::front_matter::keys::is_fixed_key;
use crate::diagnostics::{Diagnostic, suggest};
use std::collections::BTreeSet;

/// A problem of `book.toml` at `(line, col)`.
fn error((line, col): (usize, usize), message: String) -> Diagnostic {
    Diagnostic::error("book.toml", line, col, message)
}

impl Config {
    pub(super) fn validate(&self) -> Vec<Diagnostic> {
        let spans = &self.spans;
        let mut problems = Vec::new();
        for code in self.languages() {
            if !is_language_code(code) {
                problems
                    .push(error(spans.language(code), format!("`{code}` is not a language code such as `en` or `zh`")));
            }
        }
        problems.extend(self.validate_taxonomies());
        if let Some(evidence) = &self.evidence {
            problems.extend(self.validate_evidence(evidence));
        }
        let taxonomy_keys = || self.taxonomies.iter().map(|t| t.key.as_str());
        for (i, key) in self.search.filters.iter().flatten().enumerate() {
            if self.taxonomy(key).is_none() {
                let message = format!("search filter `{key}` is not a taxonomy");
                problems.push(error(spans.search_filter(i), message).with_hint(suggest(key, taxonomy_keys())));
            }
        }
        problems.extend(self.check_security());
        if let Some(matrix) = &self.matrix {
            if !is_url_segment(&matrix.path) {
                let message = format!("matrix path `{}` must be a plain URL segment", matrix.path);
                problems.push(error(spans.matrix_path(), message));
            }
            for (rows, axis) in [(true, &matrix.rows), (false, &matrix.columns)] {
                if self.taxonomy(axis).is_none() {
                    let message = format!("matrix axis `{axis}` is not a taxonomy");
                    problems.push(error(spans.matrix_axis(rows), message).with_hint(suggest(axis, taxonomy_keys())));
                }
            }
        }
        problems
    }

    /// Taxonomy keys and paths, and the ids and aliases of their terms.
    fn validate_taxonomies(&self) -> Vec<Diagnostic> {
        let spans = &self.spans;
        let mut problems = Vec::new();
        let mut keys = BTreeSet::new();
        let mut paths = BTreeSet::new();
        for (t, taxonomy) in self.taxonomies.iter().enumerate() {
            let key = &taxonomy.key;
            if is_fixed_key(key) {
                problems
                    .push(error(spans.taxonomy_key(t), format!("taxonomy key `{key}` is a built-in front-matter key")));
            }
            if !keys.insert(key.as_str()) {
                problems.push(error(spans.taxonomy_key(t), format!("taxonomy key `{key}` is declared twice")));
            }
            if !is_url_segment(&taxonomy.path) || !paths.insert(taxonomy.path.as_str()) {
                let message = format!("taxonomy path `{}` must be a unique, plain URL segment", taxonomy.path);
                problems.push(error(spans.taxonomy_path(t), message));
            }
            let mut ids = BTreeSet::new();
            for (i, term) in taxonomy.terms.iter().enumerate() {
                let id = &term.id;
                if !is_url_segment(id) {
                    problems.push(error(spans.term_id(t, i), format!("term id `{id}` must be a plain URL segment")));
                }
                if !ids.insert(id.as_str()) {
                    problems.push(error(spans.term_id(t, i), format!("term `{id}` is declared twice in `{key}`")));
                }
                let translated = term.translations.values().flat_map(|t| t.aliases.iter().flatten());
                if term.aliases.iter().chain(translated).any(|a| a.trim().is_empty()) {
                    let message = format!("term `{id}` has an empty alias: remove it, or write the name readers use");
                    problems.push(error(spans.empty_alias(t, i), message));
                }
            }
        }
        problems
    }

    /// `[evidence]` names vocabularies that exist, whose term ids are the model's.
    fn validate_evidence(&self, evidence: &Evidence) -> Vec<Diagnostic> {
        use crate::evidence::{Design, Outcome};
        let spans = &self.spans;
        let mut problems = Vec::new();
        let keys = || self.taxonomies.iter().map(|t| t.key.as_str());
        let named = [
            (EvidenceKey::Design, Some(&evidence.design)),
            (EvidenceKey::Result, Some(&evidence.result)),
            (EvidenceKey::Regulatory, evidence.regulatory.as_ref()),
            (EvidenceKey::Conditions, evidence.conditions.as_ref()),
        ];
        for (field, key) in named.into_iter().filter_map(|(field, key)| Some((field, key?))) {
            if self.taxonomy(key).is_none() {
                let message = format!("`[evidence]` names `{key}`, which is not a taxonomy");
                problems.push(error(spans.evidence(field), message).with_hint(suggest(key, keys())));
            }
        }
        let index = |key: &str| self.taxonomies.iter().position(|t| t.key == key);
        if let Some(t) = index(&evidence.design) {
            let design = &self.taxonomies[t];
            let ids: Vec<&str> = design.terms.iter().map(|t| t.id.as_str()).collect();
            if !design.ranked || ids != Design::ids().collect::<Vec<_>>() {
                let expected = Design::ids().collect::<Vec<_>>().join("`, `");
                let message = format!(
                    "the design vocabulary `{}` must be `ranked = true` with the terms `{expected}`, in that order",
                    design.key
                );
                problems.push(error(spans.taxonomy_key(t), message));
            }
        }
        if let Some(t) = index(&evidence.result) {
            for (i, term) in self.taxonomies[t].terms.iter().enumerate() {
                if Outcome::from_id(&term.id).is_none() {
                    let message = format!("`{}` is not a result the model knows", term.id);
                    problems.push(error(spans.term_id(t, i), message).with_hint(suggest(&term.id, Outcome::ids())));
                }
            }
        }
        problems
    }

    /// The settings that end up in links (`site-url`, `git-repository-url`, `edit-url-template`)
    /// must not be script URLs; the page policies must be ones browsers apply.
    fn check_security(&self) -> Vec<Diagnostic> {
        let html = &self.output.html;
        let spans = &self.spans;
        let mut problems = Vec::new();
        let links = [
            ("site-url", HtmlSetting::SiteUrl, &html.site_url),
            ("git-repository-url", HtmlSetting::GitRepositoryUrl, &html.git_repository_url),
            ("edit-url-template", HtmlSetting::EditUrlTemplate, &html.edit_url_template),
        ];
        for (key, setting, value) in links {
            if let Some(message) =
                value.as_deref().and_then(|v| crate::safety::url_problem(v, crate::safety::Use::Link))
            {
                problems.push(error(spans.html(setting), format!("`{key}`: {message}")));
            }
        }
        if let Some(policy) = &html.content_security_policy
            && let Some(message) = crate::safety::csp::policy_problem(policy)
        {
            let at = spans.html(HtmlSetting::ContentSecurityPolicy);
            problems.push(error(at, format!("`content-security-policy`: {message}")));
        }
        if let Some(referrer) = &html.referrer_policy
            && !REFERRER_POLICIES.contains(&referrer.as_str())
        {
            let hint =
                suggest(referrer, REFERRER_POLICIES.iter().copied()).unwrap_or_else(|| DEFAULT_REFERRER_POLICY.into());
            let message = format!("`referrer-policy` `{referrer}` is not a referrer policy; did you mean `{hint}`?");
            problems.push(error(spans.html(HtmlSetting::ReferrerPolicy), message));
        }
        problems
    }
}

fn is_language_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
