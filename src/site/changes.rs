//! What changed: every recorded change of an article's design, result, certainty or regulatory
//! status, for `/changes/` and its feed, and the trials whose results are overdue.
//!
//! In: the site model (front matter `changes:`, trial records) and the day of the build. Out:
//! changes newest first and overdue trials, as plain values for the renderers and feeds.

use super::Site;
use super::ids::{PageId, TrialId};
use crate::content::front_matter::ChangedField;
use jiff::civil::Date;

/// One change of one article.
pub(crate) struct ChangeItem<'a> {
    pub page: PageId,
    pub date: Date,
    /// `evidence`, `result`, `certainty` or `regulatory`.
    pub field: &'static str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub why: &'a str,
}

/// The changes of the articles a reader of `lang` sees, newest first.
pub(crate) fn changes<'a>(site: &'a Site, lang: &str) -> Vec<ChangeItem<'a>> {
    let mut items: Vec<ChangeItem<'a>> = site
        .visible(lang)
        .flat_map(|p| {
            site.pages[p].front.changes.iter().map(move |c| ChangeItem {
                page: p,
                date: c.date,
                field: field_name(c.field),
                from: c.from.as_deref(),
                to: &c.to,
                why: &c.why,
            })
        })
        .collect();
    items.sort_by(|a, b| b.date.cmp(&a.date).then(site.pages[a.page].title().cmp(site.pages[b.page].title())));
    items
}

pub(crate) fn field_name(field: ChangedField) -> &'static str {
    match field {
        ChangedField::Evidence => "evidence",
        ChangedField::Result => "result",
        ChangedField::Certainty => "certainty",
        ChangedField::Regulatory => "regulatory",
    }
}

/// The site path of `/changes/` (without a language prefix), when the site grades evidence.
pub(crate) fn changes_path(site: &Site) -> Option<String> {
    Some(format!("{}/", site.config.evidence.as_ref()?.changes_path.trim_matches('/')))
}

/// Records whose results are overdue on `today`, with how many months, longest first.
pub(crate) fn overdue(site: &Site, today: Date) -> Vec<(TrialId, i32)> {
    let mut late: Vec<(TrialId, i32)> =
        site.trials.iter_ids().filter_map(|(t, r)| Some((t, r.months_overdue(today)?))).collect();
    late.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    late
}
