//! The HTTP side of the dev server: files of the output folder, the tag of the reload script
//! added to HTML responses (the script itself is served as a file, which the pages'
//! Content-Security-Policy allows), the event stream browsers listen on and the status endpoint.
//!
//! In: requests. Out: files from inside the output folder only (paths that climb out, encoded
//! separators, absolute paths and symbolic links that lead outside are all a 404), the site's
//! `404.html` for what is missing, and under `/__cellbook/` the server's own endpoints.

use super::state::Status;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use percent_encoding::percent_decode_str;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The endpoints of the server itself live under this folder, at the root and under the base path.
pub const INTERNAL: &str = "__cellbook/";

const RELOAD_JS: &str = include_str!("reload.js");

/// What every request handler sees.
pub struct Shared {
    /// The output folder (absolute).
    pub output: PathBuf,
    /// The path the site is served under, `/` or `/repo/`, as links spell it.
    pub base: String,
    /// The same, percent-decoded, to compare with decoded request paths.
    pub base_decoded: String,
    pub status: watch::Receiver<Status>,
    pub shutdown: watch::Receiver<bool>,
    /// Tells this run of the server from the previous ones, so that pages reload after a restart.
    pub instance: String,
}

impl Shared {
    /// What a page served now knows of the builds: tabs whose page is older reload.
    fn page_id(&self) -> String {
        format!("{}-{}", self.instance, self.status.borrow().changed)
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "").into_response();
    }
    let path = uri.path().to_string();
    if let Some(decoded) = decode(&path) {
        let internal = decoded
            .strip_prefix(shared.base_decoded.as_str())
            .or_else(|| decoded.strip_prefix('/'))
            .and_then(|rest| rest.strip_prefix(INTERNAL));
        match internal {
            Some("events") => return events(&shared).into_response(),
            Some("reload.js") => return reload_js(),
            Some("status") => return status(&shared),
            _ => {}
        }
    }
    let query = uri.query().map(str::to_string);
    // File system calls block: keep them off the threads that answer requests.
    tokio::task::spawn_blocking(move || serve_path(&shared, &path, query.as_deref()))
        .await
        .unwrap_or_else(|_| (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response())
}

/// The live-reload script, served as a file so that the pages' Content-Security-Policy
/// (`script-src 'self'`) lets it run; what it needs to know is in its tag's `data-` attributes.
fn reload_js() -> Response {
    let headers = [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-store")];
    (headers, RELOAD_JS).into_response()
}

fn status(shared: &Shared) -> Response {
    let status = shared.status.borrow().clone();
    let json = serde_json::to_string(&status).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], json).into_response()
}

/// One browser's view of the builds, turned into server-sent events.
struct Listener {
    status: watch::Receiver<Status>,
    shutdown: watch::Receiver<bool>,
    pending: VecDeque<Event>,
    /// The last `changed` generation this browser was told about.
    seen: u64,
    failing: bool,
}

/// `hello` on connecting (with the overlay if the site is broken), then `reload` after each
/// build that changed the site or fixed it and `failed` with the messages after each failed one.
fn events(shared: &Shared) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let mut status = shared.status.clone();
    let current = status.borrow_and_update().clone();
    let mut pending = VecDeque::new();
    let hello = serde_json::json!({ "id": format!("{}-{}", shared.instance, current.changed), "generation": current.generation });
    pending.push_back(Event::default().event("hello").data(hello.to_string()));
    if !current.ok {
        pending.push_back(failed(&current));
    }
    let listener =
        Listener { status, shutdown: shared.shutdown.clone(), pending, seen: current.changed, failing: !current.ok };
    let stream = futures_util::stream::unfold(listener, |mut l| async move {
        loop {
            if let Some(event) = l.pending.pop_front() {
                return Some((Ok(event), l));
            }
            if *l.shutdown.borrow() {
                return None;
            }
            tokio::select! {
                changed = l.status.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                    let now = l.status.borrow_and_update().clone();
                    if !now.ok {
                        l.failing = true;
                        l.pending.push_back(failed(&now));
                    } else if now.changed > l.seen || l.failing {
                        l.failing = false;
                        l.seen = now.changed;
                        let data = serde_json::json!({ "generation": now.generation, "written": now.written.len() });
                        l.pending.push_back(Event::default().event("reload").data(data.to_string()));
                    }
                }
                _ = l.shutdown.changed() => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn failed(status: &Status) -> Event {
    let data = serde_json::json!({ "generation": status.generation, "errors": status.errors });
    Event::default().event("failed").data(data.to_string())
}

/// A request path, percent-decoded; `None` for what no file of the site can be named: encoded
/// `/` or `\`, backslashes, NUL, or bytes that are not UTF-8.
fn decode(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%00", "\\"].iter().any(|bad| lower.contains(bad)) {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
    (!decoded.contains(['\0', '\\'])).then_some(decoded)
}

/// The segments of a path below the base, each a plain name: `None` if any is empty (`//`),
/// `.`, `..`, or something the platform reads as a root or drive.
fn segments(rel: &str) -> Option<Vec<&str>> {
    let rel = rel.strip_suffix('/').unwrap_or(rel);
    if rel.is_empty() {
        return Some(Vec::new());
    }
    rel.split('/')
        .map(|segment| {
            let mut components = Path::new(segment).components();
            let plain = matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none();
            (plain && segment != "." && segment != "..").then_some(segment)
        })
        .collect()
}

/// The file for a request path, or a redirect, or the 404 page.
pub fn serve_path(shared: &Shared, raw: &str, query: Option<&str>) -> Response {
    let id = shared.page_id();
    let Some(decoded) = decode(raw) else { return not_found(shared, &id) };
    let Some(rel) = decoded.strip_prefix(shared.base_decoded.as_str()) else {
        // `/` or `/repo` when the site lives at `/repo/`: send the browser there.
        if decoded == "/" || decoded == shared.base_decoded.trim_end_matches('/') {
            return redirect(&shared.base, query);
        }
        return not_found(shared, &id);
    };
    let Some(segments) = segments(rel) else { return not_found(shared, &id) };
    let Ok(root) = fs::canonicalize(&shared.output) else { return not_found(shared, &id) };
    let path = segments.iter().fold(root.clone(), |path, segment| path.join(segment));
    // Symbolic links are followed, and what they lead to must be inside the output folder too.
    let Some(mut file) = inside(&root, &path) else { return not_found(shared, &id) };
    if file.is_dir() {
        if !rel.is_empty() && !rel.ends_with('/') {
            return redirect(&format!("{raw}/"), query);
        }
        match inside(&root, &file.join("index.html")) {
            Some(index) => file = index,
            None => return not_found(shared, &id),
        }
    }
    match fs::read(&file) {
        Ok(bytes) if file.is_file() => file_response(shared, StatusCode::OK, &file, bytes, &id),
        _ => not_found(shared, &id),
    }
}

/// The real path of `path` if it exists and is inside `root` (which must be canonical).
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    fs::canonicalize(path).ok().filter(|real| real.starts_with(root))
}

fn not_found(shared: &Shared, id: &str) -> Response {
    let page = fs::canonicalize(&shared.output)
        .ok()
        .and_then(|root| inside(&root, &root.join("404.html")))
        .and_then(|path| fs::read(&path).ok().map(|bytes| (path, bytes)));
    match page {
        Some((path, bytes)) => file_response(shared, StatusCode::NOT_FOUND, &path, bytes, id),
        None => {
            let page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
                <body><h1>Not found</h1></body></html>"
                .to_vec();
            file_response(shared, StatusCode::NOT_FOUND, Path::new("404.html"), page, id)
        }
    }
}

fn redirect(location: &str, query: Option<&str>) -> Response {
    let location = match query {
        Some(query) => format!("{location}?{query}"),
        None => location.to_string(),
    };
    let encoded = percent_encoding::utf8_percent_encode(&location, LOCATION).to_string();
    match HeaderValue::from_str(&encoded) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What must be escaped in a `Location` header (besides every non-ASCII byte).
const LOCATION: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'{').add(b'}');

fn file_response(shared: &Shared, status: StatusCode, path: &Path, bytes: Vec<u8>, id: &str) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") { inject(bytes, &script(shared, id)) } else { bytes };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // Always ask again: the files change under the browser's feet.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The tag that loads the reload script for a page of the current build.
fn script(shared: &Shared, id: &str) -> String {
    let internal = format!("{}{INTERNAL}", shared.base);
    format!(
        "<script src=\"{}reload.js\" data-events=\"{}events\" data-loaded=\"{}\"></script>\n",
        attribute(&internal),
        attribute(&internal),
        attribute(id)
    )
}

/// Text that is safe inside a double-quoted attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// Adds the script before the last `</body>`, or at the end when there is none.
pub fn inject(mut html: Vec<u8>, script: &str) -> Vec<u8> {
    let needle = b"</body";
    let at = html.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle)).unwrap_or(html.len());
    html.splice(at..at, script.bytes());
    html
}

/// The `Content-Type` of a file, from its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" | "xsl" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        // pagefind's index, fragments and compressed WebAssembly (`wasm.en.pagefind`).
        "pf_meta" | "pf_index" | "pf_fragment" | "pagefind" => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_refuses_encoded_separators() {
        assert_eq!(decode("/a%20b/").as_deref(), Some("/a b/"));
        assert_eq!(decode("/%E7%BB%86%E8%83%9E/").as_deref(), Some("/细胞/"));
        assert_eq!(decode("/%2e%2e/x").as_deref(), Some("/../x"));
        for bad in ["/..%2fetc", "/..%2Fetc", "/a%5cb", "/a\\b", "/a%00b", "/%ff"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn segments_are_plain_names() {
        assert_eq!(segments(""), Some(vec![]));
        assert_eq!(segments("cells/msc/"), Some(vec!["cells", "msc"]));
        for bad in ["../x", "a/../b", "./a", "a//b", "/etc/passwd", "a/."] {
            assert_eq!(segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        assert_eq!(inject(b"<p></body></BODY>".to_vec(), "S"), b"<p></body>S</BODY>");
        assert_eq!(inject(b"<p>".to_vec(), "S"), b"<p>S");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/index.html")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("pagefind/wasm.en.pagefind")), "application/octet-stream");
        assert_eq!(content_type(Path::new("pagefind/pagefind.js")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("x.SVG")), "image/svg+xml");
    }

    #[test]
    fn attributes_cannot_end_the_tag() {
        assert_eq!(attribute("/a\"b<&/"), "/a&quot;b&lt;&amp;/");
    }
}
