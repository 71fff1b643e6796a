//! Checks a parsed front matter against `book.toml`: required keys, vocabularies, identifiers.
//!
//! In: the split file, its [`FrontMatter`] and the config. Out: every problem found, each at the
//! line of the offending key or value, with a hint where a near match exists.

use super::front_matter::{FrontMatter, Split, TRIAL_PHASES, TRIAL_STATUSES, Terms, locate};
use crate::config::{Config, Taxonomy, is_url_segment};
use crate::diagnostics::{Diagnostic, suggest};
use std::collections::BTreeSet;
use std::path::Path;

pub fn front_matter(
    file: &Path,
    split: &Split<'_>,
    fm: &FrontMatter,
    config: &Config,
    is_index: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |key: &str, value: Option<&str>| locate(split, key, value);
    let error = |(line, col): (usize, usize), message: String| Diagnostic::error(file, line, col, message);

    for key in &fm.unknown_keys {
        let hint = suggest(key, config.front_matter_keys());
        out.push(error(at(key, None), format!("unknown front-matter key `{key}`")).with_hint(hint));
    }
    if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        out.push(error((1, 1), "missing `title`: every page needs a title".into()));
    }
    if !is_index && fm.description.as_deref().is_none_or(|t| t.trim().is_empty()) {
        out.push(error((1, 1), "missing `description`: give the page a one-sentence description".into()));
    }
    if let Some(slug) = &fm.slug
        && !is_url_segment(slug)
    {
        out.push(error(
            at("slug", None),
            format!("slug `{slug}` must be one URL segment, without `/`, `\\`, `%` or `..`"),
        ));
    }
    for (key, terms) in &fm.terms {
        let Some(taxonomy) = config.taxonomy(key) else { continue };
        if !taxonomy.multiple && terms.ids().len() > 1 {
            out.push(error(at(key, None), format!("`{key}` takes one term, not a list")));
        }
        if let Terms::Many(ids) = terms
            && ids.is_empty()
        {
            continue;
        }
        for id in terms.ids() {
            if taxonomy.term(id).is_none() {
                let hint = suggest(id, taxonomy.terms.iter().map(|t| t.id.as_str()));
                let message = format!("unknown {} `{id}`", singular(taxonomy));
                out.push(error(at(key, Some(id)), message).with_hint(hint));
            }
        }
    }
    check_references(fm, &mut |key, value, message, is_error| {
        let (line, col) = at(key, value);
        out.push(if is_error {
            Diagnostic::error(file, line, col, message)
        } else {
            Diagnostic::warning(file, line, col, message)
        });
    });
    out
}

/// An identifier field, what it should look like, and the test for it.
type IdentifierCheck<'a> = (&'a Option<String>, &'static str, fn(&str) -> bool);

type Report<'a> = dyn FnMut(&str, Option<&str>, String, bool) + 'a;

fn check_references(fm: &FrontMatter, report: &mut Report<'_>) {
    let mut ids = BTreeSet::new();
    for reference in &fm.references {
        let title = reference.title.as_str();
        if let Some(id) = &reference.id
            && !ids.insert(id.as_str())
        {
            report("references", Some(id), format!("reference id `{id}` is used twice"), true);
        }
        if !reference.has_identifier() && reference.url.is_none() {
            report(
                "references",
                Some(title),
                format!("reference \"{title}\" has no identifier (pmid, doi, nct, isrctn or url)"),
                false,
            );
        }
        let checks: [IdentifierCheck<'_>; 4] = [
            (&reference.pmid, "PMID (digits only)", |v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())),
            (&reference.doi, "DOI (starting `10.`)", |v| v.starts_with("10.") && v.contains('/')),
            (&reference.nct, "NCT id (`NCT` and 8 digits)", |v| {
                v.len() == 11 && v.starts_with("NCT") && v[3..].bytes().all(|b| b.is_ascii_digit())
            }),
            (&reference.isrctn, "ISRCTN id (`ISRCTN` and digits)", |v| {
                v.len() > 6 && v.starts_with("ISRCTN") && v[6..].bytes().all(|b| b.is_ascii_digit())
            }),
        ];
        for (value, what, valid) in checks {
            if let Some(value) = value
                && !valid(value)
            {
                report("references", Some(value), format!("`{value}` is not a valid {what}"), true);
            }
        }
    }
    for trial in &fm.trials {
        for (value, allowed, what) in
            [(&trial.phase, TRIAL_PHASES, "trial phase"), (&trial.status, TRIAL_STATUSES, "trial status")]
        {
            if let Some(value) = value
                && !allowed.contains(&value.as_str())
            {
                let hint = suggest(value, allowed.iter().copied()).unwrap_or_else(|| allowed.join("`, `"));
                report("trials", Some(value), format!("unknown {what} `{value}`; expected `{hint}`"), true);
            }
        }
    }
}

/// "Cell types" -> "cell type", for messages such as "unknown cell type `x`".
fn singular(taxonomy: &Taxonomy) -> String {
    let title = taxonomy.title.to_lowercase();
    match title.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => title.strip_suffix('s').map_or(title.clone(), str::to_string),
    }
}
