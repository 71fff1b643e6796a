//! Front matter: the YAML block between `---` lines at the top of a Markdown file.
//!
//! In: a file's text (BOM and CRLF already removed). Out: the typed [`FrontMatter`] and the body,
//! with every line number counted in the source file, not in the YAML fragment, and the place of
//! each key and of the values diagnostics point at ([`Positions`]). Keys are checked while
//! parsing, against the fixed keys ([`keys`]) and the taxonomy keys of `book.toml`.

pub(crate) mod keys;
mod positions;
mod references;
mod regulatory;
mod values;
mod yaml;

pub(crate) use positions::{KeyLines, Pos, Positions};
pub use references::Reference;
pub(crate) use regulatory::{CertaintyNote, Change, ChangedField, RegulatoryEvent};
pub(crate) use yaml::{meter_aliases, strip_position};

use crate::diagnostics::Problem;
use jiff::civil::Date;
use keys::Key;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use values::{Aliases, DateValue, Text, TrialId};

/// The parts of a source file around its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines.
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    /// The Markdown text after the closing `---` line.
    pub body: &'a str,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
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

/// The taxonomy values of one key, as written: one term or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Terms {
    /// A single term, written as a plain value.
    One(String),
    /// Several terms, written as a list.
    Many(Vec<String>),
}

impl Terms {
    /// The term ids, whether one or many were written.
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
    /// The page's title (`title`).
    pub title: Option<String>,
    /// Other names readers search for the page by: lay names, other countries' names, brand and
    /// generic names, common misspellings.
    pub aliases: Vec<String>,
    /// A short summary of the page (`description`).
    pub description: Option<String>,
    /// Free tags for the page (`tags`).
    pub tags: Vec<String>,
    /// The day the page was first published (`date`).
    pub date: Option<Date>,
    /// The day the page was last changed (`updated`).
    pub updated: Option<Date>,
    /// The day the page was last reviewed (`reviewed`).
    pub reviewed: Option<Date>,
    /// The day the page is due for its next review (`next_review`).
    pub next_review: Option<Date>,
    /// The sources the page cites (`references`).
    pub references: Vec<Reference>,
    /// Ids of the trial records the page is about.
    pub trials: Vec<String>,
    /// Approvals, withdrawals and other regulatory events, in order (`regulatory_history`).
    pub regulatory_history: Vec<RegulatoryEvent>,
    /// How certain the evidence is, and why (`certainty`).
    pub certainty: Option<CertaintyNote>,
    /// The last day someone searched for new evidence on the page's question.
    pub last_searched: Option<Date>,
    /// Changes of its design, result, certainty or regulatory status, oldest first.
    pub changes: Vec<Change>,
    /// Whether the page is a draft, left out of the built site (`draft`).
    pub draft: bool,
    /// On a translation: the hash of the original's text it translates (`cellbook translated`
    /// writes it), so that a later change of the original shows.
    pub translated_from: Option<String>,
    /// Its place in the section's reading order: lower comes first (`weight`).
    pub weight: Option<i64>,
    /// The last part of the page's URL, in place of the one from its file name (`slug`).
    pub slug: Option<String>,
    /// Taxonomy key -> terms, in the order of the file.
    pub terms: BTreeMap<String, Terms>,
    /// Keys that are neither fixed nor a taxonomy; reported with a hint by the caller.
    pub unknown_keys: Vec<String>,
    /// Where its keys and values are written.
    pub positions: Positions,
}

/// Parses the YAML of a split file. `taxonomy_keys` are the extra keys `book.toml` declares.
pub fn parse(split: &Split<'_>, taxonomy_keys: &[&str]) -> Result<FrontMatter, Problem> {
    let current_key = RefCell::new(String::new());
    let keys = RefCell::new(KeyLines::new(split.yaml));
    let on_error = |e: yaml_serde::Error| {
        // From the byte index, not libyaml's line: libyaml also breaks lines at a lone `\r` and
        // at U+0085, U+2028 and U+2029, which editors and the rest of cellbook do not.
        let mut at = e.location().map_or((split.yaml_line, 1), |l| {
            let (line, col) = crate::diagnostics::LineIndex::new(split.yaml).position(l.index());
            (line + split.yaml_line - 1, col)
        });
        let (message, context_at) = yaml::yaml_message(&e, split);
        // Errors raised by our own checks (an invalid date, a key given twice) carry the position
        // of the document's start rather than the value's; the key being read is the better place.
        if let Some(key_at) = keys.borrow().current(split, &current_key.borrow())
            && key_at.0 > at.0
        {
            at = key_at;
        }
        let (line, col) = context_at.unwrap_or(at);
        Problem::new(line, col, message)
    };
    meter_aliases(split.yaml, &current_key).map_err(on_error)?;
    let seed = FrontMatterSeed { taxonomy_keys, keys: &keys };
    let mut fm = seed.deserialize(yaml_serde::Deserializer::from_str(split.yaml)).map_err(on_error)?;
    fm.positions = keys.borrow().positions(split, |key| values_of(&fm, key));
    Ok(fm)
}

/// The values of `key` that diagnostics may point at, in groups (one a list item).
fn values_of<'a>(fm: &'a FrontMatter, key: &str) -> Vec<Vec<&'a str>> {
    match Key::named(key) {
        Some(Key::References) => fm.references.iter().map(Reference::written_values).collect(),
        Some(Key::Trials) => fm.trials.iter().map(|id| vec![id.as_str()]).collect(),
        Some(Key::RegulatoryHistory) => {
            fm.regulatory_history.iter().map(|event| event.reference.as_deref().into_iter().collect()).collect()
        }
        // A finding not worded at its level is reported at its `finding:` line.
        Some(Key::Certainty) => vec![vec!["finding"]],
        Some(_) => Vec::new(),
        None => {
            fm.terms.get(key).map_or_else(Vec::new, |terms| terms.ids().iter().map(|id| vec![id.as_str()]).collect())
        }
    }
}

struct FrontMatterSeed<'a> {
    taxonomy_keys: &'a [&'a str],
    /// The keys read, for placing errors and values.
    keys: &'a RefCell<KeyLines<'a>>,
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
            self.keys.borrow_mut().read(&key);
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("`{key}` is given twice")));
            }
            let Some(fixed) = Key::named(&key) else {
                if self.taxonomy_keys.contains(&key.as_str()) {
                    let terms = map.next_value::<Terms>()?;
                    fm.terms.insert(key, terms);
                } else {
                    map.next_value::<IgnoredAny>()?;
                    fm.unknown_keys.push(key);
                }
                continue;
            };
            match fixed {
                Key::Title => fm.title = Some(map.next_value::<Text>()?.0),
                Key::Aliases => fm.aliases = map.next_value::<Aliases>()?.0,
                Key::Description => fm.description = Some(map.next_value::<Text>()?.0),
                Key::Tags => fm.tags = map.next_value::<Vec<Text>>()?.into_iter().map(|t| t.0).collect(),
                Key::Date => fm.date = Some(map.next_value::<DateValue>()?.0),
                Key::Updated => fm.updated = Some(map.next_value::<DateValue>()?.0),
                Key::Reviewed => fm.reviewed = Some(map.next_value::<DateValue>()?.0),
                Key::NextReview => fm.next_review = Some(map.next_value::<DateValue>()?.0),
                Key::References => fm.references = map.next_value()?,
                Key::Trials => fm.trials = map.next_value::<Vec<TrialId>>()?.into_iter().map(|t| t.0).collect(),
                Key::RegulatoryHistory => fm.regulatory_history = map.next_value()?,
                Key::Certainty => fm.certainty = Some(map.next_value()?),
                Key::LastSearched => fm.last_searched = Some(map.next_value::<DateValue>()?.0),
                Key::Changes => fm.changes = map.next_value()?,
                Key::Draft => fm.draft = map.next_value()?,
                Key::TranslatedFrom => fm.translated_from = Some(map.next_value::<Text>()?.0),
                Key::Weight => fm.weight = Some(map.next_value()?),
                Key::Slug => fm.slug = Some(map.next_value::<Text>()?.0),
            }
        }
        self.keys.borrow_mut().finish();
        Ok(fm)
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
        let fm = parse_text(text).unwrap();
        assert_eq!(fm.positions.value("cell_types", "hsc - msc", 0), (3, 1));
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
        let fm = parse_text(text).unwrap();
        assert_eq!(fm.positions.value("cell_types", "msc-bonemarrow", 0), (5, 5));
        assert_eq!(fm.positions.key("cell_types"), (3, 1));
    }

    #[test]
    fn a_value_given_twice_is_found_at_each_place() {
        // `hsc` in the title and in `description` is not the term; the second `hsc` is its own.
        let text = "---\ntitle: hsc\ndescription: hsc\ncell_types: [hsc, msc, hsc]\n---\n";
        let fm = parse_text(text).unwrap();
        assert_eq!(fm.positions.value("cell_types", "hsc", 0), (4, 14));
        assert_eq!(fm.positions.value("cell_types", "hsc", 1), (4, 24));
        assert_eq!(fm.positions.key("description"), (3, 1));
    }
}
