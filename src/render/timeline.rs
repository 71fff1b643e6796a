//! The trials timeline's geometry: every record with a start date as a bar from its start to its
//! completion, on a year axis.
//!
//! In: the trial records. Out: a [`Timeline`] of positions in SVG user units, which
//! `trials.html` draws as an inline SVG with its title and description in the reader's language.
//! Colour is a CSS class per result (`tl-result-<id>`), so the theme sets it for light and dark;
//! each bar's `<title>` gives its result in words, so colour is never the only cue. Nothing here
//! reads the clock: two builds draw the same bytes.

use crate::content::trials::{MonthDate, TrialRecord};
use serde::Serialize;

const WIDTH: f64 = 760.0;
/// Room on the left for the trials' names.
const LABEL_WIDTH: f64 = 250.0;
const ROW: f64 = 20.0;
const TOP: f64 = 28.0;

#[derive(Serialize)]
pub(crate) struct Timeline {
    width: f64,
    height: f64,
    label_x: f64,
    years: Vec<YearMark>,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct YearMark {
    year: i32,
    x: String,
}

#[derive(Serialize)]
struct Bar {
    /// Index into the records (and the table's rows).
    trial: usize,
    x: String,
    y: String,
    width: String,
    height: String,
    text_y: String,
    ongoing: bool,
}

/// The timeline of `records` (in table order); `None` when no record has a start date.
pub(crate) fn layout(records: &[TrialRecord]) -> Option<Timeline> {
    let mut dated: Vec<usize> = (0..records.len()).filter(|&t| records[t].start.is_some()).collect();
    dated.sort_by_key(|&t| (records[t].start, t));
    let (first, last) = span(dated.iter().map(|&t| &records[t]))?;
    let height = TOP + ROW * dated.len() as f64 + 8.0;
    let x = |year: f64| LABEL_WIDTH + (year - first) / (last - first) * (WIDTH - LABEL_WIDTH - 10.0);
    let years = (first as i32..=last as i32)
        .step_by(year_step(first, last))
        .map(|year| YearMark { year, x: units(x(f64::from(year))) })
        .collect();
    let bars = dated
        .iter()
        .enumerate()
        .map(|(row, &t)| {
            let record = &records[t];
            let y = TOP + ROW * row as f64;
            let start = record.start.map_or(first, MonthDate::as_year);
            let end = record.completion.map_or(start + 0.5, MonthDate::as_year).max(start + 0.1);
            Bar {
                trial: t,
                x: units(x(start)),
                y: units(y + 3.0),
                width: units(x(end) - x(start)),
                height: units(ROW - 6.0),
                text_y: units(y + ROW * 0.65),
                ongoing: !record.status.is_over(),
            }
        })
        .collect();
    Some(Timeline { width: WIDTH, height, label_x: LABEL_WIDTH - 6.0, years, bars })
}

/// The first and last year shown: whole years around every start and completion.
fn span<'a>(records: impl Iterator<Item = &'a TrialRecord>) -> Option<(f64, f64)> {
    let dates: Vec<MonthDate> = records.flat_map(|r| [r.start, r.completion]).flatten().collect();
    let min = dates.iter().min()?;
    let max = dates.iter().max()?;
    Some((f64::from(min.year), f64::from(max.year) + 1.0))
}

/// Grid lines every year, or every few years on a long span.
fn year_step(first: f64, last: f64) -> usize {
    (((last - first) / 12.0).ceil() as usize).max(1)
}

fn units(value: f64) -> String {
    format!("{value:.1}")
}
