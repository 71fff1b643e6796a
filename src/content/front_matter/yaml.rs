//! yaml_serde's errors in an editor's words, and the guard against alias bombs.
//!
//! In: a yaml_serde error, or the YAML text. Out: a message (with the place where YAML's context
//! began, when that is where the mistake is), or a refusal of YAML whose aliases expand too far.

use super::Split;
use super::values::Text;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;

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
pub(super) fn yaml_message(error: &yaml_serde::Error, split: &Split<'_>) -> (String, Option<(usize, usize)>) {
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
