//! Checks a parsed front matter against `book.toml`: required keys, vocabularies, identifiers.
//!
//! In: a parsed [`FrontMatter`] (with the places of its keys and values) and the config. Out:
//! every problem found, each at the offending key or value, with a hint where a near match exists.

use super::front_matter::{FrontMatter, Pos, Terms};
use crate::config::{Config, Evidence, Taxonomy, is_url_segment};
use crate::diagnostics::{Diagnostic, suggest};
use crate::evidence::Design;
use std::collections::BTreeMap;
use std::path::Path;

/// The trial records' ids and design rungs, for checking the pages that cite them. A record that
/// failed to load is known by its id with no design, so that its own error is the only one.
pub(crate) type TrialDesigns = BTreeMap<String, Option<Design>>;

/// Where a page stands: its folder, whether it is a section's `_index.md`, and the trial records
/// it may cite (`None` skips the checks that need them, for a body-only reload).
pub(crate) struct Place<'a> {
    pub dir: &'a str,
    pub is_index: bool,
    pub trials: Option<&'a TrialDesigns>,
}

pub(crate) fn front_matter(file: &Path, fm: &FrontMatter, config: &Config, place: &Place<'_>) -> Vec<Diagnostic> {
    let is_index = place.is_index;
    let mut out = Vec::new();
    let at = |key: &str, value: Option<&str>| at(fm, key, value, 0);
    let error = |(line, col): Pos, message: String| Diagnostic::error(file, line, col, message);

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
        let ids = terms.ids();
        for (i, id) in ids.iter().enumerate() {
            if taxonomy.term(id).is_none() {
                let hint = suggest(id, taxonomy.terms.iter().map(|t| t.id.as_str()));
                let message = format!("unknown {} `{id}`", singular(taxonomy));
                let nth = ids[..i].iter().filter(|other| *other == id).count();
                out.push(error(self::at(fm, key, Some(id), nth), message).with_hint(hint));
            }
        }
    }
    if let Some(evidence) = &config.evidence {
        out.extend(check_evidence(file, fm, evidence, place));
    }
    check_references(fm, &mut |key, value, message, is_error| {
        let (line, col) = self::at(fm, key, value.map(|(value, _)| value), value.map_or(0, |(_, nth)| nth));
        out.push(if is_error {
            Diagnostic::error(file, line, col, message)
        } else {
            Diagnostic::warning(file, line, col, message)
        });
    });
    out
}

/// Where `key`, or the `nth` (from 0) `value` under it, is written.
fn at(fm: &FrontMatter, key: &str, value: Option<&str>, nth: usize) -> Pos {
    match value {
        Some(value) => fm.positions.value(key, value, nth),
        None => fm.positions.key(key),
    }
}

/// An identifier field, what it should look like, and the test for it.
type IdentifierCheck<'a> = (&'a Option<String>, &'static str, fn(&str) -> bool);

/// Reports a problem at a key, or at the `nth` place of one of its values: (key, (value, nth),
/// message, whether it is an error).
type Report<'a> = dyn FnMut(&str, Option<(&str, usize)>, String, bool) + 'a;

fn check_references(fm: &FrontMatter, report: &mut Report<'_>) {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for reference in &fm.references {
        let title = reference.title.as_str();
        if let Some(id) = &reference.id {
            let seen = ids.entry(id.as_str()).or_default();
            if *seen > 0 {
                report("references", Some((id, *seen)), format!("reference id `{id}` is used twice"), true);
            }
            *seen += 1;
        }
        if !reference.has_identifier() && reference.url.is_none() {
            report(
                "references",
                Some((title, 0)),
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
                report("references", Some((value, 0)), format!("`{value}` is not a valid {what}"), true);
            }
        }
    }
}

/// The evidence model's rules for one page: labels only where `[evidence] sections` allows them,
/// a design never without its result, trials that exist, no stronger claim than the studies cited,
/// and a regulatory status that matches its history.
fn check_evidence(file: &Path, fm: &FrontMatter, evidence: &Evidence, place: &Place<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let error = |key: &str, value: Option<&str>, message: String| {
        let (line, col) = at(fm, key, value, 0);
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
            if fm.trials.iter().any(|id| trials.get(id).is_some_and(Option::is_none)) {
                return out;
            }
            let cited = fm.trials.iter().filter_map(|id| Some((trials.get(id).copied()??, id.as_str())));
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
    if let Some(certainty) = &fm.certainty {
        if !allowed {
            out.push(error(
                "certainty",
                None,
                "`certainty` is for articles about a treatment, product or trial".into(),
            ));
        } else if !certainty.level.worded_in(&certainty.finding) {
            let message = format!(
                "the finding is not worded at `{}` certainty: GRADE's wording is {}",
                certainty.level.id(),
                match certainty.level {
                    crate::evidence::Certainty::VeryLow => "\"the evidence is very uncertain about ...\"",
                    crate::evidence::Certainty::Low => "\"X may ...\"",
                    crate::evidence::Certainty::Moderate => "\"X probably ...\"",
                    crate::evidence::Certainty::High => "a plain statement (\"X reduces ...\")",
                }
            );
            out.push(error("certainty", Some("finding"), message));
        }
    }
    for event in &fm.regulatory_history {
        let Some(id) = &event.reference else { continue };
        if !fm.references.iter().any(|r| r.id.as_ref() == Some(id)) {
            let hint = suggest(id, fm.references.iter().filter_map(|r| r.id.as_deref()));
            let message = format!("`regulatory_history` cites `{id}`, which is not a reference of this page");
            out.push(error("regulatory_history", Some(id), message).with_hint(hint));
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
