//! Reading a trial record's YAML: every key typed and checked where it is written.
//!
//! In: the record's text, split as front matter is. Out: a [`RawRecord`] (the required keys not
//! yet checked) with the places of its keys and values, or a problem at its line and column.

use super::{Enrolment, MonthDate, RecordText, StudyDesign, TrialRecord};
use crate::config::Config;
use crate::content::front_matter::{self, KeyLines, Positions, Reference, Split, Terms};
use crate::diagnostics::{LineIndex, Problem, suggest, with_hint};
use crate::evidence::{Outcome, Phase, Status};
use jiff::civil::Date;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The keys a record may have besides the vocabularies', in the order the docs give them.
pub(crate) const RECORD_KEYS: &[&str] = &[
    "id",
    "other_ids",
    "name",
    "phase",
    "design",
    "enrolment",
    "population",
    "product",
    "sponsor",
    "countries",
    "start",
    "completion",
    "status",
    "status_checked",
    "primary_endpoint",
    "result",
    "result_summary",
    "results_posted",
    "sponsor_reported",
    "publications",
    "harms",
    "translations",
];

/// The record as parsed, before the required keys are checked.
#[derive(Default)]
pub(super) struct RawRecord {
    id: Option<String>,
    other_ids: Vec<String>,
    name: Option<String>,
    phase: Option<Phase>,
    design: Option<StudyDesign>,
    enrolment: Enrolment,
    population: Option<String>,
    product: Option<String>,
    sponsor: Option<String>,
    countries: Vec<String>,
    start: Option<MonthDate>,
    completion: Option<MonthDate>,
    status: Option<Status>,
    status_checked: Option<Date>,
    primary_endpoint: Option<String>,
    result: Option<Outcome>,
    result_summary: Option<String>,
    results_posted: bool,
    sponsor_reported: bool,
    publications: Vec<Reference>,
    harms: Option<String>,
    terms: BTreeMap<String, Terms>,
    translations: BTreeMap<String, RecordText>,
    positions: Positions,
}

impl RawRecord {
    pub(super) fn into_record(self, file: PathBuf, split: &Split<'_>) -> Result<TrialRecord, Problem> {
        fn need<T>(value: Option<T>, key: &str, split: &Split<'_>) -> Result<T, Problem> {
            value.ok_or_else(|| {
                let line = split.yaml.lines().count().max(1);
                Problem::new(line, 1, format!("missing `{key}`: every trial record gives it"))
            })
        }
        Ok(TrialRecord {
            file,
            id: need(self.id, "id", split)?,
            name: need(self.name, "name", split)?,
            phase: need(self.phase, "phase", split)?,
            design: need(self.design, "design", split)?,
            status: need(self.status, "status", split)?,
            status_checked: need(self.status_checked, "status_checked", split)?,
            result: need(self.result, "result", split)?,
            other_ids: self.other_ids,
            enrolment: self.enrolment,
            population: self.population,
            product: self.product,
            sponsor: self.sponsor,
            countries: self.countries,
            start: self.start,
            completion: self.completion,
            primary_endpoint: self.primary_endpoint,
            result_summary: self.result_summary,
            results_posted: self.results_posted,
            sponsor_reported: self.sponsor_reported,
            publications: self.publications,
            harms: self.harms,
            terms: self.terms,
            translations: self.translations,
            positions: self.positions,
        })
    }
}

/// Parses the YAML with positions kept: each key's value is read straight from the document, so
/// an error carries the line and column where it is written.
pub(super) fn parse(split: &Split<'_>, config: &Config) -> Result<RawRecord, Problem> {
    let current_key = RefCell::new(String::new());
    let keys = RefCell::new(KeyLines::new(split.yaml));
    let taxonomy_keys: Vec<&str> = config.taxonomies.iter().map(|t| t.key.as_str()).collect();
    let visitor = RecordVisitor { taxonomy_keys: &taxonomy_keys, current_key: &current_key, keys: &keys };
    let result = front_matter::meter_aliases(split.yaml, &current_key)
        .and_then(|()| yaml_serde::Deserializer::from_str(split.yaml).deserialize_map(visitor));
    let mut record = result.map_err(|e| {
        let (line, col) = e.location().map_or((1, 1), |l| LineIndex::new(split.yaml).position(l.index()));
        let message = front_matter::strip_position(&e.to_string()).to_string();
        // Our own checks raise errors at the document's start; the key being read is better.
        let key = current_key.borrow();
        let (line, col) =
            if line == 1 { keys.borrow().current(split, &key).unwrap_or((line, col)) } else { (line, col) };
        // yaml_serde names the path itself ("phase: unknown variant ..."); other errors get the key.
        let message = if key.is_empty() || message.starts_with(&format!("{key}")) {
            message.replacen(&format!("{key}: "), &format!("`{key}`: "), 1)
        } else {
            format!("`{key}`: {message}")
        };
        Problem::new(line, col, message)
    })?;
    record.positions = keys.borrow().positions(split, |key| values_of(&record, key));
    Ok(record)
}

/// The values of `key` that diagnostics may point at, in groups (one a list item).
fn values_of<'a>(record: &'a RawRecord, key: &str) -> Vec<Vec<&'a str>> {
    match key {
        "id" => record.id.iter().map(|id| vec![id.as_str()]).collect(),
        "publications" => record.publications.iter().map(Reference::written_values).collect(),
        _ => record
            .terms
            .get(key)
            .map_or_else(Vec::new, |terms| terms.ids().iter().map(|id| vec![id.as_str()]).collect()),
    }
}

struct RecordVisitor<'a> {
    taxonomy_keys: &'a [&'a str],
    current_key: &'a RefCell<String>,
    keys: &'a RefCell<KeyLines<'a>>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = RawRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a trial record: a YAML mapping of keys such as `id: NCT01234567`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRecord, A::Error> {
        let mut r = RawRecord::default();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            self.current_key.replace(key.clone());
            self.keys.borrow_mut().read(&key);
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom("given twice"));
            }
            match key.as_str() {
                "id" => r.id = Some(map.next_value()?),
                "other_ids" => r.other_ids = map.next_value()?,
                "name" => r.name = Some(map.next_value()?),
                "phase" => r.phase = Some(map.next_value()?),
                "design" => r.design = Some(map.next_value()?),
                "enrolment" => r.enrolment = map.next_value()?,
                "population" => r.population = Some(map.next_value()?),
                "product" => r.product = Some(map.next_value()?),
                "sponsor" => r.sponsor = Some(map.next_value()?),
                "countries" => r.countries = map.next_value()?,
                "start" => r.start = Some(map.next_value()?),
                "completion" => r.completion = Some(map.next_value()?),
                "status" => r.status = Some(map.next_value()?),
                "status_checked" => {
                    r.status_checked = Some(map.next_value::<String>()?.parse().map_err(|_| {
                        de::Error::custom("invalid date: write the day the registry was read as YYYY-MM-DD")
                    })?)
                }
                "primary_endpoint" => r.primary_endpoint = Some(map.next_value()?),
                "result" => r.result = Some(map.next_value()?),
                "result_summary" => r.result_summary = Some(map.next_value()?),
                "results_posted" => r.results_posted = map.next_value()?,
                "sponsor_reported" => r.sponsor_reported = map.next_value()?,
                "publications" => r.publications = map.next_value()?,
                "harms" => r.harms = Some(map.next_value()?),
                "translations" => r.translations = map.next_value()?,
                other if self.taxonomy_keys.contains(&other) => {
                    r.terms.insert(key, map.next_value::<Terms>()?);
                }
                other => {
                    map.next_value::<IgnoredAny>()?;
                    let keys = RECORD_KEYS.iter().chain(self.taxonomy_keys).copied();
                    let message = with_hint("unknown key in a trial record".to_string(), suggest(other, keys));
                    return Err(de::Error::custom(message));
                }
            }
        }
        self.current_key.replace(String::new());
        self.keys.borrow_mut().finish();
        Ok(r)
    }
}
