//! Where `book.toml` writes the values its checks report on.
//!
//! In: the parsed TOML document, and its text. Out: [`Spans`], the place of each checked value
//! as the TOML parser found it (`toml::Spanned`), so that a diagnostic points at the value it is
//! about (the second of two equal term ids, say) rather than at the first place the text matches.
//! The typed [`super::Config`] keeps plain values; this is read from the same parsed document.

use crate::diagnostics::LineIndex;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use toml::Spanned;

/// A value of `book.toml` with the byte range it is written at.
type At = Spanned<String>;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Spans {
    book: BookSpans,
    language: BTreeMap<At, IgnoredAny>,
    taxonomy: Vec<TaxonomySpans>,
    search: SearchSpans,
    matrix: MatrixSpans,
    evidence: EvidenceSpans,
    output: OutputSpans,
    /// The text the ranges index, for turning them into lines and columns.
    #[serde(skip)]
    source: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BookSpans {
    language: Option<At>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TaxonomySpans {
    key: Option<At>,
    path: Option<At>,
    term: Vec<TermSpans>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TermSpans {
    id: Option<At>,
    aliases: Vec<At>,
    translations: BTreeMap<String, TermTranslationSpans>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TermTranslationSpans {
    aliases: Vec<At>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchSpans {
    filters: Vec<At>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MatrixSpans {
    path: Option<At>,
    rows: Option<At>,
    columns: Option<At>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EvidenceSpans {
    design: Option<At>,
    result: Option<At>,
    regulatory: Option<At>,
    conditions: Option<At>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OutputSpans {
    html: HtmlSpans,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct HtmlSpans {
    site_url: Option<At>,
    git_repository_url: Option<At>,
    edit_url_template: Option<At>,
    content_security_policy: Option<At>,
    referrer_policy: Option<At>,
}

/// A setting of `[output.html]` whose value is checked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HtmlSetting {
    SiteUrl,
    GitRepositoryUrl,
    EditUrlTemplate,
    ContentSecurityPolicy,
    ReferrerPolicy,
}

/// A vocabulary `[evidence]` names.
#[derive(Clone, Copy, Debug)]
pub(crate) enum EvidenceKey {
    Design,
    Result,
    Regulatory,
    Conditions,
}

/// (line, column) of something `book.toml` does not write (a default): the whole file.
const NOWHERE: (usize, usize) = (0, 0);

impl Spans {
    /// The spans of the parsed document `root`, whose text is `source`.
    pub(crate) fn read(root: toml::de::Deserializer<'_>, source: &str) -> Spans {
        // The document already read as a `Config`, whose shape these tables follow; were one not to,
        // its values would be reported at the top of the file rather than not at all.
        let mut spans = Spans::deserialize(root).unwrap_or_default();
        spans.source = source.to_string();
        spans
    }

    fn at(&self, value: Option<&At>) -> (usize, usize) {
        value.map_or(NOWHERE, |v| LineIndex::new(&self.source).position(v.span().start))
    }

    /// Where the language `code` is declared: `book.language`, or a `[language.code]` table.
    pub(crate) fn language(&self, code: &str) -> (usize, usize) {
        let main = self.book.language.as_ref().filter(|l| l.get_ref() == code);
        self.at(main.or_else(|| self.language.keys().find(|k| k.get_ref() == code)))
    }

    fn taxonomy(&self, t: usize) -> Option<&TaxonomySpans> {
        self.taxonomy.get(t)
    }

    /// The `key` of the `t`th taxonomy.
    pub(crate) fn taxonomy_key(&self, t: usize) -> (usize, usize) {
        self.at(self.taxonomy(t).and_then(|t| t.key.as_ref()))
    }

    /// The `path` of the `t`th taxonomy.
    pub(crate) fn taxonomy_path(&self, t: usize) -> (usize, usize) {
        self.at(self.taxonomy(t).and_then(|t| t.path.as_ref()))
    }

    fn term(&self, t: usize, i: usize) -> Option<&TermSpans> {
        self.taxonomy(t).and_then(|t| t.term.get(i))
    }

    /// The `id` of the `i`th term of the `t`th taxonomy.
    pub(crate) fn term_id(&self, t: usize, i: usize) -> (usize, usize) {
        self.at(self.term(t, i).and_then(|term| term.id.as_ref()))
    }

    /// The first empty alias of a term, in any language; its id when it has none.
    pub(crate) fn empty_alias(&self, t: usize, i: usize) -> (usize, usize) {
        let Some(term) = self.term(t, i) else { return NOWHERE };
        let mut aliases = term.aliases.iter().chain(term.translations.values().flat_map(|t| &t.aliases));
        self.at(aliases.find(|a| a.get_ref().trim().is_empty()).or(term.id.as_ref()))
    }

    /// The `i`th of `[search] filters`.
    pub(crate) fn search_filter(&self, i: usize) -> (usize, usize) {
        self.at(self.search.filters.get(i))
    }

    pub(crate) fn matrix_path(&self) -> (usize, usize) {
        self.at(self.matrix.path.as_ref())
    }

    /// `[matrix] rows` (`columns` when false).
    pub(crate) fn matrix_axis(&self, rows: bool) -> (usize, usize) {
        self.at(if rows { self.matrix.rows.as_ref() } else { self.matrix.columns.as_ref() })
    }

    pub(crate) fn evidence(&self, key: EvidenceKey) -> (usize, usize) {
        let e = &self.evidence;
        self.at(match key {
            EvidenceKey::Design => e.design.as_ref(),
            EvidenceKey::Result => e.result.as_ref(),
            EvidenceKey::Regulatory => e.regulatory.as_ref(),
            EvidenceKey::Conditions => e.conditions.as_ref(),
        })
    }

    pub(crate) fn html(&self, setting: HtmlSetting) -> (usize, usize) {
        let h = &self.output.html;
        self.at(match setting {
            HtmlSetting::SiteUrl => h.site_url.as_ref(),
            HtmlSetting::GitRepositoryUrl => h.git_repository_url.as_ref(),
            HtmlSetting::EditUrlTemplate => h.edit_url_template.as_ref(),
            HtmlSetting::ContentSecurityPolicy => h.content_security_policy.as_ref(),
            HtmlSetting::ReferrerPolicy => h.referrer_policy.as_ref(),
        })
    }
}
