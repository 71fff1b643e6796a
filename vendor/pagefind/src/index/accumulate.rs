//! cellbook patch: the index's input, gathered page by page as pages are parsed.
//!
//! Upstream keeps every parsed page (its text, a word map with a `String` per distinct word and
//! a position list per word) until the index is built, which made the parsed pages most of
//! the peak memory of a build. Here each page is reduced as soon as it is parsed: its fragment
//! is encoded (and compressed when it will be written alone), and its words go into one word
//! list per language, each word's positions packed as variable-length integers. What the
//! build needs of a page besides (URL, flags, filters, sorts, metadata names) is kept small.
//!
//! Pages get their final numbers only when the index is built (a page may be dropped, or
//! merged into another language, depending on pages that come later), so the word lists hold
//! a provisional number per page and language, in the order pages were added; the build maps
//! them (`build_word`). A language has two word lists: one for the pages that are dropped if
//! any page has a `data-pagefind-body` and they do not, one for the others; a list is then
//! kept or dropped whole, which keeps the order of a word's variants exact (see
//! `build_word`). The index is the same as upstream's, byte for byte.

use hashbrown::HashMap;
use minicbor::{Decode, Encode};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::index_words::{PackedPage, PackedVariant, PackedWord};
use super::{meta_positions_to_packed, page_words, positions_to_packed_page, word_shard, WORD_SHARDS};
use crate::fossick::{FossickedData, FossickedWord, MetaFossickedWord};
use crate::utils::full_hash;
use crate::SearchOptions;

/// A page's fragment file: its JSON, or (when fragments are written one a file) the JSON
/// already compressed as the output writes it.
#[derive(Clone, Debug, Encode, Decode)]
pub enum Fragment {
    #[n(0)]
    Json(#[n(0)] String),
    #[n(1)]
    Gzipped(#[n(0)] minicbor::bytes::ByteVec),
}

impl Fragment {
    /// The JSON of a fragment kept for grouping (`max_fragments`), which keeps them all so.
    pub fn json(&self) -> &str {
        match self {
            Fragment::Json(json) => json,
            Fragment::Gzipped(_) => unreachable!("fragments are kept as JSON when grouped"),
        }
    }
}

/// What the index build needs of a page, besides its words.
#[derive(Clone, Debug, Encode, Decode)]
pub struct PageRecord {
    #[n(0)]
    pub url: String,
    /// Index into `Accumulator::languages`.
    #[n(1)]
    pub language: usize,
    /// The page's provisional number in its language: the order it was added in.
    #[n(2)]
    pub id: u32,
    #[n(3)]
    pub has_custom_body: bool,
    #[n(4)]
    pub force_inclusion: bool,
    #[n(5)]
    pub has_html_element: bool,
    /// Whether the page has content words (a page without is not indexed).
    #[n(6)]
    pub has_words: bool,
    #[n(7)]
    pub word_count: usize,
    /// The full hash of the fragment's JSON.
    #[n(8)]
    pub fragment_hash: String,
    #[n(9)]
    #[cbor(with = "shared_fragment")]
    pub fragment: Arc<Fragment>,
    #[n(10)]
    pub filters: BTreeMap<String, Vec<String>>,
    #[n(11)]
    pub sort: BTreeMap<String, String>,
    /// The page's metadata names, sorted (their place here is the field id in its word list).
    #[n(12)]
    pub meta_fields: Vec<String>,
}

/// One word's pages in one language: each page as (provisional number, positions, metadata
/// positions), packed; and the same for each variant with other diacritics, in the order the
/// variants first appeared.
#[derive(Clone, Debug, Default)]
pub struct WordEntry {
    pages: Vec<u8>,
    variants: Vec<(String, Vec<u8>)>,
}

#[derive(Clone, Default)]
pub struct Accumulator {
    pub languages: Vec<String>,
    next_id: Vec<u32>,
    pub pages: Vec<PageRecord>,
    /// `shards[shard][list]`: the words of that shard (`word_shard`) in that word list
    /// (`list`).
    shards: Vec<Vec<HashMap<String, WordEntry>>>,
}

/// cellbook patch: a shared fragment is written and read as the fragment itself.
mod shared_fragment {
    use super::Fragment;
    use minicbor::{Decoder, Encoder};
    use std::sync::Arc;

    pub fn encode<Ctx, W: minicbor::encode::Write>(
        fragment: &Arc<Fragment>,
        e: &mut Encoder<W>,
        ctx: &mut Ctx,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        e.encode_with(&**fragment, ctx)?;
        Ok(())
    }

    pub fn decode<Ctx>(d: &mut Decoder<'_>, ctx: &mut Ctx) -> Result<Arc<Fragment>, minicbor::decode::Error> {
        d.decode_with(ctx).map(Arc::new)
    }
}

/// A parsed page reduced for the accumulator, before it has a number.
///
/// cellbook patch: it can be kept between builds ([`ReducedPage::to_bytes`], `from_bytes`):
/// a caller that gives the same document to the same build of pagefind again can add the page
/// it kept (`PagefindIndex::add_reduced_pages`) instead of parsing the document again.
#[derive(Encode, Decode)]
pub struct ReducedPage {
    #[n(0)]
    record: PageRecord,
    #[n(1)]
    language: String,
    #[n(2)]
    words: Vec<Vec<ReducedWord>>,
}

/// cellbook patch: one word of a reduced page, its occurrences already written as the word
/// lists keep them (each as `write_page` writes it, but for the page's number, which the page
/// gets when it is added): adding a page copies bytes, and a kept page reads back in a few
/// allocations a word.
#[derive(Encode, Decode, Clone, Debug)]
pub struct ReducedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<minicbor::bytes::ByteVec>,
    #[n(2)]
    variants: Vec<ReducedVariant>,
}

/// A form of a word with other diacritics, as `ReducedWord` keeps it.
#[derive(Encode, Decode, Clone, Debug)]
pub struct ReducedVariant {
    #[n(0)]
    form: String,
    #[n(1)]
    pages: Vec<minicbor::bytes::ByteVec>,
}

impl ReducedWord {
    fn from_packed(word: PackedWord) -> Self {
        let pack = |pages: &[PackedPage]| pages.iter().map(|page| pack_page(page).into()).collect();
        ReducedWord {
            pages: pack(&word.pages),
            variants: word
                .additional_variants
                .into_iter()
                .map(|v| ReducedVariant { pages: pack(&v.pages), form: v.form })
                .collect(),
            word: word.word,
        }
    }
}

impl ReducedPage {
    /// The page as bytes (CBOR), for [`ReducedPage::from_bytes`] in the same version of
    /// pagefind and with the same options.
    pub fn to_bytes(&self) -> Vec<u8> {
        minicbor::to_vec(self).expect("writing to a Vec cannot fail")
    }

    /// A page [`ReducedPage::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        minicbor::decode(bytes).map_err(|e| anyhow::anyhow!("not a reduced page: {e}"))
    }
}

/// Reduces a parsed page (on the thread that parsed it).
pub fn reduce(page: FossickedData, options: &SearchOptions) -> ReducedPage {
    let has_words = !page.word_data.is_empty();
    let words = if has_words {
        // cellbook patch 22: each shard's list is made at its size (grown from empty, the lists
        // of the page's 16 shards were reallocated a few times each).
        let words = reduced_words(page.word_data, page.meta_word_data);
        let shard_of: Vec<u8> = words.iter().map(|word| word_shard(&word.word) as u8).collect();
        let mut sizes = [0usize; WORD_SHARDS];
        shard_of.iter().for_each(|&shard| sizes[shard as usize] += 1);
        let mut shards: Vec<Vec<ReducedWord>> = sizes.iter().map(|&size| Vec::with_capacity(size)).collect();
        for (word, shard) in words.into_iter().zip(shard_of) {
            shards[shard as usize].push(word);
        }
        shards
    } else {
        Vec::new()
    };
    let encoded = serde_json::to_string(&page.fragment.data).unwrap();
    let fragment_hash = full_hash(encoded.as_bytes());
    // Grouped fragments (`max_fragments`) are made from the JSON; single ones are compressed now.
    let fragment = if matches!(options.max_fragments, Some(m) if m > 0) {
        Fragment::Json(encoded)
    } else {
        Fragment::Gzipped(crate::output::gzip(&[encoded.as_bytes()]).into())
    };
    let data = page.fragment.data;
    ReducedPage {
        record: PageRecord {
            url: page.url,
            language: 0,
            id: 0,
            has_custom_body: page.has_custom_body,
            force_inclusion: page.force_inclusion,
            has_html_element: page.has_html_element,
            has_words,
            word_count: data.word_count,
            fragment_hash,
            fragment: Arc::new(fragment),
            filters: data.filters,
            sort: page.sort,
            meta_fields: data.meta.into_keys().collect(),
        },
        language: page.language,
        words,
    }
}

/// cellbook patch 22: a page's words as `page_words` and `ReducedWord::from_packed` make them.
/// A word whose every occurrence is written as indexed (no diacritics taken off: nearly all) is
/// packed straight from its positions, without the page's table of `PackedWord`s, a copy of
/// the word and three lists on the way; a word with variants goes through `page_words` on its
/// own (what `page_words` makes of a word depends only on that word's positions).
fn reduced_words(
    word_data: HashMap<String, Vec<FossickedWord>>,
    mut meta_word_data: HashMap<String, Vec<MetaFossickedWord>>,
) -> Vec<ReducedWord> {
    let mut reduced = Vec::with_capacity(word_data.len() + meta_word_data.len());
    let mut with_variants = (HashMap::new(), HashMap::new());
    for (word, positions) in word_data {
        let meta = meta_word_data.remove(&word);
        let plain = positions.iter().all(|p| p.original_word.is_none())
            && meta.iter().flatten().all(|p| p.original_word.is_none());
        if plain && !positions.is_empty() {
            let mut page = positions_to_packed_page(positions, 0);
            page.meta_locs = meta_positions_to_packed(meta.unwrap_or_default());
            reduced.push(ReducedWord { word, pages: vec![pack_page(&page).into()], variants: Vec::new() });
        } else {
            if let Some(meta) = meta {
                with_variants.1.insert(word.clone(), meta);
            }
            with_variants.0.insert(word, positions);
        }
    }
    for (word, meta) in meta_word_data {
        if !meta.is_empty() && meta.iter().all(|p| p.original_word.is_none()) {
            let page = PackedPage { page_number: 0, locs: Vec::new(), meta_locs: meta_positions_to_packed(meta) };
            reduced.push(ReducedWord { word, pages: vec![pack_page(&page).into()], variants: Vec::new() });
        } else {
            with_variants.1.insert(word, meta);
        }
    }
    let (word_data, meta_word_data) = with_variants;
    reduced.extend(page_words(word_data, meta_word_data, 0).into_values().map(ReducedWord::from_packed));
    reduced
}

impl Accumulator {
    /// Adds reduced pages, in the order given.
    pub fn add(&mut self, pages: Vec<ReducedPage>) {
        if self.shards.is_empty() {
            self.shards = vec![Vec::new(); WORD_SHARDS];
        }
        let mut by_shard: Vec<Vec<(usize, u32, Vec<ReducedWord>)>> = vec![Vec::new(); WORD_SHARDS];
        for mut page in pages {
            let language = match self.languages.iter().position(|l| *l == page.language) {
                Some(language) => language,
                None => {
                    self.languages.push(page.language);
                    self.next_id.push(0);
                    self.languages.len() - 1
                }
            };
            let id = self.next_id[language];
            self.next_id[language] += 1;
            page.record.language = language;
            page.record.id = id;
            let list = list(language, &page.record);
            self.pages.push(page.record);
            for (shard, words) in page.words.into_iter().enumerate() {
                by_shard[shard].push((list, id, words));
            }
        }
        let lists = self.languages.len() * 2;
        // A word is in one shard only: the shards take their pages apart, each in page order.
        self.shards
            .par_iter_mut()
            .zip(by_shard)
            .with_max_len(1)
            .for_each(|(shard, pages)| {
                shard.resize_with(lists, HashMap::new);
                for (list, id, words) in pages {
                    for word in words {
                        shard[list].entry_ref(word.word.as_str()).or_default().add(id, &word);
                    }
                }
            });
    }

    /// How many provisional numbers a language has given out.
    pub fn page_ids(&self, language: usize) -> usize {
        self.next_id[language] as usize
    }

    /// The words of the given languages, sorted, without repeats.
    pub fn words(&self, languages: &[usize]) -> Vec<&str> {
        let mut words: Vec<&str> = self
            .shards
            .par_iter()
            .flat_map_iter(|shard| {
                lists_of(languages)
                    .filter_map(|l| shard.get(l))
                    .flat_map(|words| words.keys().map(String::as_str))
            })
            .collect();
        words.par_sort_unstable();
        words.dedup();
        words
    }

    /// cellbook patch: the bytes of a word's packed entries in the given languages, which
    /// `build_word` unpacks: a measure of how much memory building the word takes.
    pub fn packed_len(&self, word: &str, languages: &[usize]) -> usize {
        self.entries(word, languages)
            .iter()
            .map(|(_, entry)| {
                let variants: usize = entry.variants.iter().map(|(form, bytes)| form.len() + bytes.len()).sum();
                entry.pages.len() + variants
            })
            .sum()
    }

    /// A word's entries in the given languages, with the language of each.
    fn entries<'a>(&'a self, word: &str, languages: &[usize]) -> Vec<(usize, &'a WordEntry)> {
        let shard = &self.shards[word_shard(word)];
        lists_of(languages)
            .filter_map(|l| shard.get(l)?.get(word).map(|entry| (l / 2, entry)))
            .collect()
    }

    /// A word as the index holds it: its pages under their final numbers (`numbers[language]
    /// [provisional]`, none for a page left out) and its metadata fields under the final
    /// field ids (`fields[language][provisional]`, by the page's own field id); none if no
    /// page of it is left.
    pub fn build_word(
        &self,
        word: &str,
        languages: &[usize],
        numbers: &[Vec<Option<u32>>],
        fields: &[Vec<Vec<u16>>],
    ) -> Option<PackedWord> {
        let mut pages = Vec::new();
        let mut variants: Vec<PackedVariant> = Vec::new();
        for (language, entry) in self.entries(word, languages) {
            let place = |id: u32| numbers[language][id as usize];
            let remap = |id: u32, meta: &mut Vec<i32>| {
                for m in meta.iter_mut().filter(|m| **m < 0) {
                    *m = -(i32::from(fields[language][id as usize][(-*m - 1) as usize]) + 1);
                }
            };
            read_pages(&entry.pages, |id, locs, mut meta_locs| {
                if let Some(page_number) = place(id) {
                    remap(id, &mut meta_locs);
                    pages.push(PackedPage { page_number: page_number as usize, locs, meta_locs });
                }
            });
            for (form, bytes) in &entry.variants {
                let mut found = Vec::new();
                read_pages(bytes, |id, locs, mut meta_locs| {
                    if let Some(page_number) = place(id) {
                        remap(id, &mut meta_locs);
                        found.push(PackedPage { page_number: page_number as usize, locs, meta_locs });
                    }
                });
                if found.is_empty() {
                    continue;
                }
                match variants.iter_mut().find(|v| v.form == *form) {
                    Some(variant) => variant.pages.extend(found),
                    None => variants.push(PackedVariant { form: form.clone(), pages: found }),
                }
            }
        }
        if pages.is_empty() && variants.is_empty() {
            return None;
        }
        // Upstream merges pages in page order: a word's pages are in page order, and its
        // variants in the order of their first page, then of the page's own order. Each list
        // has them so; lists are kept whole and no page is in two, so a stable sort by first
        // page merges them.
        pages.sort_by_key(|p| p.page_number);
        for variant in &mut variants {
            variant.pages.sort_by_key(|p| p.page_number);
        }
        variants.sort_by_key(|v| v.pages[0].page_number);
        Some(PackedWord { word: word.to_string(), pages, additional_variants: variants })
    }
}

/// The word list of a page: its language's, one of two (see the module's comment).
fn list(language: usize, page: &PageRecord) -> usize {
    language * 2 + usize::from(!page.has_custom_body && !page.force_inclusion)
}

/// The word lists of the given languages.
fn lists_of(languages: &[usize]) -> impl Iterator<Item = usize> + '_ {
    languages.iter().flat_map(|&l| [l * 2, l * 2 + 1])
}

impl WordEntry {
    /// Adds one page's occurrences of the word (its pages hold no number yet).
    fn add(&mut self, id: u32, word: &ReducedWord) {
        for page in &word.pages {
            write_packed(&mut self.pages, id, page);
        }
        for variant in &word.variants {
            let at = match self.variants.iter().position(|(form, _)| *form == variant.form) {
                Some(at) => at,
                None => {
                    self.variants.push((variant.form.clone(), Vec::new()));
                    self.variants.len() - 1
                }
            };
            for page in &variant.pages {
                write_packed(&mut self.variants[at].1, id, page);
            }
        }
    }
}

#[cfg(test)]
fn write_page(out: &mut Vec<u8>, id: u32, page: &PackedPage) {
    write_packed(out, id, &pack_page(page));
}

/// A page's occurrences of a word as the word lists keep them, after the page's number.
fn pack_page(page: &PackedPage) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + page.locs.len() + page.meta_locs.len());
    for list in [&page.locs, &page.meta_locs] {
        write_varint(&mut out, list.len() as u64);
        for &value in list {
            write_varint(&mut out, zigzag(value));
        }
    }
    out
}

/// Writes a page's number, then its occurrences packed by `pack_page`.
fn write_packed(out: &mut Vec<u8>, id: u32, packed: &[u8]) {
    write_varint(out, u64::from(id));
    out.extend_from_slice(packed);
}

fn read_pages(mut bytes: &[u8], mut each: impl FnMut(u32, Vec<i32>, Vec<i32>)) {
    while !bytes.is_empty() {
        let id = read_varint(&mut bytes) as u32;
        let mut lists = [Vec::new(), Vec::new()];
        for list in &mut lists {
            let len = read_varint(&mut bytes) as usize;
            list.reserve_exact(len);
            for _ in 0..len {
                list.push(unzigzag(read_varint(&mut bytes)));
            }
        }
        let [locs, meta_locs] = lists;
        each(id, locs, meta_locs);
    }
}

fn zigzag(value: i32) -> u64 {
    u64::from(((value << 1) ^ (value >> 31)) as u32)
}

fn unzigzag(value: u64) -> i32 {
    let value = value as u32;
    ((value >> 1) as i32) ^ -((value & 1) as i32)
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &mut &[u8]) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = bytes[0];
        *bytes = &bytes[1..];
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return value;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_read_back_as_written() {
        let mut bytes = Vec::new();
        let page = PackedPage { page_number: 0, locs: vec![0, 5, -25, 300, i32::MIN, i32::MAX], meta_locs: vec![-1, 0, 2] };
        write_page(&mut bytes, 70000, &page);
        write_page(&mut bytes, 3, &PackedPage { page_number: 0, locs: vec![], meta_locs: vec![-4] });
        let mut read = Vec::new();
        read_pages(&bytes, |id, locs, meta| read.push((id, locs, meta)));
        assert_eq!(read, vec![(70000, page.locs.clone(), page.meta_locs.clone()), (3, vec![], vec![-4])]);
    }

    /// Patch 22: `reduced_words` gives each word what `page_words` and `from_packed` gave it.
    #[test]
    fn reduced_words_are_what_page_words_made() {
        let word = |position: u32, weight: u8, original: Option<&str>| FossickedWord {
            position,
            weight,
            original_word: original.map(str::to_string),
        };
        let meta = |field_id: u16, position: u32, original: Option<&str>| MetaFossickedWord {
            field_id,
            position,
            original_word: original.map(str::to_string),
        };
        let words: HashMap<String, Vec<FossickedWord>> = [
            ("plain", vec![word(7, 25, None), word(2, 25, None), word(40, 12, None), word(3, 0, None)]),
            ("also-in-meta", vec![word(1, 25, None), word(9, 25, None)]),
            ("cafe", vec![word(4, 25, Some("café")), word(5, 25, None), word(6, 25, Some("cafè"))]),
            ("naive", vec![word(8, 25, Some("naïve"))]),
            ("meta-variant", vec![word(11, 25, None)]),
            ("empty", vec![]),
        ]
        .into_iter()
        .map(|(w, p)| (w.to_string(), p))
        .collect();
        let metas: HashMap<String, Vec<MetaFossickedWord>> = [
            ("also-in-meta", vec![meta(1, 3, None), meta(0, 2, None), meta(0, 0, None)]),
            ("meta-variant", vec![meta(0, 1, Some("metà-variant"))]),
            ("meta-only", vec![meta(2, 4, None), meta(2, 1, None)]),
            ("meta-only-variant", vec![meta(0, 0, Some("metà-only-variant")), meta(0, 3, None)]),
            ("cafe", vec![meta(0, 5, None)]),
            ("meta-empty", vec![]),
        ]
        .into_iter()
        .map(|(w, p)| (w.to_string(), p))
        .collect();
        let as_bytes = |mut reduced: Vec<ReducedWord>| {
            reduced.sort_by(|a, b| a.word.cmp(&b.word));
            reduced.iter().map(|w| minicbor::to_vec(w).unwrap()).collect::<Vec<_>>()
        };
        let upstream = page_words(words.clone(), metas.clone(), 0).into_values().map(ReducedWord::from_packed).collect();
        assert_eq!(as_bytes(reduced_words(words, metas)), as_bytes(upstream));
    }
}
