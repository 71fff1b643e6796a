//! The search index, built with pagefind used as a library.
//!
//! In: the site model. Out: pagefind's bundle (index, fragments, its JavaScript and UI) as files
//! for `pagefind/`. Each article and section is given to pagefind as a compact document made from
//! the model (title, rendered body, the filters `[search] filters` names) rather than the
//! full themed page: the index does not depend on the templates, and pagefind parses a fraction
//! of the HTML. pagefind's extended segmentation splits Chinese into words; it keeps one index per
//! language. pagefind is patched (vendor/pagefind/PATCHES.md) to parse the documents and compress
//! its files on all cores; upstream takes in-memory documents one at a time.

use crate::highlight::escape;
use crate::site::Site;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// A page as pagefind sees it.
pub struct Document {
    pub url: String,
    pub html: String,
}

/// The searchable documents of a site: articles, and sections with an introduction.
pub fn documents(site: &Site) -> Vec<Document> {
    site.pages
        .iter()
        .enumerate()
        .filter(|(p, page)| !page.is_index || !site.rendered[*p].html.trim().is_empty())
        .map(|(p, page)| {
            let mut filters = String::new();
            for taxonomy in site.config.taxonomies.iter().filter(|t| site.config.search.filters_by(&t.key)) {
                let Some(terms) = page.front.terms.get(&taxonomy.key) else { continue };
                // The filter's name is what readers see above its choices, in their language.
                let name = escape(taxonomy.title_in(&page.lang));
                for term in terms.ids().iter().filter_map(|id| taxonomy.term(id)) {
                    let label = escape(term.label_in(&page.lang));
                    filters.push_str(&format!("<span data-pagefind-filter=\"{name}\">{label}</span>"));
                }
            }
            let html = format!(
                "<html lang=\"{lang}\"><head><title>{title}</title></head><body><main data-pagefind-body><h1>{title}</h1><p>{description}</p>{body}</main>{filters}</body></html>",
                lang = escape(&page.lang),
                title = escape(page.title()),
                description = escape(page.front.description.as_deref().unwrap_or("")),
                body = without_code(&site.rendered[p].html),
            );
            Document { url: site.base.link(&crate::site::links::encode_path(&page.url)), html }
        })
        .chain(trials_documents(site))
        .collect()
}

/// The table of every trial, once per language: each trial's name, ids and what it found, so
/// that a search for a trial's name or registry id finds the table.
fn trials_documents(site: &Site) -> Vec<Document> {
    let Some(evidence) = &site.config.evidence else { return Vec::new() };
    site.languages()
        .into_iter()
        .map(|lang| {
            let title = escape(evidence.trials_title_in(lang));
            let rows: String = site
                .trials
                .iter()
                .map(|t| {
                    let name = t.text(lang, |x| x.name.as_ref(), Some(&t.name)).unwrap_or(&t.name);
                    let summary = t.text(lang, |x| x.result_summary.as_ref(), t.result_summary.as_deref()).unwrap_or("");
                    format!("<p>{} {} {}: {}</p>", escape(name), escape(&t.id), escape(&t.other_ids.join(" ")), escape(summary))
                })
                .collect();
            let path = format!("{}{}/", site.lang_prefix(lang), evidence.trials_path.trim_matches('/'));
            let html = format!(
                "<html lang=\"{lang}\"><head><title>{title}</title></head><body><main data-pagefind-body><h1>{title}</h1>{rows}</main></body></html>"
            );
            Document { url: site.base.link(&crate::site::links::encode_path(&path)), html }
        })
        .collect()
}

/// The HTML without its highlighted code blocks: readers search for words, not code, and the
/// highlighting spans would make pagefind parse several times more HTML.
fn without_code(html: &str) -> String {
    const OPEN: &str = "<pre class=\"code\">";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        match rest[start..].find("</pre>") {
            Some(end) => rest = &rest[start + end + "</pre>".len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Indexes the documents; returns (path inside the output, contents) of the bundle.
pub fn index(documents: Vec<Document>) -> Result<Vec<(String, Vec<u8>)>, String> {
    index_then(documents, || ())
}

/// [`index`], calling `parsed` once pagefind has parsed every document (or failed to), before
/// it builds and compresses the index.
pub fn index_then(documents: Vec<Document>, parsed: impl FnOnce()) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("search index: cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder().keep_index_url(false).build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("search index: {e}"))?;
        let documents = documents.into_iter().map(|d| (d.url, d.html)).collect();
        let start = std::time::Instant::now();
        let added = index.add_html_files(documents).await;
        parsed();
        added.map_err(|e| format!("search index: {e}"))?;
        let start = crate::progress::phase("search: parse documents", start);
        let bundle = index.take_files().await.map_err(|e| format!("search index: {e}"))?;
        crate::progress::phase("search: build and compress the index", start);
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

#[cfg(test)]
mod tests {
    #[test]
    fn code_blocks_are_left_out() {
        let html = "<p>a</p><pre class=\"code\"><code><span>x</span></code></pre><p>b</p>";
        assert_eq!(super::without_code(html), "<p>a</p><p>b</p>");
    }
}
