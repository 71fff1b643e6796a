//! The value types of front matter that YAML does not give as they are meant: text that YAML
//! read as a number, dates, names lists, trial ids and taxonomy terms.
//!
//! In: a YAML value. Out: the value, or an error that says how to write it.

use super::Terms;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A string, also accepting a plain YAML number or boolean written where text was meant
/// (`title: 1984` is a title, not an error).
pub(super) struct Text(pub(super) String);

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
pub(super) struct Aliases(pub(super) Vec<String>);

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

/// A trial record's id in a page's `trials:` list. The old form, a mapping of the trial's facts,
/// is refused with the way to the new one.
pub(super) struct TrialId(pub(super) String);

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
pub(super) struct DateValue(pub(super) Date);

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
