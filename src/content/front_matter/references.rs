//! `references:`, the sources a page cites (and a trial record's `publications:`).
//!
//! In: one YAML mapping per reference. Out: a typed [`Reference`].

use super::values::Text;
use serde::{Deserialize, Deserializer, Serialize};

/// A reference to a source: at least one identifier links it (PubMed, doi.org, a trial registry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// A short key, cited in the text as `[@id]`.
    pub id: Option<String>,
    /// The source's title.
    pub title: String,
    /// Its PubMed id (`pmid`).
    #[serde(default, deserialize_with = "string_or_number")]
    pub pmid: Option<String>,
    /// Its DOI (`doi`).
    pub doi: Option<String>,
    /// Its ClinicalTrials.gov id (`nct`).
    pub nct: Option<String>,
    /// Its ISRCTN registry id (`isrctn`).
    pub isrctn: Option<String>,
    /// A plain web address, for a source with none of the identifiers.
    pub url: Option<String>,
    /// The design of a cited study that has no trial record (a systematic review, say): it counts
    /// toward the strongest evidence an article may claim.
    pub design: Option<crate::evidence::Design>,
}

impl Reference {
    /// Its values as written, for placing diagnostics.
    pub(crate) fn written_values(&self) -> Vec<&str> {
        let identifiers = [&self.pmid, &self.doi, &self.nct, &self.isrctn, &self.url];
        let values = [&self.id].into_iter().chain(identifiers).filter_map(|v| v.as_deref());
        values.chain([self.title.as_str()]).collect()
    }

    /// Whether it has a PubMed id, a DOI or a trial registry id (a `url` alone does not count).
    pub fn has_identifier(&self) -> bool {
        self.pmid.is_some() || self.doi.is_some() || self.nct.is_some() || self.isrctn.is_some()
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Some(Text::deserialize(deserializer)?.0))
}
