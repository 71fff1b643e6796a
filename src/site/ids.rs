//! Typed ids: what each number in the model indexes, so that a mixed-up index does not compile.
//!
//! In: positions in the model's lists. Out: [`PageId`], [`SectionId`], [`TaxonomyId`],
//! [`TermId`], [`LangId`] and [`TrialId`], and [`IdVec`], a list that only its own id indexes.

use std::marker::PhantomData;

/// An id that stands for a position in one list of the model.
pub trait Id: Copy {
    /// The id of the item at `index` in its list.
    fn from_index(index: usize) -> Self;
    /// The item's position in its list.
    fn index(self) -> usize;
}

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl Id for $name {
            fn from_index(index: usize) -> Self {
                $name(u32::try_from(index).expect("fewer than 2^32 items"))
            }

            fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A page (an article or an `_index.md`) in [`super::Site::pages`], in the order they were read.
    PageId
);
id!(
    /// A section (a folder in one language) in [`super::Site::sections`].
    SectionId
);
id!(
    /// A vocabulary of `book.toml`, in the order of `config.taxonomies`.
    TaxonomyId
);
id!(
    /// A language of the site, in `config.languages()` order (the main language first).
    LangId
);
id!(
    /// A trial record in [`super::Site::trials`] (sorted by record id).
    TrialId
);

/// A term of a vocabulary: the vocabulary and the term's rank in it (its place in `book.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TermId {
    /// The vocabulary the term belongs to.
    pub taxonomy: TaxonomyId,
    /// The term's place in its vocabulary's list in `book.toml`.
    pub rank: usize,
}

/// A list indexed by its own kind of id only.
pub struct IdVec<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I) -> I>,
}

impl<I: Id, T> IdVec<I, T> {
    pub(crate) fn new() -> Self {
        IdVec { items: Vec::new(), id: PhantomData }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Adds an item and returns its id.
    pub(crate) fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::from_index(self.items.len() - 1)
    }

    pub(crate) fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    /// Every id, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Every item with its id.
    pub(crate) fn iter_ids(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.items.iter().enumerate().map(|(i, item)| (I::from_index(i), item))
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        &self.items
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.items
    }

    /// One value for every item, computed from its id.
    pub(crate) fn map_ids<U>(&self, f: impl FnMut(I) -> U) -> IdVec<I, U> {
        self.ids().map(f).collect()
    }
}

impl<I: Id, T> Default for IdVec<I, T> {
    fn default() -> Self {
        IdVec::new()
    }
}

impl<I: Id, T> From<Vec<T>> for IdVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        IdVec { items, id: PhantomData }
    }
}

impl<I: Id, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IdVec::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<I: Id, T> IntoIterator for IdVec<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, I: Id, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<I: Id, T> std::ops::Index<I> for IdVec<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> std::ops::IndexMut<I> for IdVec<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}
