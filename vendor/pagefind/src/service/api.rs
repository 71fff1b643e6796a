//! The programmatic service interface for integrating Pagefind into another Rust project.
//!
//! # Examples
//!
//! ```
//! use pagefind::api::{PagefindIndex};
//! use pagefind::options::{PagefindServiceConfig};
//!
//! #[tokio::main]
//! async fn main() {
//!     let options = PagefindServiceConfig::builder()
//!         .keep_index_url(true)
//!         .force_language("en".to_string())
//!         .build();
//!     let mut index = PagefindIndex::new(Some(options)).expect("Options should be valid");
//!     let indexing_response = index
//!         .add_html_file(
//!             Some("test/index.html".into()),
//!             None,
//!             "<html><body><h1>Test content</h1></body></html>".into(),
//!         )
//!         .await;
//!
//!     if let Ok(file) = indexing_response {
//!         println!("Page word count: {}", file.page_word_count);
//!         println!("Page URL: {}", file.page_url);
//!     }
//!
//!     let files_response = index.get_files().await;
//!     if let Ok(files) = files_response {
//!         println!("Have {} files to write to disk", files.len());
//!     }
//! }
//! ```

// cellbook patch: what `reduce_html_files` returns and `add_reduced_pages` takes.
pub use crate::index::accumulate::ReducedPage;
pub use crate::output::{FragmentFile, FragmentSink, SyntheticFile};
use anyhow::{bail, Result};
use rust_patch::Patch;
use std::{collections::BTreeMap, path::PathBuf, sync::Arc};

use crate::{
    fossick::{parser::DomParserResult, Fossicker},
    options::PagefindServiceConfig,
    PagefindInboundConfig, SearchOptions, SearchState,
};

#[derive(Debug)]
pub struct IndexedFileResponse {
    pub page_word_count: u32,
    pub page_url: String,
    pub page_meta: BTreeMap<String, String>,
}

pub struct PagefindIndex {
    search_index: Arc<tokio::sync::Mutex<SearchState>>,
}

impl PagefindIndex {
    /// Create a new PagefindIndex instance that files can be added to.
    ///
    /// # Arguments
    /// * `config` - An optional PagefindServiceConfig to override default options for the service.
    ///
    /// # Returns
    /// A PagefindIndex instance if search options are valid, otherwise an Error.
    pub fn new(config: Option<PagefindServiceConfig>) -> Result<Self> {
        let mut service_options: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");

        service_options.service = true;
        if let Some(config) = config {
            service_options = config.apply(service_options);
        }

        let options = SearchOptions::load(service_options)?;
        Ok(Self {
            search_index: Arc::new(tokio::sync::Mutex::new(SearchState::new(options))),
        })
    }

    /// Add an HTML file that isn't on disk into this search index.
    /// Either a filepath or a URL must be provided.
    ///
    /// # Arguments
    /// * `source_path` - The source path of the HTML file if it were to exist on disk.
    /// * `url` - An explicit URL to use, instead of having Pagefind compute the URL based on the `source_path`.
    /// * `content` - The source HTML content of the file to be parsed.
    ///
    /// # Returns
    /// Metadata about the added file if successful, otherwise an Error.
    pub async fn add_html_file(
        &mut self,
        source_path: Option<String>,
        url: Option<String>,
        content: String,
    ) -> Result<IndexedFileResponse> {
        if source_path.is_none() && url.is_none() {
            bail!("Either source_path or url must be provided");
        }

        let file = Fossicker::new_synthetic(source_path.map(PathBuf::from), url, content);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(IndexedFileResponse {
            page_word_count: data.fragment.data.word_count as u32,
            page_url: data.fragment.data.url,
            page_meta: data.fragment.data.meta,
        })
    }

    /// cellbook patch: adds many HTML files that aren't on disk, parsed on all cores.
    /// Each is (url, content); they are indexed in the order given.
    ///
    /// # Returns
    /// The number of files added if all parsed, otherwise the first Error.
    pub async fn add_html_files(&mut self, files: Vec<(String, String)>) -> Result<usize> {
        let files: Vec<Fossicker> = files
            .into_iter()
            .map(|(url, content)| Fossicker::new_synthetic(None, Some(url), content).plainly())
            .collect();
        let state = Arc::clone(&self.search_index);
        tokio::task::spawn_blocking(move || state.blocking_lock().fossick_all(files))
            .await
            .map_err(|e| anyhow::anyhow!("Task join error: {e}"))?
    }

    /// cellbook patch: parses many HTML files that aren't on disk, on all cores, and returns
    /// them reduced to what the index needs, in the order given, without adding them. A page
    /// can be kept ([`ReducedPage::to_bytes`]) and added to a later index of the same version
    /// of pagefind with the same options ([`PagefindIndex::add_reduced_pages`]) instead of
    /// being parsed again: the index is the same as with `add_html_files`.
    pub async fn reduce_html_files(&self, files: Vec<(String, String)>) -> Result<Vec<ReducedPage>> {
        let files: Vec<Fossicker> = files
            .into_iter()
            .map(|(url, content)| Fossicker::new_synthetic(None, Some(url), content).plainly())
            .collect();
        let state = Arc::clone(&self.search_index);
        tokio::task::spawn_blocking(move || state.blocking_lock().reduce_all(files))
            .await
            .map_err(|e| anyhow::anyhow!("Task join error: {e}"))?
    }

    /// cellbook patch: adds pages reduced by [`PagefindIndex::reduce_html_files`], indexed in
    /// the order given; returns how many.
    pub async fn add_reduced_pages(&mut self, pages: Vec<ReducedPage>) -> Result<usize> {
        Ok(self.search_index.lock().await.add_reduced(pages))
    }

    /// cellbook patch 19: whether `add_html_files` and `reduce_html_files` parse this document
    /// with their plain-HTML parser (the same result as lol_html's, faster) rather than with
    /// lol_html, which parses what the plain parser declines.
    pub async fn parses_plainly(&self, content: &str) -> bool {
        let state = self.search_index.lock().await;
        crate::fossick::parser::parse_plain(content, &state.options).is_some()
    }

    /// Index a custom record that isn't backed by an HTML file.
    ///
    /// # Arguments
    /// * `url` - The output URL of this record. Pagefind will not alter this.
    /// * `content` - The raw content of this record.
    /// * `language` - What language is this record written in. Expects an ISO 639-1 code.
    /// * `meta` - The metadata to attach to this record. Supplying a `title` is highly recommended.
    /// * `filters` - The filters to attach to this record.
    /// * `sort` - The sort keys to attach to this record.
    ///
    /// # Returns
    /// Metadata about the added record if successful, otherwise an Error.
    pub async fn add_custom_record(
        &mut self,
        url: String,
        content: String,
        language: String,
        meta: Option<BTreeMap<String, String>>,
        filters: Option<BTreeMap<String, Vec<String>>>,
        sort: Option<BTreeMap<String, String>>,
    ) -> Result<IndexedFileResponse> {
        let force_language = self
            .search_index
            .lock()
            .await
            .options
            .force_language
            .clone();
        let data = DomParserResult {
            digest: content,
            filters: filters.unwrap_or_default(),
            sort: sort.unwrap_or_default(),
            meta: meta.unwrap_or_default(),
            anchor_content: BTreeMap::new(),
            anchor_titles: BTreeMap::new(),
            has_custom_body: false,
            force_inclusion: true,
            has_html_element: true,
            has_old_bundle_reference: false,
            has_default_ui_reference: false,
            language: force_language.unwrap_or(language),
        };
        let file = Fossicker::new_with_data(url, data);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(IndexedFileResponse {
            page_word_count: data.fragment.data.word_count as u32,
            page_url: data.fragment.data.url,
            page_meta: data.fragment.data.meta,
        })
    }

    /// Index a directory of HTML files from disk.
    ///
    /// # Arguments
    /// * `path` - The path to the directory to index.
    /// * `glob` - A glob pattern to match files in the directory. If not provided, the default glob pattern will be used.
    ///
    /// # Returns
    /// The number of pages indexed if successful, otherwise an Error.
    pub async fn add_directory(&mut self, path: String, glob: Option<String>) -> Result<usize> {
        let defaults: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");
        let glob = glob.unwrap_or(defaults.glob);

        let state = Arc::clone(&self.search_index);
        let page_count = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_many(PathBuf::from(path), glob)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(page_count)
    }

    /// Build the search index for this instance and hold it in memory.
    pub async fn build_indexes(&mut self) -> Result<()> {
        self.search_index.lock().await.build_indexes().await
    }

    /// Build the search index for this instance and write the files to disk.
    ///
    /// # Arguments
    /// * `output_path` - The path to write the files to. If not provided, the default output path will be used.
    ///
    /// # Returns
    /// The path files were written to if successful, otherwise an Error.
    pub async fn write_files(&mut self, output_path: Option<String>) -> Result<String> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        let resolved_output_path = state.write_files(output_path.map(Into::into)).await;

        Ok(resolved_output_path.to_string_lossy().into())
    }

    /// cellbook patch: like `get_files`, but the added files are moved into the index rather
    /// than copied, so the instance holds one copy of them at most; it cannot build again.
    pub async fn take_files(&mut self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes_once().await?;
        Ok(state.get_files().await)
    }

    /// cellbook patch 21: like `take_files`, but each fragment's file is handed to `fragment`
    /// as soon as the index names it, before the filter and word indexes are built, so that
    /// the caller can write the fragments meanwhile. The files returned are the others.
    pub async fn take_files_sending_fragments(
        &mut self,
        fragment: FragmentSink<'_>,
    ) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes_once_sending(fragment).await?;
        Ok(state.get_files().await)
    }

    /// Build the search index for this instance and return the files as a list of
    /// SyntheticFileResponse.
    ///
    /// # Returns
    /// A list of SyntheticFiles containing the path and content of each file.
    pub async fn get_files(&mut self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        Ok(state.get_files().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cellbook patch: the files of an index of `files` (url, html), added in one call.
    async fn index_of(files: Vec<(&str, &str)>) -> Vec<(PathBuf, Vec<u8>)> {
        let options = PagefindServiceConfig::builder().keep_index_url(true).build();
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        let files = files.into_iter().map(|(u, h)| (u.to_string(), h.to_string())).collect();
        index.add_html_files(files).await.unwrap();
        let mut files: Vec<_> = index
            .take_files()
            .await
            .unwrap()
            .into_iter()
            .map(|f| (f.filename, f.contents))
            .collect();
        files.sort();
        files
    }

    /// cellbook patch: pages without `data-pagefind-body` are left out when another page has
    /// one, without a trace: not in the page numbers, nor in the order of a word's variants
    /// (the left-out page has them in another order).
    #[tokio::test]
    async fn pages_left_out_leave_no_trace() {
        let body = r#"<html lang="en"><body><main data-pagefind-body><p>cafe café cafè résumé</p></main></body></html>"#;
        let other = r#"<html lang="en"><body><p>cafè résumé café zebra</p></body></html>"#;
        let with_others = index_of(vec![("/a/", other), ("/b/", body), ("/c/", other)]).await;
        assert_eq!(with_others, index_of(vec![("/b/", body)]).await);
    }

    /// cellbook patch: pages without a language are indexed after those of the main language,
    /// whatever the order they were added in.
    #[tokio::test]
    async fn pages_without_a_language_come_after_the_main_language() {
        let page = |lang: &str, words: &str| {
            format!(r#"<html{lang}><body><main data-pagefind-body><p>{words}</p></main></body></html>"#)
        };
        let (first, second) = (page(r#" lang="en""#, "zebra café"), page(r#" lang="en""#, "zebra cafè"));
        let unknown = page("", "cafè zebra");
        let mixed = index_of(vec![("/u/", &unknown), ("/a/", &first), ("/b/", &second)]).await;
        let ordered = index_of(vec![("/a/", &first), ("/b/", &second), ("/u/", &unknown)]).await;
        assert_eq!(mixed, ordered);
    }

    #[tokio::test]
    async fn test_add_file() {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("en".to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        let file_response = index
            .add_html_file(
                Some("test/index.html".into()),
                None,
                "<html><body><h1>Test content</h1></body></html>".into(),
            )
            .await;

        let file = file_response.expect("Adding a file should succeed");
        assert_eq!(file.page_word_count, 2);
        assert_eq!(file.page_url, "/test/index.html");

        let files_response = index.get_files().await;

        let files = files_response.expect("Getting files should succeed");
        let filenames: Vec<_> = files.into_iter().map(|f| f.filename).collect();
        assert!(filenames.contains(&PathBuf::from("pagefind.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.css")));
        assert!(filenames.contains(&PathBuf::from("wasm.en.pagefind")));
        assert!(filenames.contains(&PathBuf::from("pagefind-entry.json")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_meta")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_fragment")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_index")));
    }
}
