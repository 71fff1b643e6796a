//! The search index, built with pagefind used as a library.
//!
//! In: the rendered HTML of articles, sections and home pages, with their URLs. Out: pagefind's
//! bundle (index, fragments, its JavaScript and UI) as files for `pagefind/`. pagefind's
//! extended segmentation splits Chinese into words, and it keeps one index per `<html lang>`.

use crate::render::OutputFile;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Indexes the searchable pages; returns (path inside the output, contents).
pub fn index(files: &[OutputFile], base_path: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("search index: cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder().keep_index_url(false).build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("search index: {e}"))?;
        for file in files.iter().filter(|f| f.searchable) {
            let url = format!("{base_path}{}", file.path.trim_end_matches("index.html"));
            index
                .add_html_file(None, Some(url), file.contents.clone())
                .await
                .map_err(|e| format!("search index: {}: {e}", file.path))?;
        }
        let bundle = index.get_files().await.map_err(|e| format!("search index: {e}"))?;
        Ok(bundle
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                let name = name.trim_start_matches("./").trim_start_matches("pagefind/").to_string();
                (format!("pagefind/{name}"), f.contents)
            })
            .collect())
    })
}
