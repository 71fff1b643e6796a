use hashbrown::HashMap;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::{
    fossick::{FossickedWord, MetaFossickedWord},
    index::index_metadata::MetaFilter,
    output::{FragmentFile, FragmentSink},
    utils::full_hash,
    SearchOptions,
};
use accumulate::{Accumulator, Fragment};
use anyhow::{bail, Result};
use index_filter::{FilterIndex, PackedValue};
use index_metadata::{MetaChunk, MetaIndex, MetaPage};
use index_words::{PackedPage, PackedVariant, PackedWord, WordIndex};

use self::index_metadata::MetaSort;

pub mod accumulate;
mod index_filter;
mod index_metadata;
mod index_words;

pub struct PagefindIndexes {
    pub word_indexes: HashMap<String, Vec<u8>>,
    pub filter_indexes: HashMap<String, Vec<u8>>,
    pub meta_index: (String, Vec<u8>),
    /// cellbook patch: a fragment may come compressed already (`accumulate::reduce`).
    pub fragments: Vec<(String, Arc<Fragment>)>,
    pub sorts: Vec<String>,
    pub language: String,
    pub word_count: usize,
    pub page_count: usize,
}

#[derive(Clone)]
struct IntermediaryPageData {
    full_hash: String,
    fragment: Arc<Fragment>,
    word_count: usize,
    page_number: usize,
}

#[derive(Debug)]
enum SortType {
    String,
    Number,
}

/// cellbook patch: how many words are built at once (in parallel) from the accumulated word
/// lists and handed to the chunking, so that the whole word index is never held unpacked.
const WORD_BATCH: usize = 4096;

/// cellbook patch: at most this many packed bytes of word lists are built at once, whatever
/// `WORD_BATCH` allows. A site's words are few and often repeated (a word of every page has an
/// entry as long as the site), so that a batch of `WORD_BATCH` words held a large part of the
/// whole index unpacked, most of a build's peak memory.
const WORD_BATCH_BYTES: usize = 4 << 20;

/// cellbook patch: `words` cut into the batches that are built at once: each at most
/// `WORD_BATCH` words and `WORD_BATCH_BYTES` packed bytes, or a single word.
fn word_batches<'w>(acc: &Accumulator, words: &'w [&'w str], languages: &[usize]) -> Vec<&'w [&'w str]> {
    let sizes: Vec<usize> = words.par_iter().map(|word| acc.packed_len(word, languages)).collect();
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, size) in sizes.into_iter().enumerate() {
        if i > start && (i - start == WORD_BATCH || bytes + size > WORD_BATCH_BYTES) {
            batches.push(&words[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < words.len() {
        batches.push(&words[start..]);
    }
    batches
}

/// cellbook patch: builds one language's index from the accumulated pages: `pages` (indices
/// into `acc.pages`) in the order they are numbered, their words taken from the word lists of
/// `languages` (the page's own language, and "unknown" when it is merged into this one).
/// Upstream took the parsed pages themselves; the steps and the output are the same.
pub async fn build_indexes(
    acc: &Accumulator,
    pages: &[usize],
    languages: &[usize],
    language: String,
    options: &SearchOptions,
    fragment_sink: Option<FragmentSink<'_>>,
) -> Result<PagefindIndexes> {
    let mut meta = MetaIndex {
        version: options.version.into(),
        pages: Vec::new(),
        index_chunks: Vec::new(),
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields: Vec::new(),
    };
    let pages: Vec<&accumulate::PageRecord> = pages.iter().map(|&p| &acc.pages[p]).collect();

    /*
        - Collect all sort keys
        - Sort `pages` by one of them and set `default_sort`
        - Do the main enumerate loop as an iter_mut and set page numbers
        - Later on, for each other sort key:
            - Sort the `pages` array and output the page numbers to `alternate_sorts`
    */

    let mut filter_map: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
    let mut fragment_hashes: HashMap<String, IntermediaryPageData> = HashMap::new();
    let mut fragments: Vec<(usize, (String, IntermediaryPageData))> = Vec::new();

    // Get all possible sort keys
    let mut sorts: Vec<_> = pages
        .iter()
        .flat_map(|page| page.sort.keys().cloned())
        .collect();
    sorts.sort_unstable();
    sorts.dedup();

    // Determine the best sorting parser that fits all available values for each given key
    let mut sort_types: BTreeMap<String, SortType> = BTreeMap::new();
    for sort in sorts.iter() {
        let mut sort_values = pages.iter().flat_map(|page| page.sort.get(sort));
        sort_types.insert(
            sort.clone(),
            if sort_values.all(|v| parse_int_sort(v).is_some() || parse_float_sort(v).is_some()) {
                SortType::Number
            } else {
                SortType::String
            },
        );
    }

    for (sort_key, sort_type) in sort_types {
        let mut page_values: Vec<_> = pages
            .iter()
            .enumerate()
            .flat_map(|(page_number, page)| page.sort.get(&sort_key).map(|v| (v, page_number)))
            .collect();
        options.logger.v_info(format!(
            "Prebuilding sort order for {sort_key}, processed as type: {sort_type:#?}"
        ));
        match sort_type {
            SortType::String => page_values.sort_by_key(|p| p.0),
            SortType::Number => page_values.sort_by(|p1, p2| {
                let p1 = parse_int_sort(p1.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p1.0).unwrap_or_default());
                let p2 = parse_int_sort(p2.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p2.0).unwrap_or_default());

                p1.total_cmp(&p2)
            }),
        }
        meta.sorts.push(MetaSort {
            sort: sort_key,
            pages: page_values.into_iter().map(|p| p.1).collect(),
        });
    }

    let mut meta_fields_set: BTreeSet<String> = BTreeSet::new();
    for page in pages.iter() {
        meta_fields_set.extend(page.meta_fields.iter().cloned());
    }
    meta.meta_fields = meta_fields_set.into_iter().collect();

    // cellbook patch: each page's final number, and its metadata field ids in the global
    // order of `meta_fields`, by the language and provisional number the word lists hold.
    let mut numbers: Vec<Vec<Option<u32>>> = (0..acc.languages.len())
        .map(|l| vec![None; if languages.contains(&l) { acc.page_ids(l) } else { 0 }])
        .collect();
    let mut fields: Vec<Vec<Vec<u16>>> = numbers.iter().map(|n| vec![Vec::new(); n.len()]).collect();

    for (page_number, page) in pages.iter().enumerate() {
        numbers[page.language][page.id as usize] = Some(page_number as u32);
        fields[page.language][page.id as usize] = page
            .meta_fields
            .iter()
            .map(|name| meta.meta_fields.iter().position(|f| f == name).unwrap() as u16)
            .collect();

        // Merge filter entries using or_default for cleaner code
        for (filter, values) in &page.filters {
            for value in values {
                filter_map
                    .entry_ref(filter.as_str())
                    .or_default()
                    .entry_ref(value.as_str())
                    .or_default()
                    .push(page_number);
            }
        }

        // Handle fragment hashing (must be sequential due to collision handling)
        let encoded_page = IntermediaryPageData {
            full_hash: format!("{}_{}", language, page.fragment_hash),
            fragment: Arc::clone(&page.fragment),
            word_count: page.word_count,
            page_number,
        };
        let mut short_hash = &encoded_page.full_hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one until we stop colliding
        // TODO: There are some collision issues here.
        // If two builds match a collision in different orders the hashes will swap,
        // which could return incorrect data due to files being cached.
        while let Some(collision) = fragment_hashes.get(short_hash) {
            if collision.full_hash == encoded_page.full_hash {
                // These pages are identical. Add both under the same hash.
                fragments.push((
                    collision.word_count,
                    (collision.full_hash.clone(), collision.clone()),
                ));
            } else {
                let new_length = short_hash.len();
                short_hash = &encoded_page.full_hash[0..=new_length];
            }
        }
        fragment_hashes.insert(short_hash.to_string(), encoded_page);
    }

    fragments.extend(
        fragment_hashes
            .into_iter()
            .map(|(hash, frag)| (frag.word_count, (hash, frag))),
    );
    fragments.sort_by_cached_key(|(_, (_, fragment))| fragment.page_number);

    let page_count = fragments.len();
    let mut final_fragments = Vec::new();

    if let Some(max_fragments) =
        options.max_fragments.filter(|&m| m > 0 && (m as usize) < fragments.len())
    {
        let group_size = (fragments.len() as f32 / max_fragments as f32).ceil() as usize;
        options.logger.info(format!(
            "Bundling {} fragments into groups of {}, resulting in {} files",
            fragments.len(),
            group_size,
            fragments.chunks(group_size).len()
        ));
        let mut group_hashes: BTreeSet<String> = BTreeSet::new();
        for chunk in fragments.chunks(group_size) {
            let mut group_map = BTreeMap::new();
            for (_, (hash, frag)) in chunk {
                let val: serde_json::Value = serde_json::from_str(frag.fragment.json()).unwrap();
                group_map.insert(hash.clone(), val);
            }
            let group_json = serde_json::to_string(&group_map).unwrap();
            let prefix = format!("{language}_group_");
            let group_hash = format!("{prefix}{}", full_hash(group_json.as_bytes()));

            // If we hit a collision, extend one hash until we stop colliding
            let mut hash_length = 7;
            let mut short_group_hash = &group_hash[..prefix.len() + hash_length];
            while group_hashes.contains(short_group_hash) && hash_length < 40 {
                hash_length += 1;
                short_group_hash = &group_hash[..prefix.len() + hash_length];
            }
            group_hashes.insert(short_group_hash.to_string());

            final_fragments.push((short_group_hash.to_string(), Arc::new(Fragment::Json(group_json))));

            for (word_count, (hash, _)) in chunk {
                meta.pages.push(MetaPage {
                    hash: hash.clone(),
                    word_count: *word_count as u32,
                    group_hash: short_group_hash.to_string(),
                });
            }
        }
    } else {
        for (word_count, (hash, frag)) in fragments {
            final_fragments.push((hash.clone(), frag.fragment));
            meta.pages.push(MetaPage {
                hash: hash.clone(),
                word_count: word_count as u32,
                group_hash: "".into(),
            });
        }
    }

    // cellbook patch 21: the fragments are named: hand them out now, so that they are
    // written while the filters and words are built (the output does not write them again).
    if let Some(sink) = fragment_sink {
        for (hash, fragment) in final_fragments.drain(..) {
            sink(FragmentFile::new(&hash, fragment));
        }
    }

    // Encode filter indexes in parallel
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    let mut filter_map_vec: Vec<_> = filter_map.into_iter().collect();
    filter_map_vec.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let encoded_filters: Vec<(String, Vec<u8>, String)> = filter_map_vec
        .into_par_iter()
        .map(|(filter, values)| {
            let mut sorted_values: Vec<_> = values.into_iter().collect();
            sorted_values.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            let mut filter_index: Vec<u8> = Vec::new();
            let _ = minicbor::encode::<FilterIndex, &mut Vec<u8>>(
                FilterIndex {
                    filter: filter.clone(),
                    values: sorted_values
                        .into_iter()
                        .map(|(value, pages)| PackedValue { value, pages })
                        .collect(),
                },
                filter_index.as_mut(),
            );
            let hash = format!("{}_{}", language, full_hash(&filter_index));
            (filter, filter_index, hash)
        })
        .collect();

    // Handle hash collisions sequentially (required for correctness)
    let mut filter_indexes = HashMap::new();
    for (filter, filter_index, hash) in encoded_filters {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        // TODO: DRY
        while filter_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        filter_indexes.insert(short_hash.to_string(), filter_index);
        meta.filters.push(MetaFilter {
            filter,
            hash: short_hash.to_string(),
        })
    }

    if TryInto::<u32>::try_into(meta.pages.len()).is_err() {
        options.logger.error(format!(
            "Language {} has too many documents to index, must be < {}",
            language,
            u32::MAX
        ));
        bail!(
            "Language {language} has too many documents to index, must be < {}",
            u32::MAX
        );
    }

    // TODO: Parameterize these chunk sizes via byte size rather than word count
    // cellbook patch: the words are built from the accumulated word lists a batch at a time,
    // in sorted order (as `chunk_index` sorts them), and each chunk is encoded once full.
    let words = acc.words(languages);
    let mut word_count = 0;
    let mut chunk_names: Vec<MetaChunk> = Vec::new();
    let mut encoded_chunks: Vec<(usize, Vec<u8>, String)> = Vec::new();
    let mut chunk: Vec<PackedWord> = Vec::new();
    let mut chunk_size = 0;
    let mut full: Vec<Vec<PackedWord>> = Vec::new();
    let mut batches = word_batches(acc, &words, languages).into_iter().peekable();
    while let Some(batch) = batches.next() {
        let built: Vec<Option<PackedWord>> = batch
            .par_iter()
            .map(|word| acc.build_word(word, languages, &numbers, &fields))
            .collect();
        for word in built.into_iter().flatten() {
            word_count += 1;
            chunk_size += index_size(&word);
            chunk.push(word);
            if chunk_size >= options.index_chunk_size {
                full.push(std::mem::take(&mut chunk));
                chunk_size = 0;
            }
        }
        if batches.peek().is_none() && !chunk.is_empty() {
            full.push(std::mem::take(&mut chunk));
        }
        let first = encoded_chunks.len();
        chunk_names.extend(full.iter().map(|chunk| MetaChunk {
            from: chunk.first().map_or("".into(), |w| w.word.clone()),
            to: chunk.last().map_or("".into(), |w| w.word.clone()),
            hash: "".into(),
        }));
        // Encode word index chunks in parallel (delta encoding + CBOR serialization)
        encoded_chunks.par_extend(
            std::mem::take(&mut full)
                .into_par_iter()
                .enumerate()
                .map(|(i, chunk)| {
                    let (word_index, hash) = encode_chunk(chunk, &language);
                    (first + i, word_index, hash)
                }),
        );
    }
    drop(numbers);
    drop(fields);
    meta.index_chunks = trim_chunk_meta(chunk_names);

    // Handle hash collisions sequentially (required for correctness)
    let mut word_indexes: HashMap<String, Vec<u8>> = HashMap::new();
    for (i, word_index, hash) in encoded_chunks {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        while word_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        word_indexes.insert(short_hash.to_string(), word_index);
        meta.index_chunks[i].hash = short_hash.into();
    }

    let mut meta_index: Vec<u8> = Vec::new();
    let _ = minicbor::encode::<MetaIndex, &mut Vec<u8>>(meta, meta_index.as_mut());

    let meta_hash = format!(
        "{}_{}",
        language,
        &full_hash(&meta_index)[0..=(language.len() + 7)]
    );

    Ok(PagefindIndexes {
        word_indexes,
        filter_indexes,
        sorts,
        meta_index: (meta_hash, meta_index),
        fragments: final_fragments,
        language,
        word_count,
        page_count,
    })
}


/// cellbook patch: a page's words with their positions on it, as upstream's per-page step
/// made them, for the page numbered `page_number`; metadata field ids are the page's own (the
/// place of the field among the page's metadata names).
fn page_words(
    word_data: HashMap<String, Vec<FossickedWord>>,
    meta_word_data: HashMap<String, Vec<MetaFossickedWord>>,
    page_number: usize,
) -> HashMap<String, PackedWord> {
    let mut local_word_map: HashMap<String, PackedWord> = HashMap::new();
        for (word, positions) in word_data {
            // Group positions by original_word for this page
            let mut normalized_positions: Vec<FossickedWord> = Vec::new();
            let mut variant_positions: BTreeMap<String, Vec<FossickedWord>> = BTreeMap::new();

            // cellbook patch: most words have no diacritics at all; their positions are
            // taken as they are rather than copied one by one.
            if positions.iter().all(|p| p.original_word.is_none()) {
                normalized_positions = positions;
            } else {
                for fossicked in positions {
                    if fossicked.original_word.is_none() {
                        // No diacritics - original matches normalized form
                        normalized_positions.push(fossicked);
                    } else {
                        // Original form differs (has diacritics) - stored instead in additional_variants
                        variant_positions
                            .entry(fossicked.original_word.clone().unwrap())
                            .or_default()
                            .push(fossicked);
                    }
                }
            }

            // cellbook patch: the word is moved into the map, cloned once (not twice).
            let packed_word = local_word_map.entry(word).or_insert_with_key(|word| PackedWord {
                word: word.clone(),
                pages: Vec::new(),
                additional_variants: Vec::new(),
            });

            if !normalized_positions.is_empty() {
                packed_word.pages.push(positions_to_packed_page(
                    normalized_positions,
                    page_number,
                ));
            }

            for (variant_form, variant_pos) in variant_positions {
                let variant_page =
                    positions_to_packed_page(variant_pos, page_number);

                if let Some(existing_variant) = packed_word
                    .additional_variants
                    .iter_mut()
                    .find(|v| v.form == variant_form)
                {
                    existing_variant.pages.push(variant_page);
                } else {
                    packed_word.additional_variants.push(PackedVariant {
                        form: variant_form,
                        pages: vec![variant_page],
                    });
                }
            }
        }

        for (word, meta_positions) in meta_word_data {
            let mut normalized_meta_positions: Vec<MetaFossickedWord> = Vec::new();
            let mut variant_meta_positions: BTreeMap<String, Vec<MetaFossickedWord>> =
                BTreeMap::new();

            for meta_fossicked in meta_positions {
                if let Some(original) = meta_fossicked.original_word.clone() {
                    variant_meta_positions
                        .entry(original)
                        .or_default()
                        .push(meta_fossicked);
                } else {
                    normalized_meta_positions.push(meta_fossicked);
                }
            }

            let packed_word =
                local_word_map
                    .entry(word.clone())
                    .or_insert_with(|| PackedWord {
                        word: word.clone(),
                        pages: Vec::new(),
                        additional_variants: Vec::new(),
                    });

            if !normalized_meta_positions.is_empty() {
                let meta_locs = meta_positions_to_packed(normalized_meta_positions);

                if let Some(existing_page) = packed_word
                    .pages
                    .iter_mut()
                    .find(|p| p.page_number == page_number)
                {
                    existing_page.meta_locs = meta_locs;
                } else {
                    packed_word.pages.push(PackedPage {
                        page_number,
                        locs: vec![],
                        meta_locs,
                    });
                }
            }

            // Handle diacritic variants in meta
            for (variant_form, variant_pos) in variant_meta_positions {
                let meta_locs = meta_positions_to_packed(variant_pos);

                if let Some(existing_variant) = packed_word
                    .additional_variants
                    .iter_mut()
                    .find(|v| v.form == variant_form)
                {
                    if let Some(existing_page) = existing_variant
                        .pages
                        .iter_mut()
                        .find(|p| p.page_number == page_number)
                    {
                        existing_page.meta_locs = meta_locs;
                    } else {
                        existing_variant.pages.push(PackedPage {
                            page_number,
                            locs: vec![],
                            meta_locs,
                        });
                    }
                } else {
                    packed_word.additional_variants.push(PackedVariant {
                        form: variant_form,
                        pages: vec![PackedPage {
                            page_number,
                            locs: vec![],
                            meta_locs,
                        }],
                    });
                }
            }
        }

    local_word_map
}

/// cellbook patch: how much a word adds to its chunk (upstream's measure in `chunk_index`).
fn index_size(word: &PackedWord) -> usize {
    word.pages
        .iter()
        .chain(word.additional_variants.iter().flat_map(|v| &v.pages))
        .map(|p| p.locs.len() + p.meta_locs.len() + 1)
        .sum::<usize>()
        + word.additional_variants.len()
}

/// cellbook patch: one chunk of the word index, encoded (upstream's loop body), and its hash.
fn encode_chunk(chunk: Vec<PackedWord>, language: &str) -> (Vec<u8>, String) {
    // Delta-encode page numbers within each word's page list
    let delta_chunk: Vec<PackedWord> = chunk
        .into_iter()
        .map(|mut word| {
            let mut last_page: usize = 0;
            for page in &mut word.pages {
                let delta = page.page_number - last_page;
                last_page = page.page_number;
                page.page_number = delta;
            }
            // Also handle additional_variants
            for variant in &mut word.additional_variants {
                let mut last_page: usize = 0;
                for page in &mut variant.pages {
                    let delta = page.page_number - last_page;
                    last_page = page.page_number;
                    page.page_number = delta;
                }
            }
            word
        })
        .collect();

    let mut word_index: Vec<u8> = Vec::new();
    let _ = minicbor::encode::<WordIndex, &mut Vec<u8>>(
        WordIndex { words: delta_chunk },
        word_index.as_mut(),
    );

    let hash = format!("{}_{}", language, full_hash(&word_index));
    (word_index, hash)
}

/// Convert fossicked word positions to a packed page representation.
/// Sorts by weight (with common weight 25 first) then by position for delta encoding.
fn positions_to_packed_page(mut positions: Vec<FossickedWord>, page_number: usize) -> PackedPage {
    // A page weight of 1 is encoded as 25. Since most words should be this weight,
    // we want to sort them to be first in the locations array to reduce filesize
    // when we inline weight changes.
    // We then sort by position within each weight group,
    // which helps us delta encode the index.
    // cellbook patch: sorted in place, without a cached copy of every key. Two positions with
    // the same key are the same (position, weight) pair, so their order cannot show.
    positions.sort_unstable_by_key(|p| (if p.weight == 25 { 0 } else { p.weight }, p.position));

    let mut current_weight = 25;
    // cellbook patch 22: room for the marker each change of weight adds too.
    let weight_changes = positions.windows(2).filter(|pair| pair[0].weight != pair[1].weight).count()
        + usize::from(positions.first().is_some_and(|p| p.weight != 25));
    let mut weighted_positions = Vec::with_capacity(positions.len() + weight_changes);
    let mut last_position = 0;

    // Calculate our output list of positions with weights.
    // This is a vec of page positions, with a change in weight for subsequent positions
    // denoted by a negative integer.
    for FossickedWord {
        position, weight, ..
    } in positions
    {
        if weight != current_weight {
            // Weight change: emit marker + absolute position, new delta base
            weighted_positions.push(-(weight as i32) - 1);
            weighted_positions.push(position as i32);
            last_position = position;
            current_weight = weight;
        } else {
            // emit delta from previous position
            weighted_positions.push((position - last_position) as i32);
            last_position = position;
        }
    }

    PackedPage {
        page_number,
        locs: weighted_positions,
        meta_locs: vec![],
    }
}

/// cellbook patch: how many parts the word index is merged in, on all cores. Any number gives
/// the same index; more parts than cores keep both cores busy when the parts differ in size.
const WORD_SHARDS: usize = 16;

/// cellbook patch: the part of the word index a word is merged in (FNV-1a: the same from run
/// to run, so the work is split the same way every time).
fn word_shard(word: &str) -> usize {
    let hash = word.bytes().fold(0xcbf29ce484222325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100000001b3)
    });
    (hash % WORD_SHARDS as u64) as usize
}

/// cellbook patch: upstream's chunking of a whole word index, kept for its tests; the build
/// chunks batch by batch with the same measure (`index_size`).
#[cfg(test)]
fn chunk_index(mut words: Vec<PackedWord>, chunk_size: usize) -> Vec<Vec<PackedWord>> {
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    // cellbook patch: compared in place (`sort_by_key` cloned both words for every comparison).
    words.sort_by(|a, b| a.word.cmp(&b.word));

    let mut index_chunks = Vec::new();

    let mut index_chunk = Vec::new();
    let mut index_chunk_size = 0;
    for word in words.into_iter() {
        index_chunk_size += index_size(&word);
        index_chunk.push(word);
        if index_chunk_size >= chunk_size {
            // cellbook patch: moved, not cloned (a copy of the whole index, for nothing).
            index_chunks.push(std::mem::take(&mut index_chunk));
            index_chunk_size = 0;
        }
    }
    if !index_chunk.is_empty() {
        index_chunks.push(index_chunk);
    }

    index_chunks
}

#[cfg(test)]
fn chunk_meta(indexes: &[Vec<PackedWord>]) -> Vec<MetaChunk> {
    let mut named_chunks: Vec<MetaChunk> = Vec::new();

    for chunk in indexes.iter() {
        named_chunks.push(MetaChunk {
            from: chunk.first().map_or("".into(), |w| w.word.clone()),
            to: chunk.last().map_or("".into(), |w| w.word.clone()),
            hash: "".into(),
        });
    }
    trim_chunk_meta(named_chunks)
}

/// cellbook patch: the second half of upstream's `chunk_meta`, for chunks named as they are
/// encoded.
fn trim_chunk_meta(mut named_chunks: Vec<MetaChunk>) -> Vec<MetaChunk> {
    if named_chunks.len() > 1 {
        for i in 0..named_chunks.len() - 1 {
            let chunks = &mut named_chunks[i..=i + 1];
            let prefixes = get_prefixes((&chunks[0].to, &chunks[1].from));
            // Only trim 'to' if it won't create an invalid range (to < from)
            if prefixes.0 >= chunks[0].from {
                chunks[0].to = prefixes.0;
            }
            // Always trim the next chunk's 'from'
            chunks[1].from = prefixes.1;
        }
    }

    named_chunks
}

fn get_prefixes((a, b): (&str, &str)) -> (String, String) {
    let common_prefix_length: usize = b
        .chars()
        .zip(a.chars())
        .take_while(|&(a, b)| a == b)
        .count();

    let a_prefix = a.chars().take(common_prefix_length + 1).collect::<String>();
    let b_prefix = b.chars().take(common_prefix_length + 1).collect::<String>();

    (a_prefix, b_prefix)
}

fn parse_int_sort(value: &str) -> Option<i32> {
    lexical_core::parse::<i32>(value.as_bytes()).ok()
}

fn parse_float_sort(value: &str) -> Option<f32> {
    lexical_core::parse::<f32>(value.as_bytes()).ok()
}

/// Encode meta positions with field ID markers.
/// Negative numbers switch field IDs, positive numbers are delta-encoded positions.
/// e.g., [-1, 0, 5, -4, 2] means: field 0 positions [0, 5], field 3 positions [2]
fn meta_positions_to_packed(mut positions: Vec<MetaFossickedWord>) -> Vec<i32> {
    if positions.is_empty() {
        return vec![];
    }

    positions.sort_by_key(|p| (p.field_id, p.position));

    let mut current_field: Option<u16> = None;
    let mut last_position: u32 = 0;
    let mut result = Vec::with_capacity(positions.len() + 8);

    for MetaFossickedWord {
        field_id, position, ..
    } in positions
    {
        if Some(field_id) != current_field {
            result.push(-((field_id as i32) + 1));
            current_field = Some(field_id);
            last_position = 0;
        }
        result.push((position - last_position) as i32);
        last_position = position;
    }

    result
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Mock {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>);
    }
    impl Mock for HashMap<String, PackedWord> {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>) {
            let page = PackedPage {
                page_number,
                locs,
                meta_locs: vec![],
            };
            match self.get_mut(word) {
                Some(w) => w.pages.push(page),
                None => {
                    let _ = self.insert(
                        word.into(),
                        PackedWord {
                            word: word.into(),
                            pages: vec![page],
                            additional_variants: vec![],
                        },
                    );
                }
            }
        }
    }

    fn test_words() -> HashMap<String, PackedWord> {
        let mut words = HashMap::new();
        words.word("apple", 1, vec![20, 40, 60]);
        words.word("apple", 5, vec![3, 6, 9]);
        words.word("apricot", 5, vec![45, 3432, 6003]);
        words.word("banana", 5, vec![100, 500, 900, 566]);
        words.word("peach", 5, vec![383, 2, 678]);

        words
    }

    /// The same postings, but held as diacritic variants rather than on the word itself
    fn test_variant_words() -> HashMap<String, PackedWord> {
        let mut words = test_words();
        for word in words.values_mut() {
            word.additional_variants.push(PackedVariant {
                form: format!("{}\u{0301}", word.word),
                pages: std::mem::take(&mut word.pages),
            });
        }
        words
    }

    #[test]
    fn build_index_chunks() {
        let chunks = chunk_index(test_words().into_values().collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].word, "apple");
        assert_eq!(chunks[1][0].word, "apricot");
        assert_eq!(chunks[1][1].word, "banana");
        assert_eq!(chunks[2][0].word, "peach");
    }

    #[test]
    fn build_index_chunks_from_variant_words() {
        let chunks = chunk_index(test_variant_words().into_values().collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].word, "apple");
        assert_eq!(chunks[1][0].word, "apricot");
        assert_eq!(chunks[1][1].word, "banana");
        assert_eq!(chunks[2][0].word, "peach");
    }

    #[test]
    fn build_chunk_meta() {
        let chunks = chunk_index(test_words().into_values().collect(), 8);
        let meta = chunk_meta(&chunks);
        assert_eq!(meta.len(), 3);
        assert_eq!(
            meta[0],
            MetaChunk {
                from: "apple".into(),
                to: "apple".into(), // Not trimmed to "app" since that would make to < from
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[1],
            MetaChunk {
                from: "apr".into(),
                to: "b".into(),
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[2],
            MetaChunk {
                from: "p".into(),
                to: "peach".into(),
                hash: "".into(),
            }
        );
    }

    #[test]
    fn common_prefix() {
        assert_eq!(
            get_prefixes(("apple", "apricot")),
            ("app".into(), "apr".into())
        );
        assert_eq!(
            get_prefixes(("cataraman", "yacht")),
            ("c".into(), "y".into())
        );
        assert_eq!(
            get_prefixes(("cath", "cathartic")),
            ("cath".into(), "catha".into())
        );
        // This should be an invalid state, but just in case:
        assert_eq!(
            get_prefixes(("catha", "cath")),
            ("catha".into(), "cath".into())
        );
    }
}
