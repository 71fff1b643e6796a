//! cellbook: Markdown articles tagged with cell type, disease and evidence strength, rendered
//! through Tera templates into a cross-linked static site with topic indexes.
//!
//! The stages, in the order the data flows:
//! `config` (book.toml) -> `content` (walk, front matter) -> `markdown` (HTML, ids, links) ->
//! `site` (sections, taxonomies, link graph) -> `render` (Tera) -> `feeds`, `search` ->
//! `output` (staging and swap, or an update in place). `fingerprint` says when a build would
//! change nothing; `build` runs them; `diagnostics` reports what goes wrong; `theme` is the
//! built-in templates and static files a site may replace file by file; `safety` refuses what
//! could run a script in a reader's browser or publish a file from outside the site.

// What is not the library's API (used by the `cellbook` binary, the tests and the fuzz targets)
// is `pub(crate)`; these lints keep it so, and keep the API documented.
#![warn(unreachable_pub, missing_docs)]

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod evidence;
pub mod feeds;
pub mod fingerprint;
pub mod highlight;
pub mod html;
pub mod init;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod readability;
pub mod render;
pub mod safety;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod translations;
pub mod urls;
