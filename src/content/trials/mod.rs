//! Trial records: one YAML file per registered trial, under the records folder of `book.toml`'s
//! `[evidence]` (`content/trials/records/NCT03280056.yaml`).
//!
//! In: a record file's text and the config. Out: a typed [`TrialRecord`] (every key checked, its
//! terms checked against the vocabularies), or problems at `path:line:col`. Pages refer to records
//! by id; every number a generated table, badge or JSON-LD shows about a trial comes from here.

mod parse;

use super::front_matter::{Positions, Reference, Split, Terms};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, suggest};
use crate::evidence::{Blinding, Control, Design, Outcome, Phase, Status, StudyKind};
use jiff::civil::Date;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One registered trial (or, with a `local-` id, one unregistered study).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrialRecord {
    /// The file it was read from, relative to the site root.
    pub file: PathBuf,
    /// The record's id: a registry id (`NCT03280056`) or `local-` and a slug.
    pub id: String,
    /// The trial's ids in other registries (`other_ids`).
    pub other_ids: Vec<String>,
    /// The trial's name (`name`).
    pub name: String,
    /// The trial's phase (`phase`).
    pub phase: Phase,
    /// How the study is designed (`design`).
    pub design: StudyDesign,
    /// How many participants it planned and enrolled (`enrolment`).
    pub enrolment: Enrolment,
    /// Who took part (`population`).
    pub population: Option<String>,
    /// The treatment tested (`product`).
    pub product: Option<String>,
    /// Who runs or pays for the trial (`sponsor`).
    pub sponsor: Option<String>,
    /// Where the trial runs (`countries`).
    pub countries: Vec<String>,
    /// When the trial started (`start`).
    pub start: Option<MonthDate>,
    /// When the trial ended or is expected to end (`completion`).
    pub completion: Option<MonthDate>,
    /// The trial's status on its registry (`status`).
    pub status: Status,
    /// The day the status was last checked on the registry (`status_checked`).
    pub status_checked: Date,
    /// The main outcome the trial measures (`primary_endpoint`).
    pub primary_endpoint: Option<String>,
    /// What the trial found, in one word (`result`).
    pub result: Outcome,
    /// What the trial found, in a few words (`result_summary`).
    pub result_summary: Option<String>,
    /// Whether results are posted on the registry (`results_posted`).
    pub results_posted: bool,
    /// The result rests on the sponsor's own report (a press release, a conference talk), with no
    /// peer-reviewed paper.
    pub sponsor_reported: bool,
    /// Papers that report the trial (`publications`).
    pub publications: Vec<Reference>,
    /// The harms the trial reported (`harms`).
    pub harms: Option<String>,
    /// Vocabulary key -> terms (`cell_types`, `diseases` ...), as in front matter.
    pub terms: BTreeMap<String, Terms>,
    /// Language -> the record's words in that language.
    pub translations: BTreeMap<String, RecordText>,
    /// Where its keys and values are written.
    pub positions: Positions,
}

/// The words of a record, translated: each one falls back to the original's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordText {
    /// The trial's name.
    pub name: Option<String>,
    /// Who took part.
    pub population: Option<String>,
    /// The treatment tested.
    pub product: Option<String>,
    /// The main outcome the trial measures.
    pub primary_endpoint: Option<String>,
    /// What the trial found, in a few words.
    pub result_summary: Option<String>,
    /// The harms the trial reported.
    pub harms: Option<String>,
}

/// How a study is designed: a record's `design:` mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StudyDesign {
    /// Interventional or observational (`kind`; interventional when left out).
    #[serde(default = "interventional")]
    pub kind: StudyKind,
    /// Whether participants were assigned to groups at random (`randomised`).
    pub randomised: bool,
    /// Who did not know which group a participant was in (`blinding`).
    pub blinding: Blinding,
    /// What the treatment was compared with (`control`).
    pub control: Control,
}

fn interventional() -> StudyKind {
    StudyKind::Interventional
}

/// How many participants a trial has: a record's `enrolment:` mapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    /// The number the trial planned to enrol (`planned`).
    pub planned: Option<u32>,
    /// The number it did enrol (`actual`).
    pub actual: Option<u32>,
}

impl TrialRecord {
    /// The rung of the design ladder this study stands on.
    pub(crate) fn design_rung(&self) -> Design {
        Design::of(self.design.kind, self.design.randomised, self.design.control)
    }

    /// A text field in `lang`: its translation where there is one, else the original.
    pub(crate) fn text<'a>(
        &'a self,
        lang: &str,
        field: impl Fn(&'a RecordText) -> Option<&'a String>,
        original: Option<&'a str>,
    ) -> Option<&'a str> {
        self.translations.get(lang).and_then(field).map(String::as_str).or(original)
    }

    /// The number of participants to show: actual enrolment, else the planned one.
    pub(crate) fn size(&self) -> Option<u32> {
        self.enrolment.actual.or(self.enrolment.planned)
    }

    /// How many whole months results have been overdue on `today`: completed more than 12
    /// months ago, with neither results on the registry nor a publication.
    pub(crate) fn months_overdue(&self, today: Date) -> Option<i32> {
        if self.status != Status::Completed || self.results_posted || !self.publications.is_empty() {
            return None;
        }
        let due = self.completion?.latest_day().checked_add(jiff::ToSpan::months(12)).ok()?;
        let since = due.until((jiff::Unit::Month, today)).ok()?.get_months();
        (today > due).then_some(since.max(1))
    }

    /// The registry page of the id, where the id names a registry.
    pub(crate) fn registry_url(&self) -> Option<String> {
        registry_url(&self.id)
    }
}

/// The public page of a registry id: ClinicalTrials.gov, ISRCTN, ChiCTR, EU CTR/CTIS, jRCT.
pub(crate) fn registry_url(id: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if id.len() == 11 && id.starts_with("NCT") && digits(&id[3..]) {
        Some(format!("https://clinicaltrials.gov/study/{id}"))
    } else if let Some(n) = id.strip_prefix("ISRCTN").filter(|n| digits(n)) {
        Some(format!("https://www.isrctn.com/ISRCTN{n}"))
    } else if id.starts_with("ChiCTR") {
        Some(format!("https://www.chictr.org.cn/searchprojEN.html?regno={id}"))
    } else if id.starts_with("jRCT") {
        Some(format!("https://jrct.niph.go.jp/en-latest-detail/{id}"))
    } else {
        id.strip_prefix("EudraCT-")
            .map(|n| format!("https://www.clinicaltrialsregister.eu/ctr-search/search?query={n}"))
    }
}

/// Whether `id` can name a record file: a registry id or `local-` and a slug.
fn is_record_id(id: &str) -> bool {
    let plain = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plain && (registry_url(id).is_some() || id.strip_prefix("local-").is_some_and(|rest| !rest.is_empty()))
}

/// A date known to the month or to the day, as registries give them: `2017-08` or `2017-08-15`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDate {
    /// The year.
    pub year: i16,
    /// The month, 1 to 12.
    pub month: i8,
    /// The day of the month, when it is known.
    pub day: Option<i8>,
}

impl MonthDate {
    /// Years as a number (mid-month when the day is unknown), for drawing on a time axis.
    pub(crate) fn as_year(self) -> f64 {
        let day = self.day.map_or(15.0, f64::from);
        f64::from(self.year) + (f64::from(self.month) - 1.0 + (day - 1.0) / 31.0) / 12.0
    }

    /// The last day this date can stand for.
    pub(crate) fn latest_day(self) -> Date {
        match self.day {
            Some(day) => Date::new(self.year, self.month, day).unwrap_or_default(),
            None => Date::new(self.year, self.month, 1).map(|d| d.last_of_month()).unwrap_or_default(),
        }
    }
}

impl fmt::Display for MonthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl Serialize for MonthDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bad = || de::Error::custom(format!("invalid date `{text}`: write YYYY-MM or YYYY-MM-DD"));
        let parts: Vec<&str> = text.split('-').collect();
        fn number(s: &str, len: usize) -> Option<&str> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
        }
        let (year, month) = match parts.as_slice() {
            [y, m] | [y, m, _] => (number(y, 4).ok_or_else(bad)?, number(m, 2).ok_or_else(bad)?),
            _ => return Err(bad()),
        };
        let year: i16 = year.parse().map_err(|_| bad())?;
        let month: i8 = month.parse().map_err(|_| bad())?;
        let day = match parts.get(2) {
            Some(day) => Some(number(day, 2).and_then(|d| d.parse::<i8>().ok()).ok_or_else(bad)?),
            None => None,
        };
        Date::new(year, month, day.unwrap_or(1)).map_err(|_| bad())?;
        Ok(MonthDate { year, month, day })
    }
}

/// The largest record file read: a trial's facts fit in a few kilobytes, and a file far larger is
/// a mistake (or an attack) that should not hold the build.
const MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// Reads and checks one record file. `path` is absolute; diagnostics name it from `root`.
pub(crate) fn load(root: &Path, path: &Path, config: &Config) -> Result<TrialRecord, Vec<Diagnostic>> {
    let file = crate::diagnostics::display_path(root, path);
    let one = |line, col, message: String| vec![Diagnostic::error(&file, line, col, message)];
    let size = std::fs::metadata(path).map_err(|e| one(0, 0, format!("cannot read: {e}")))?.len();
    if size > MAX_RECORD_BYTES {
        return Err(one(
            1,
            1,
            format!(
                "a trial record is at most 1 MiB; this one is {} KiB: split it or remove what is not the trial's",
                size / 1024
            ),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| one(0, 0, format!("cannot read: {e}")))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    from_text(file, &stem, &text, config)
}

/// Parses and checks the text of a record file named `stem` (its id); `file` names it in
/// diagnostics.
pub fn from_text(file: PathBuf, stem: &str, text: &str, config: &Config) -> Result<TrialRecord, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n");
    let split = Split { yaml: &text, yaml_line: 1, body: "", body_line: 1 };
    let raw = parse::parse(&split, config).map_err(|p| vec![p.error_in(&file)])?;
    let record = raw.into_record(file.clone(), &split).map_err(|p| vec![p.error_in(&file)])?;
    let problems = check(&record, stem, config);
    if problems.iter().any(Diagnostic::is_error) { Err(problems) } else { Ok(record) }
}

/// The checks that need the whole record and the config: its id, its terms, its publications.
fn check(record: &TrialRecord, stem: &str, config: &Config) -> Vec<Diagnostic> {
    let file = &record.file;
    let at = &record.positions;
    let mut out = Vec::new();
    if record.id != stem {
        let (line, col) = at.value("id", &record.id, 0);
        let message = format!("record id `{}` differs from its file name `{stem}.yaml`: rename one", record.id);
        out.push(Diagnostic::error(file, line, col, message));
    }
    if !is_record_id(&record.id) {
        let (line, col) = at.key("id");
        let message = format!(
            "`{}` is not a registry id (NCT..., ISRCTN..., ChiCTR..., jRCT..., EudraCT-...) or a local id \
             (`local-` and a name)",
            record.id
        );
        out.push(Diagnostic::error(file, line, col, message));
    }
    for (key, terms) in &record.terms {
        let Some(taxonomy) = config.taxonomy(key) else { continue };
        let ids = terms.ids();
        for (i, id) in ids.iter().enumerate() {
            if taxonomy.term(id).is_none() {
                let (line, col) = at.value(key, id, ids[..i].iter().filter(|other| *other == id).count());
                let hint = suggest(id, taxonomy.terms.iter().map(|t| t.id.as_str()));
                out.push(Diagnostic::error(file, line, col, format!("unknown term `{id}` in `{key}`")).with_hint(hint));
            }
        }
    }
    for reference in &record.publications {
        if let Some(url) = &reference.url
            && let Some(message) = crate::safety::url_problem(url, crate::safety::Use::Link)
        {
            let (line, col) = at.value("publications", url, 0);
            out.push(Diagnostic::error(file, line, col, format!("`publications`: {message}")));
        }
        if !reference.has_identifier() && reference.url.is_none() {
            let (line, col) = at.value("publications", &reference.title, 0);
            let message =
                format!("publication \"{}\" has no identifier (pmid, doi, nct, isrctn or url)", reference.title);
            out.push(Diagnostic::error(file, line, col, message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "[[taxonomy]]\nkey = \"diseases\"\ntitle = \"Diseases\"\npath = \"diseases\"\n\
                          [[taxonomy.term]]\nid = \"als\"\nlabel = \"ALS\"\n";

    const RECORD: &str = "id: NCT03280056\nname: NurOwn phase 3\nphase: phase-3\n\
                          design: {randomised: true, blinding: double, control: placebo}\n\
                          status: completed\nstatus_checked: 2026-12-05\nresult: primary-missed\n\
                          start: 2017-08\ndiseases: [als]\n";

    fn load_text(name: &str, text: &str) -> Result<TrialRecord, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load(dir.path(), &path, &Config::parse(CONFIG).unwrap())
    }

    #[test]
    fn a_record_reads_with_its_design_rung() {
        let record = load_text("NCT03280056.yaml", RECORD).unwrap();
        assert_eq!(record.design_rung(), Design::RandomisedTrial);
        assert_eq!(record.start.map(|d| d.to_string()).as_deref(), Some("2017-08"));
    }

    #[test]
    fn bad_values_are_reported_where_they_are_written() {
        let err = load_text("NCT03280056.yaml", &RECORD.replace("phase: phase-3", "phase: phase-9")).unwrap_err();
        assert_eq!((err[0].line, err[0].message.contains("phase-9")), (3, true), "{err:?}");
        let err = load_text("NCT03280056.yaml", &RECORD.replace("[als]", "[alz]")).unwrap_err();
        assert_eq!(err[0].line, 9, "{err:?}");
        assert!(err[0].message.ends_with("did you mean `als`?"), "{}", err[0].message);
        let err = load_text("NCT03280056.yaml", &format!("{RECORD}sponser: x\n")).unwrap_err();
        assert_eq!(err[0].line, 10, "{err:?}");
        assert!(err[0].message.contains("did you mean `sponsor`?"), "{}", err[0].message);
        let err = load_text("NCT03280057.yaml", RECORD).unwrap_err();
        assert!(err[0].message.contains("differs from its file name"), "{}", err[0].message);
        let err = load_text("NCT03280056.yaml", &RECORD.replace("start: 2017-08", "start: 2017-13")).unwrap_err();
        assert_eq!(err[0].line, 8, "{err:?}");
    }
}
