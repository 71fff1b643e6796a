//! Checks a parsed front matter against `book.toml`: required keys, vocabularies, identifiers.
//!
//! In: the split file, its [`FrontMatter`] and the config. Out: every problem found, each at the
//! line of the offending key or value, with a hint where a near match exists.

use super::front_matter::{FrontMatter, Split, Terms, locate};
use crate::config::{Config, Evidence, Taxonomy, is_url_segment};
use crate::diagnostics::{Diagnostic, suggest};
use crate::evidence::Design;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The trial records' ids and design rungs, for checking the pages that cite them.
pub type TrialDesigns = BTreeMap<String, Design>;

/// Where a page stands: its folder, whether it is a section's `_index.md`, and the trial records
/// it may cite (`None` skips the checks that need them, for a body-only reload).
pub struct Place<'a> {
    pub dir: &'a str,
    pub is_index: bool,
    pub trials: Option<&'a TrialDesigns>,
}

pub fn front_matter(
    file: &Path,
    split: &Split<'_>,
    fm: &FrontMatter,
    config: &Config,
    place: &Place<'_>,
) -> Vec<Diagnostic> {
    let is_index = place.is_index;
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
    if let Some(evidence) = &config.evidence {
        out.extend(check_evidence(file, split, fm, evidence, place));
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
}

/// The evidence model's rules for one page: labels only where `[evidence] sections` allows them,
/// a design never without its result, trials that exist, no stronger claim than the studies cited,
/// and a regulatory status that matches its history.
fn check_evidence(
    file: &Path,
    split: &Split<'_>,
    fm: &FrontMatter,
    evidence: &Evidence,
    place: &Place<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let error = |key: &str, value: Option<&str>, message: String| {
        let (line, col) = locate(split, key, value);
        Diagnostic::error(file, line, col, message)
    };
    let term = |key: &str| fm.terms.get(key).and_then(|t| t.ids().first()).map(String::as_str);
    let allowed = !place.is_index && evidence.allows(place.dir);
    for key in evidence.keys().filter(|key| term(key).is_some()) {
        if !allowed {
            let message = format!(
                "`{key}` labels are for articles about a treatment, product or trial (in {}); this page is not one: \
                 remove `{key}`",
                evidence.sections.iter().map(|s| format!("`{s}/`")).collect::<Vec<_>>().join(", ")
            );
            out.push(error(key, None, message));
        }
    }
    let claim = term(&evidence.design).and_then(Design::from_id);
    if allowed && claim.is_some() && term(&evidence.result).is_none() {
        let message = format!(
            "a design label is always shown with what the evidence found: add `{}:` (for example `primary-missed`)",
            evidence.result
        );
        out.push(error(&evidence.design, None, message));
    }
    if let Some(trials) = place.trials {
        for id in &fm.trials {
            if !trials.contains_key(id) {
                let hint = suggest(id, trials.keys().map(String::as_str));
                let message = format!("unknown trial `{id}`: no record `{}/{id}.yaml`", evidence.records);
                out.push(error("trials", Some(id), message).with_hint(hint));
            }
        }
        if let Some(claim) = claim.filter(|c| allowed && *c > Design::Preclinical) {
            let cited = fm.trials.iter().filter_map(|id| Some((trials.get(id).copied()?, id.as_str())));
            let reviews = fm.references.iter().filter_map(|r| Some((r.design?, r.id.as_deref().unwrap_or(&r.title))));
            let strongest = cited.chain(reviews).max_by_key(|(design, _)| *design);
            if strongest.is_none_or(|(design, _)| design < claim) {
                let cites = strongest
                    .map_or("cites no trial record or reference with a `design`".to_string(), |(d, id)| {
                        format!("the strongest study it cites is `{}` ({id})", d.id())
                    });
                let message = format!(
                    "claims `{}` evidence, but {cites}: lower `{}` or cite the study that supports it",
                    claim.id(),
                    evidence.design
                );
                out.push(error(&evidence.design, None, message));
            }
        }
    }
    if let (Some(key), Some(last)) = (&evidence.regulatory, fm.regulatory_history.last())
        && term(key) != Some(last.status.as_str())
    {
        let message = format!(
            "`{key}` must be the status of the last `regulatory_history` event (`{}`, {})",
            last.status, last.date
        );
        out.push(error(key, None, message));
    }
    out
}

/// "Cell types" -> "cell type", for messages such as "unknown cell type `x`".
fn singular(taxonomy: &Taxonomy) -> String {
    let title = taxonomy.title.to_lowercase();
    match title.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => title.strip_suffix('s').map_or(title.clone(), str::to_string),
    }
}
