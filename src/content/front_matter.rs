//! Front matter: the YAML block between `---` lines at the top of a Markdown file.
//!
//! In: a file's text (BOM and CRLF already removed). Out: the typed [`FrontMatter`] and the body,
//! with every line number counted in the source file, not in the YAML fragment. Keys are checked
//! while parsing, against the fixed keys and the taxonomy keys of `book.toml`.

use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;

/// The parts of a source file around its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// A problem at a position of the source file.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Problem {
    fn new(line: usize, col: usize, message: impl Into<String>) -> Self {
        Problem { line, col, message: message.into() }
    }
}

/// Splits the text at the `---` lines that open and close the front matter.
pub fn split(text: &str) -> Result<Split<'_>, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::new(
            1,
            1,
            "empty file: a page starts with `---`, its front matter (at least `title`), and `---`",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Problem::new(
            1,
            1,
            "no front matter: the file must start with a `---` line, then YAML with at least `title`, then `---`",
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(Problem::new(1, 1, "front matter is not closed: add a `---` line after the YAML"))
}

/// A reference to a source: at least one identifier links it (PubMed, doi.org, a trial registry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// A short key, cited in the text as `[@id]`.
    pub id: Option<String>,
    pub title: String,
    #[serde(default, deserialize_with = "string_or_number")]
    pub pmid: Option<String>,
    pub doi: Option<String>,
    pub nct: Option<String>,
    pub isrctn: Option<String>,
    pub url: Option<String>,
    /// The design of a cited study that has no trial record (a systematic review, say): it counts
    /// toward the strongest evidence an article may claim.
    pub design: Option<crate::evidence::Design>,
}

impl Reference {
    pub fn has_identifier(&self) -> bool {
        self.pmid.is_some() || self.doi.is_some() || self.nct.is_some() || self.isrctn.is_some()
    }
}

/// One event in a product's regulatory history: a licence granted, refused or withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatoryEvent {
    /// A term of the regulatory vocabulary (`[evidence] regulatory` in book.toml).
    pub status: String,
    /// Who decided: "US FDA", "MFDS (South Korea)".
    pub regulator: String,
    /// Known to the day or, as regulators sometimes announce, to the month.
    pub date: super::trials::MonthDate,
    pub note: Option<String>,
    /// The id of the page's reference that documents it.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

/// How sure the evidence lets us be of an article's key finding (GRADE), and why.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CertaintyNote {
    pub level: crate::evidence::Certainty,
    /// The GRADE domains that lowered it, in one line.
    pub reason: String,
    /// The key finding, in GRADE's plain-language wording for the level.
    pub finding: String,
}

/// A change of an article's design, result, certainty or regulatory status.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    #[serde(deserialize_with = "day")]
    pub date: Date,
    pub field: ChangedField,
    pub from: Option<String>,
    pub to: String,
    pub why: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangedField {
    Evidence,
    Result,
    Certainty,
    Regulatory,
}

fn day<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    Ok(DateValue::deserialize(deserializer)?.0)
}

/// The taxonomy values of one key, as written: one term or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Terms {
    One(String),
    Many(Vec<String>),
}

impl Terms {
    pub fn ids(&self) -> &[String] {
        match self {
            Terms::One(id) => std::slice::from_ref(id),
            Terms::Many(ids) => ids,
        }
    }
}

/// The typed front matter of a page or section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// Other names readers search for the page by: lay names, other countries' names, brand and
    /// generic names, common misspellings.
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub reviewed: Option<Date>,
    pub next_review: Option<Date>,
    pub references: Vec<Reference>,
    /// Ids of the trial records the page is about.
    pub trials: Vec<String>,
    pub regulatory_history: Vec<RegulatoryEvent>,
    pub certainty: Option<CertaintyNote>,
    /// The last day someone searched for new evidence on the page's question.
    pub last_searched: Option<Date>,
    /// Changes of its design, result, certainty or regulatory status, oldest first.
    pub changes: Vec<Change>,
    pub draft: bool,
    /// On a translation: the hash of the original's text it translates (`cellbook translated`
    /// writes it), so that a later change of the original shows.
    pub translated_from: Option<String>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    /// Taxonomy key -> terms, in the order of the file.
    pub terms: BTreeMap<String, Terms>,
    /// Keys that are neither fixed nor a taxonomy; reported with a hint by the caller.
    pub unknown_keys: Vec<String>,
}

/// Parses the YAML of a split file. `taxonomy_keys` are the extra keys `book.toml` declares.
pub fn parse(split: &Split<'_>, taxonomy_keys: &[&str]) -> Result<FrontMatter, Problem> {
    let current_key = RefCell::new(String::new());
    let on_error = |e: yaml_serde::Error| {
        // From the byte index, not libyaml's line: libyaml also breaks lines at a lone `\r` and
        // at U+0085, U+2028 and U+2029, which editors and the rest of cellbook do not.
        let mut at = e.location().map_or((split.yaml_line, 1), |l| {
            let (line, col) = crate::diagnostics::LineIndex::new(split.yaml).position(l.index());
            (line + split.yaml_line - 1, col)
        });
        let (message, context_at) = yaml_message(&e, split);
        // Errors raised by our own checks (an invalid date) carry the position of the document's
        // start rather than the value's; the key being read is the better place to point at.
        let key = current_key.borrow();
        if !key.is_empty() {
            // A key given twice is wrong where it is given the second time.
            let nth = if message.ends_with("is given twice") { 1 } else { 0 };
            if let Some(key_at) = key_position(split, &key, nth)
                && key_at.0 > at.0
            {
                at = key_at;
            }
        }
        let (line, col) = context_at.unwrap_or(at);
        Problem::new(line, col, message)
    };
    meter_aliases(split.yaml, &current_key).map_err(on_error)?;
    let seed = FrontMatterSeed { taxonomy_keys, current_key: &current_key };
    seed.deserialize(yaml_serde::Deserializer::from_str(split.yaml)).map_err(on_error)
}

/// Refuses YAML whose anchors and aliases make a few bytes stand for gigabytes ("billion
/// laughs"): what the aliases expand to is measured, without keeping it, before anything is built.
/// `current_key` is left at the top-level key being read when the budget runs out.
pub(crate) fn meter_aliases(yaml: &str, current_key: &RefCell<String>) -> Result<(), yaml_serde::Error> {
    if yaml.contains('&') && yaml.contains('*') {
        let budget = Cell::new(EXPANSION_FACTOR * yaml.len() + EXPANSION_ALLOWANCE);
        let meter = Meter { budget: &budget, current_key: Some(current_key) };
        meter.deserialize(yaml_serde::Deserializer::from_str(yaml))?;
        current_key.replace(String::new());
    }
    Ok(())
}

/// How much bigger than its text the front matter may become once aliases are expanded.
const EXPANSION_FACTOR: usize = 8;
const EXPANSION_ALLOWANCE: usize = 64 * 1024;

/// yaml_serde's message in the words of a front-matter editor, without its own "at line N column
/// M" (which counts from the fragment, not the file); and, when the real mistake is where YAML's
/// context began (the opening quote of a value never closed), that position in the file.
fn yaml_message(error: &yaml_serde::Error, split: &Split<'_>) -> (String, Option<(usize, usize)>) {
    let text = error.to_string();
    let (problem, context) = match text.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (text.as_str(), None),
    };
    let problem = strip_position(problem).trim();
    // libyaml writes a mark as "line L column C", or as "position I" (a byte index) on line 1.
    let context_at = context.and_then(|c| {
        let (line, col) = match c.rsplit_once(" at line ") {
            Some((_, mark)) => {
                let (line, col) = mark.split_once(" column ")?;
                (line.trim().parse::<usize>().ok()?, col.trim().parse::<usize>().ok()?)
            }
            None => {
                let index = c.rsplit_once(" at position ")?.1.trim().parse::<usize>().ok()?;
                crate::diagnostics::LineIndex::new(split.yaml).position(index)
            }
        };
        // libyaml counts lines its own way (see `parse`): a line past the YAML is no place to point.
        (line <= split.yaml.lines().count() + 1).then_some((line + split.yaml_line - 1, col))
    });
    let context = context.map(strip_position);
    let problem = problem.replacen("invalid type: ", "wrong type: ", 1);
    match (problem.as_str(), context) {
        ("found unexpected end of stream", Some(c)) if c.starts_with("scanning a quoted scalar") => {
            let message = "unclosed quote: this quoted value has no closing quote before the `---` that ends the \
                           front matter";
            (message.to_string(), context_at)
        }
        (p, _) if p.contains("tab character") => (format!("{p}: indent YAML with spaces, not tabs"), None),
        (p, _) if p.starts_with("mapping values are not allowed") => {
            (format!("{p}: quote a value that contains `: `, or check that the key is not indented"), None)
        }
        (p, _) if p.contains("repetition limit") || p.contains("recursion limit") => {
            (format!("{p}: the YAML is too deeply nested or expands too many aliases"), None)
        }
        (p, Some(c)) => {
            let line = context_at.map_or(String::new(), |(line, _)| format!(" that starts on line {line}"));
            let hint = if c.contains("flow") {
                "check that every `[` and `{` is closed, and quote values that contain `,`, `[` or `{`"
            } else {
                "check the indentation and that each line is `key: value`"
            };
            (format!("{p} while {c}{line}: {hint}"), None)
        }
        (p, None) => (p.to_string(), None),
    }
}

/// `text` without a trailing " at line N column M" or " at position N".
pub(crate) fn strip_position(text: &str) -> &str {
    [" at line ", " at position "].iter().fold(text, |text, marker| text.rsplit_once(marker).map_or(text, |(t, _)| t))
}

/// The file position of the `nth` (0-based) top-level line that gives `key`.
fn key_position(split: &Split<'_>, key: &str, nth: usize) -> Option<(usize, usize)> {
    split
        .yaml
        .lines()
        .enumerate()
        .filter(|(_, line)| top_level_key(line) == Some(key))
        .nth(nth)
        .map(|(index, _)| (split.yaml_line + index, 1))
}

/// The key a top-level `key: value` line gives, unquoted.
fn top_level_key(line: &str) -> Option<&str> {
    let top_level = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
    top_level.then(|| line.split(':').next().unwrap_or("").trim().trim_matches(['"', '\'']))
}

/// Finds where a key (and optionally one of its values) is written in the YAML, as a file position.
/// serde gives no spans for values that parsed fine but are wrong for the site (an unknown term),
/// so those are found by reading the text. A value that cannot be found (YAML folded it into
/// another) is placed at its key.
pub fn locate(split: &Split<'_>, key: &str, value: Option<&str>) -> (usize, usize) {
    let mut in_key = false;
    let mut key_at = None;
    for (index, line) in split.yaml.lines().enumerate() {
        let this_key = top_level_key(line);
        if let Some(this_key) = this_key {
            in_key = this_key == key;
            if in_key && key_at.is_none() {
                key_at = Some((split.yaml_line + index, 1));
                if value.is_none() {
                    break;
                }
            }
        }
        if let (true, Some(value)) = (in_key, value) {
            let rest = if this_key.is_some() { line.split_once(':').map_or("", |(_, v)| v) } else { line };
            if let Some(found) = find_token(rest, value) {
                let col = line.len() - rest.len() + found;
                return (split.yaml_line + index, line[..col].chars().count() + 1);
            }
        }
    }
    key_at.unwrap_or((split.yaml_line.saturating_sub(1).max(1), 1))
}

/// Walks a YAML value through every alias, counting its scalar bytes and nodes against a budget
/// and keeping nothing. Depth is bounded by yaml_serde's recursion limit.
struct Meter<'a> {
    budget: &'a Cell<usize>,
    /// Set at the top level, so that an error points at the key whose value is too big.
    current_key: Option<&'a RefCell<String>>,
}

impl Meter<'_> {
    fn spend<E: de::Error>(&self, amount: usize) -> Result<(), E> {
        match self.budget.get().checked_sub(amount.saturating_add(1)) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "YAML aliases (`*name`) expand this front matter to far more than its own size: write the \
                 values out instead of repeating an alias",
            )),
        }
    }

    fn inner(&self) -> Meter<'_> {
        Meter { budget: self.budget, current_key: None }
    }
}

impl<'de> DeserializeSeed<'de> for Meter<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Meter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(8)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(8)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(8)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.inner().deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.inner().deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while seq.next_element_seed(self.inner())?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(0)?;
        loop {
            let key = match self.current_key {
                Some(current_key) => {
                    let Some(key) = map.next_key::<Text>()? else { break };
                    self.spend(key.0.len())?;
                    current_key.replace(key.0);
                    true
                }
                None => map.next_key_seed(self.inner())?.is_some(),
            };
            if !key {
                break;
            }
            map.next_value_seed(self.inner())?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let ((), variant) = data.variant_seed(self.inner())?;
        de::VariantAccess::newtype_variant_seed(variant, self.inner())
    }
}

/// Byte offset of `token` in `text` where it is not part of a longer word.
fn find_token(text: &str, token: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(token).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back().is_none_or(|c| !is_word(c));
        let after = text[i + token.len()..].chars().next().is_none_or(|c| !is_word(c));
        before && after
    })
}

struct FrontMatterSeed<'a> {
    taxonomy_keys: &'a [&'a str],
    /// The key whose value is being read, for placing errors.
    current_key: &'a RefCell<String>,
}

impl<'de> DeserializeSeed<'de> for FrontMatterSeed<'_> {
    type Value = FrontMatter;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FrontMatter, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FrontMatterSeed<'_> {
    type Value = FrontMatter;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML mapping of keys such as `title: ...`")
    }

    fn visit_unit<E: de::Error>(self) -> Result<FrontMatter, E> {
        Ok(FrontMatter::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FrontMatter, A::Error> {
        let mut fm = FrontMatter::default();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            self.current_key.replace(key.clone());
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("`{key}` is given twice")));
            }
            match key.as_str() {
                "title" => fm.title = Some(map.next_value::<Text>()?.0),
                "aliases" => fm.aliases = map.next_value::<Aliases>()?.0,
                "description" => fm.description = Some(map.next_value::<Text>()?.0),
                "tags" => fm.tags = map.next_value::<Vec<Text>>()?.into_iter().map(|t| t.0).collect(),
                "date" => fm.date = Some(map.next_value::<DateValue>()?.0),
                "updated" => fm.updated = Some(map.next_value::<DateValue>()?.0),
                "reviewed" => fm.reviewed = Some(map.next_value::<DateValue>()?.0),
                "next_review" => fm.next_review = Some(map.next_value::<DateValue>()?.0),
                "references" => fm.references = map.next_value()?,
                "trials" => fm.trials = map.next_value::<Vec<TrialId>>()?.into_iter().map(|t| t.0).collect(),
                "regulatory_history" => fm.regulatory_history = map.next_value()?,
                "certainty" => fm.certainty = Some(map.next_value()?),
                "last_searched" => fm.last_searched = Some(map.next_value::<DateValue>()?.0),
                "changes" => fm.changes = map.next_value()?,
                "draft" => fm.draft = map.next_value()?,
                "translated_from" => fm.translated_from = Some(map.next_value::<Text>()?.0),
                "weight" => fm.weight = Some(map.next_value()?),
                "slug" => fm.slug = Some(map.next_value::<Text>()?.0),
                other if self.taxonomy_keys.contains(&other) => {
                    fm.terms.insert(key, map.next_value::<Terms>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    fm.unknown_keys.push(key);
                }
            }
        }
        self.current_key.replace(String::new());
        Ok(fm)
    }
}

/// A string, also accepting a plain YAML number or boolean written where text was meant
/// (`title: 1984` is a title, not an error).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// `aliases:`, a list of names; a single name is refused with the form of the list, so that an
/// editor does not wonder whether `aliases: MND, Lou Gehrig's disease` is one name or two.
struct Aliases(Vec<String>);

impl<'de> Deserialize<'de> for Aliases {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Checked once read, as dates are, so that an error is placed at the key.
        let names = match Terms::deserialize(deserializer)? {
            Terms::Many(names) => names,
            Terms::One(text) => {
                let names: Vec<String> =
                    text.split(',').map(|n| format!("\"{}\"", n.trim().replace('"', "\\\""))).collect();
                return Err(de::Error::custom(format!(
                    "`aliases` is a list of names: write `aliases: [{}]`, one quoted name per alias",
                    names.join(", ")
                )));
            }
        };
        if names.iter().any(|n| n.trim().is_empty()) {
            return Err(de::Error::custom("an alias is empty: remove it, or write the name readers use"));
        }
        Ok(Aliases(names))
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Some(Text::deserialize(deserializer)?.0))
}

/// A trial record's id in a page's `trials:` list. The old form, a mapping of the trial's facts,
/// is refused with the way to the new one.
struct TrialId(String);

impl<'de> Deserialize<'de> for TrialId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = TrialId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a trial record id such as NCT03280056")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TrialId, E> {
                Ok(TrialId(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<TrialId, A::Error> {
                Err(de::Error::custom(
                    "a trial is named by its record id (`trials: [NCT03280056]`); its facts belong in its \
                     record, `content/trials/records/<id>.yaml`",
                ))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// A calendar date written as `YYYY-MM-DD`.
struct DateValue(Date);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(deserializer)?.0;
        let valid = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
        match text.parse::<Date>() {
            Ok(date) if valid => Ok(DateValue(date)),
            _ => Err(de::Error::custom(format!("invalid date `{text}`: write a real date as YYYY-MM-DD"))),
        }
    }
}

impl<'de> Deserialize<'de> for Terms {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TermsVisitor;
        impl<'de> Visitor<'de> for TermsVisitor {
            type Value = Terms;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a term id or a list of term ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Terms, E> {
                Ok(Terms::One(v.to_string()))
            }
            /// `evidence:` with no value: no term yet (as `cellbook new` writes it).
            fn visit_unit<E: de::Error>(self) -> Result<Terms, E> {
                Ok(Terms::Many(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Terms, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<String>()? {
                    ids.push(id);
                }
                Ok(Terms::Many(ids))
            }
        }
        deserializer.deserialize_any(TermsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<FrontMatter, Problem> {
        let split = split(text)?;
        parse(&split, &["cell_types", "evidence"])
    }

    #[test]
    fn splits_and_counts_body_lines() {
        let s = split("---\ntitle: A\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn yaml_errors_carry_file_lines() {
        let err = parse_text("---\ntitle: A\ntags: 3\n---\n").unwrap_err();
        assert_eq!((err.line, err.message.contains("wrong type")), (3, true), "{err:?}");
    }

    #[test]
    fn unknown_keys_are_collected() {
        let fm = parse_text("---\ntitle: A\ndisease: [als]\n---\n").unwrap();
        assert_eq!(fm.unknown_keys, vec!["disease".to_string()]);
    }

    #[test]
    fn invalid_dates_are_errors() {
        let err = parse_text("---\ntitle: A\ndate: 2024-02-30\n---\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("invalid date"), "{}", err.message);
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let err = parse_text("---\ntitle: \"A\ndescription: d\n---\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 8), "{err:?}");
        assert!(err.message.starts_with("unclosed quote"), "{}", err.message);
    }

    #[test]
    fn yaml_syntax_errors_say_what_to_do() {
        let err = parse_text("---\ntitle: A\n\tdescription: d\n---\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.ends_with("indent YAML with spaces, not tabs"), "{}", err.message);
        let err = parse_text("---\ntitle: A\ndescription: d: e\n---\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("quote a value that contains `: `"), "{}", err.message);
        let err = parse_text("---\ntitle: A\n: x\n---\n").unwrap_err();
        assert!(err.message.starts_with("did not find expected key while parsing a block mapping"), "{}", err.message);
        let err = parse_text("---\ntitle: A\ntags:\n  - a\n  b: c\n---\n").unwrap_err();
        assert!(err.message.contains("that starts on line 4: check the indentation"), "{}", err.message);
        assert!(!err.message.contains("column"), "no fragment-relative position: {}", err.message);
    }

    #[test]
    fn line_breaks_that_only_yaml_sees_do_not_move_errors() {
        // Found by fuzzing: libyaml counts a lone `\r` (and U+2028) as a line break, so its line
        // numbers ran past the end of the file.
        let text = "---\ntitle: \"A\rB\r\r\r\rC\"\ndescription: d\u{2028}e\nx: y: z\n---\n";
        let err = parse_text(text).unwrap_err();
        assert_eq!(err.line, 4, "libyaml's own count says 8, past the end of the file: {err:?}");
    }

    #[test]
    fn a_key_given_twice_is_reported_at_its_second_line() {
        let err = parse_text("---\ntitle: A\ndescription: d\ntitle: B\n---\n").unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (4, "`title` is given twice"));
    }

    #[test]
    fn an_alias_bomb_is_refused_quickly_without_expanding_it() {
        // 100 kB of text that would expand to 300 MB of tags.
        let big = "x".repeat(100_000);
        let text = format!("---\ntitle: A\nbig: &a \"{big}\"\ntags: [{}]\n---\n", vec!["*a"; 3000].join(", "));
        let start = std::time::Instant::now();
        let err = parse_text(&text).unwrap_err();
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "took {:?}", start.elapsed());
        assert_eq!(err.line, 4, "{err:?}");
        assert!(err.message.contains("YAML aliases"), "{}", err.message);
        // The classic nested form is refused too, and a modest alias still works.
        let mut nested = String::from("---\ntitle: A\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (name, previous) in
            ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            nested.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(", ")));
        }
        nested.push_str("---\n");
        assert!(parse_text(&nested).is_err());
        let fm = parse_text("---\ntitle: &t Same\ndescription: *t\n---\n").unwrap();
        assert_eq!(fm.description.as_deref(), Some("Same"));
    }

    #[test]
    fn a_value_yaml_folded_into_another_is_placed_at_its_key() {
        // `- msc` indented one space more continues the scalar `hsc`: the term is `hsc - msc`.
        let text = "---\ntitle: A\ncell_types:\n  - hsc\n   - msc\n---\n";
        let s = split(text).unwrap();
        assert_eq!(locate(&s, "cell_types", Some("hsc - msc")), (3, 1));
    }

    #[test]
    fn aliases_are_a_list_of_names() {
        let fm = parse_text("---\ntitle: A\naliases: [\"Lou Gehrig's disease\", MND, 渐冻症]\n---\n").unwrap();
        assert_eq!(fm.aliases, ["Lou Gehrig's disease", "MND", "渐冻症"]);
        let err = parse_text("---\ntitle: A\naliases: MND, motor neurone disease\n---\n").unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.contains("`aliases: [\"MND\", \"motor neurone disease\"]`"), "{}", err.message);
        let err = parse_text("---\ntitle: A\naliases: [MND, \" \"]\n---\n").unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (3, "an alias is empty: remove it, or write the name readers use")
        );
    }

    #[test]
    fn locates_a_term_in_a_list() {
        let text = "---\ntitle: A\ncell_types:\n  - hsc\n  - msc-bonemarrow\n---\n";
        let s = split(text).unwrap();
        assert_eq!(locate(&s, "cell_types", Some("msc-bonemarrow")), (5, 5));
        assert_eq!(locate(&s, "cell_types", None), (3, 1));
    }
}
