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

pub fn lints(site: &Site, root: &Path, today: Date) -> Vec<Diagnostic> {
    let mut out = stale_records(site, root, today);
    for page in site.pages.iter().filter(|p| !p.is_index) {
        let text = std::fs::read_to_string(root.join(&page.file)).unwrap_or_default();
        out.extend(unlisted_trials(site, page, &text));
        out.extend(preprints(page, &text));
        out.extend(reading_grade(site, page, &text));
    }
    out
}

/// Each English article's summary reading grade, in page order.
pub fn page_reports(site: &Site, root: &Path) -> Vec<super::PageReport> {
    site.pages
        .iter()
        .filter(|page| !page.is_index && page.lang == "en")
        .map(|page| {
            let text = std::fs::read_to_string(root.join(&page.file)).unwrap_or_default();
            let summary = summary(&text, &site.config.check.summary_heading);
            let reading_grade =
                summary.and_then(|(_, s)| crate::readability::grade(&s)).map(|g| (g * 10.0).round() / 10.0);
            super::PageReport { page: page.file.clone(), reading_grade }
        })
        .collect()
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
pub fn summary(text: &str, heading: &str) -> Option<(usize, String)> {
    let marker = format!("## {heading}");
    let mut lines = text.lines().enumerate().skip_while(|(_, l)| l.trim() != marker);
    let (at, _) = lines.next()?;
    let body: Vec<&str> = lines.map(|(_, l)| l).take_while(|l| !l.starts_with("## ")).collect();
    Some((at + 1, body.join("\n")))
}

/// Records whose registry status can still change (a trial not yet completed, terminated or
/// withdrawn) and was last read more than `stale-after-months` ago.
fn stale_records(site: &Site, root: &Path, today: Date) -> Vec<Diagnostic> {
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
            let text = std::fs::read_to_string(root.join(&record.file)).unwrap_or_default();
            Diagnostic::warning(&record.file, line_of(&text, "status_checked"), 1, message)
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
fn preprints(page: &crate::content::Page, text: &str) -> Vec<Diagnostic> {
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
            Diagnostic::warning(&page.file, line_of(text, doi), 1, message)
        })
        .collect()
}

/// The 1-based line of the first line of `text` containing `needle`, or 1.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map_or(1, |i| i + 1)
}
