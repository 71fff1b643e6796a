//! The front-matter keys with a fixed meaning, in one list.
//!
//! In: a key as written. Out: the [`Key`] it names, if any. The parser's dispatch matches on
//! [`Key`] (so a key added here does not compile until it is read), and `book.toml`'s check that
//! a taxonomy does not reuse a key, and the "did you mean" of an unknown key, read [`Key::ALL`].

macro_rules! keys {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// A front-matter key with a fixed meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Key {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Key {
            /// Every fixed key, in the order the documentation gives them.
            pub(crate) const ALL: &[Key] = &[$(Key::$variant,)*];

            /// The key as written in front matter.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Key::$variant => $name,)*
                }
            }
        }
    };
}

keys! {
    /// The page's title.
    Title = "title",
    /// One sentence, for lists, search results and social cards.
    Description = "description",
    /// Free tags.
    Tags = "tags",
    /// Dates, as `YYYY-MM-DD`.
    Date = "date",
    Updated = "updated",
    Reviewed = "reviewed",
    NextReview = "next_review",
    /// The sources the text cites as `[@id]`.
    References = "references",
    /// Ids of the trial records the page is about.
    Trials = "trials",
    RegulatoryHistory = "regulatory_history",
    Certainty = "certainty",
    LastSearched = "last_searched",
    Changes = "changes",
    Draft = "draft",
    /// On a translation: the hash of the original's text it translates.
    TranslatedFrom = "translated_from",
    Weight = "weight",
    Slug = "slug",
    /// Other names readers search for the page by.
    Aliases = "aliases",
}

impl Key {
    /// The fixed key written `name`.
    pub(crate) fn named(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|key| key.name() == name)
    }
}

/// The names of every fixed key.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    Key::ALL.iter().map(|key| key.name())
}

/// Whether `name` has a fixed meaning (and so may not be a taxonomy's key).
pub(crate) fn is_fixed_key(name: &str) -> bool {
    Key::named(name).is_some()
}
