//! The review's mechanical checks: what an editor re-checking the atlas would otherwise do by
//! hand at every review.
//!
//! In: the site model and today's date. Out: warnings for trial records whose status was last
//! read too long ago, plain-language summaries above the reading grade `book.toml` sets, prose
//! that names a trial with a record without listing it (so its facts could drift from the
//! record), and preprints cited where a journal version may exist.

use crate::diagnostics::Diagnostic;
use crate::site::Site;
use jiff::ToSpan;
use jiff::civil::Date;
use std::path::Path;

pub(crate) fn lints(site: &Site, root: &Path, today: Date) -> Vec<Diagnostic> {
    let mut out = stale_records(site, today);
    for page in site.pages.iter().filter(|p| !p.is_index) {
        let text = std::fs::read_to_string(root.join(&page.file)).unwrap_or_default();
        out.extend(unlisted_trials(site, page, &text));
        out.extend(preprints(page));
        out.extend(reading_grade(site, page, &text));
    }
    out
}

/// Each page of the main language: its summary's reading grade (English articles) and the
/// state of its translation into each other language.
pub(crate) fn page_reports(site: &Site, root: &Path) -> Vec<super::PageReport> {
    let main = site.default_lang();
    site.pages
        .iter()
        .filter(|page| page.lang == main)
        .map(|page| {
            let text = std::fs::read_to_string(root.join(&page.file)).unwrap_or_default();
            let summary = summary(&text, &site.config.check.summary_heading).filter(|_| main == "en" && !page.is_index);
            let reading_grade =
                summary.and_then(|(_, s)| crate::readability::grade(&s)).map(|g| (g * 10.0).round() / 10.0);
            let translations = site
                .languages()
                .iter()
                .skip(1)
                .map(|lang| (lang.to_string(), translation_state(site, page, lang)))
                .collect();
            super::PageReport { page: page.file.clone(), reading_grade, translations }
        })
        .collect()
}

/// `current`, `outdated` or `unmarked` for a translation of `page` into `lang`; `missing` when
/// there is none.
fn translation_state(site: &Site, page: &crate::content::Page, lang: &str) -> String {
    use crate::translations::State;
    let state = site.translation(&page.key, lang).and_then(|q| crate::translations::state(site, q));
    match state.map(|(s, _)| s) {
        Some(State::Current) => "current",
        Some(State::Outdated) => "outdated",
        Some(State::Unmarked) => "unmarked",
        None => "missing",
    }
    .to_string()
}

/// The "In brief" summary of an English page above the reading grade `[check] reading-grade` sets.
fn reading_grade(site: &Site, page: &crate::content::Page, text: &str) -> Option<Diagnostic> {
    let limit = site.config.check.reading_grade?;
    let (line, summary) = summary(text, &site.config.check.summary_heading)?;
    let grade = crate::readability::grade(&summary)?;
    (page.lang == "en" && grade > limit).then(|| {
        let message = format!(
            "the summary reads at grade {grade:.1} (Flesch-Kincaid), above {limit}: use shorter sentences and everyday \
             words"
        );
        Diagnostic::warning(&page.file, line, 1, message)
    })
}

/// The section under the summary heading (`## In brief`), and the heading's line.
pub(crate) fn summary(text: &str, heading: &str) -> Option<(usize, String)> {
    let marker = format!("## {heading}");
    let mut lines = text.lines().enumerate().skip_while(|(_, l)| l.trim() != marker);
    let (at, _) = lines.next()?;
    let body: Vec<&str> = lines.map(|(_, l)| l).take_while(|l| !l.starts_with("## ")).collect();
    Some((at + 1, body.join("\n")))
}

/// Records whose registry status can still change (a trial not yet completed, terminated or
/// withdrawn) and was last read more than `stale-after-months` ago.
fn stale_records(site: &Site, today: Date) -> Vec<Diagnostic> {
    let Some(evidence) = &site.config.evidence else { return Vec::new() };
    let months = i64::from(evidence.stale_after_months);
    let Ok(limit) = today.checked_sub(months.months()) else { return Vec::new() };
    site.trials
        .iter()
        .filter(|record| !record.status.is_over() && record.status_checked < limit)
        .map(|record| {
            let message = format!(
                "status last checked on {}, more than {months} months ago: read the registry record again and update \
                 `status` and `status_checked`",
                record.status_checked
            );
            let (line, col) = record.positions.key("status_checked");
            Diagnostic::warning(&record.file, line, col, message)
        })
        .collect()
}

/// A page that names a trial id in its text that has a record, without listing it in `trials:`:
/// its numbers are then typed by hand and can disagree with the record's.
fn unlisted_trials(site: &Site, page: &crate::content::Page, text: &str) -> Vec<Diagnostic> {
    let Some(evidence) = &site.config.evidence else { return Vec::new() };
    if !evidence.allows(&page.dir) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for record in &site.trials {
        if page.front.trials.contains(&record.id) {
            continue;
        }
        if let Some(offset) = body_mention(text, &record.id) {
            let line = text[..offset].lines().count().max(1);
            let message = format!(
                "the text names {} but `trials:` does not list it: add it, so its facts come from its record",
                record.id
            );
            out.push(Diagnostic::warning(&page.file, line, 1, message));
        }
    }
    out
}

/// Where `id` first stands in the body (after the front matter) as a word of its own.
fn body_mention(text: &str, id: &str) -> Option<usize> {
    let body_start = text.match_indices("\n---").next().map_or(0, |(i, _)| i + 4);
    let body = &text[body_start..];
    body.match_indices(id)
        .find(|(i, _)| !body[i + id.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        .map(|(i, _)| body_start + i)
}

/// DOI prefixes of preprint servers: bioRxiv and medRxiv, Research Square, SSRN, Preprints.org,
/// arXiv.
const PREPRINT_DOIS: &[&str] = &["10.1101/", "10.21203/", "10.2139/", "10.20944/", "10.48550/"];

/// References to a preprint that do not say they are one: the journal paper may exist.
fn preprints(page: &crate::content::Page) -> Vec<Diagnostic> {
    page.front
        .references
        .iter()
        .filter(|r| r.doi.as_deref().is_some_and(|doi| PREPRINT_DOIS.iter().any(|p| doi.starts_with(p))))
        .filter(|r| !r.title.to_lowercase().contains("preprint"))
        .map(|r| {
            let doi = r.doi.as_deref().unwrap_or("");
            let message = format!(
                "reference `{}` is a preprint (doi:{doi}): cite the peer-reviewed paper if it has been published, \
                 or say \"preprint\" in its title",
                r.id.as_deref().unwrap_or(&r.title)
            );
            let (line, col) = page.front.positions.value("references", doi, 0);
            Diagnostic::warning(&page.file, line, col, message)
        })
        .collect()
}
