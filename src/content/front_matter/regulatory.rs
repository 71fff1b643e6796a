//! The evidence keys of an article: `regulatory_history:`, `certainty:` and `changes:`.
//!
//! In: their YAML values. Out: typed [`RegulatoryEvent`]s, a [`CertaintyNote`] and [`Change`]s.

use super::values::DateValue;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

/// One event in a product's regulatory history: a licence granted, refused or withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatoryEvent {
    /// A term of the regulatory vocabulary (`[evidence] regulatory` in book.toml).
    pub status: String,
    /// Who decided: "US FDA", "MFDS (South Korea)".
    pub regulator: String,
    /// Known to the day or, as regulators sometimes announce, to the month.
    pub date: crate::content::trials::MonthDate,
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
