//! The HTTP side of the dev server: files of the output folder, the tag of the reload script
//! added to HTML responses (the script itself is served as a file, which the pages'
//! Content-Security-Policy allows), the event stream browsers listen on and the status endpoint.
//!
//! In: requests. Out: files from inside the output folder only (paths that climb out, encoded
//! separators, absolute paths and symbolic links that lead outside are all a 404; what passes is
//! sent by tower-http's `ServeDir`), the site's `404.html` for what is missing, and under
//! `/__cellbook/` the server's own endpoints.

use super::state::Status;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tower_http::services::ServeDir;

/// The endpoints of the server itself live under this folder, at the root and under the base path.
pub(crate) const INTERNAL: &str = "__cellbook/";

const RELOAD_JS: &str = include_str!("reload.js");

/// What every request handler sees.
pub(crate) struct Shared {
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

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    // The body is not needed, and would keep the future from being `Send` across the awaits.
    let (request, _) = request.into_parts();
    let method = &request.method;
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "").into_response();
    }
    let path = request.uri.path().to_string();
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
    // File system calls block: keep them off the threads that answer requests.
    let finder = shared.clone();
    let found = tokio::task::spawn_blocking(move || resolve(&finder, &path)).await.unwrap_or(Found::Nothing);
    match found {
        Found::File { root, file, status } => send_file(&shared, &root, &file, status, &request).await,
        Found::Redirect(location) => redirect(&location, request.uri.query()),
        Found::Nothing => missing(&shared),
    }
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

/// Where a request leads, found off the threads that answer requests.
enum Found {
    /// A file inside the output folder (`root`, canonical), sent with `status` (404 for the
    /// site's 404 page).
    File {
        root: PathBuf,
        file: PathBuf,
        status: StatusCode,
    },
    Redirect(String),
    /// Nothing, not even a 404 page.
    Nothing,
}

/// The file for a request path, a redirect, or the site's 404 page.
fn resolve(shared: &Shared, raw: &str) -> Found {
    let Some(decoded) = decode(raw) else { return not_found(shared) };
    let Some(rel) = decoded.strip_prefix(shared.base_decoded.as_str()) else {
        // `/` or `/repo` when the site lives at `/repo/`: send the browser there.
        if decoded == "/" || decoded == shared.base_decoded.trim_end_matches('/') {
            return Found::Redirect(shared.base.clone());
        }
        return not_found(shared);
    };
    let Some(segments) = segments(rel) else { return not_found(shared) };
    let Ok(root) = fs::canonicalize(&shared.output) else { return not_found(shared) };
    let path = segments.iter().fold(root.clone(), |path, segment| path.join(segment));
    // Symbolic links are followed, and what they lead to must be inside the output folder too.
    let Some(path) = inside(&root, &path) else { return not_found(shared) };
    if path.is_dir() && !rel.is_empty() && !rel.ends_with('/') {
        return Found::Redirect(format!("{raw}/"));
    }
    match file_at(&root, path) {
        Some(file) => Found::File { root, file, status: StatusCode::OK },
        None => not_found(shared),
    }
}

/// The site's `404.html`, if it has one.
fn not_found(shared: &Shared) -> Found {
    let Ok(root) = fs::canonicalize(&shared.output) else { return Found::Nothing };
    match inside(&root, &root.join("404.html")).and_then(|path| file_at(&root, path)) {
        Some(file) => Found::File { root, file, status: StatusCode::NOT_FOUND },
        None => Found::Nothing,
    }
}

/// The regular file `path` names, a folder's `index.html`; `None` for anything else.
fn file_at(root: &Path, path: PathBuf) -> Option<PathBuf> {
    let file = if path.is_dir() { inside(root, &path.join("index.html"))? } else { path };
    file.is_file().then_some(file)
}

/// The real path of `path` if it exists and is inside `root` (which must be canonical).
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    fs::canonicalize(path).ok().filter(|real| real.starts_with(root))
}

/// Sends a file found by [`resolve`] through `ServeDir` (type, length, ranges), then adds the
/// reload script to HTML.
async fn send_file(shared: &Shared, root: &Path, file: &Path, status: StatusCode, asked: &Parts) -> Response {
    let Ok(rel) = file.strip_prefix(root) else { return missing(shared) };
    let path: Vec<String> =
        rel.iter().map(|name| utf8_percent_encode(&name.to_string_lossy(), NON_ALPHANUMERIC).to_string()).collect();
    let html = mime_guess::from_path(file).first_raw() == Some("text/html");
    let mut request = Request::new(Body::empty());
    // HTML is read whole, to add the script: a HEAD is answered as a GET without its body (by
    // hyper), so that its length is the served page's; ranges are for the other files.
    if !html {
        *request.method_mut() = asked.method.clone();
        for name in [header::RANGE, header::IF_RANGE] {
            if let Some(value) = asked.headers.get(&name).filter(|_| status == StatusCode::OK) {
                request.headers_mut().insert(name, value.clone());
            }
        }
    }
    match format!("/{}", path.join("/")).parse() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(_) => return missing(shared),
    }
    let response = match ServeDir::new(root).try_call(request).await {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => response,
        // Deleted by a rebuild since it was found.
        _ => return missing(shared),
    };
    let (mut parts, body) = response.into_parts();
    if parts.status == StatusCode::OK {
        parts.status = status;
    }
    let body = if html {
        match axum::body::to_bytes(Body::new(body), usize::MAX).await {
            Ok(bytes) => Body::from(inject(bytes.to_vec(), &script(shared))),
            Err(_) => return missing(shared),
        }
    } else {
        Body::new(body)
    };
    finish(Response::from_parts(parts, body))
}

/// The 404 page of a site that has none (or whose page vanished meanwhile).
fn missing(shared: &Shared) -> Response {
    let page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
                <body><h1>Not found</h1></body></html>";
    let mut response = Response::new(Body::from(inject(page.as_bytes().to_vec(), &script(shared))));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    finish(response)
}

/// The headers every file gets: the site's text is UTF-8, and nothing is cached, since the files
/// change under the browser's feet.
fn finish(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let kind = headers.get(header::CONTENT_TYPE).and_then(|kind| kind.to_str().ok()).unwrap_or("").to_string();
    if kind.starts_with("text/")
        && !kind.contains("charset")
        && let Ok(value) = HeaderValue::from_str(&format!("{kind}; charset=utf-8"))
    {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if kind.starts_with("text/html") {
        // The script changed the length, and a range of the file is not one of the page.
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::ACCEPT_RANGES);
    }
    response
}

fn redirect(location: &str, query: Option<&str>) -> Response {
    let location = match query {
        Some(query) => format!("{location}?{query}"),
        None => location.to_string(),
    };
    let encoded = utf8_percent_encode(&location, LOCATION).to_string();
    match HeaderValue::from_str(&encoded) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What must be escaped in a `Location` header (besides every non-ASCII byte).
const LOCATION: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'{').add(b'}');

/// The tag that loads the reload script for a page of the current build.
fn script(shared: &Shared) -> String {
    let internal = format!("{}{INTERNAL}", shared.base);
    format!(
        "<script src=\"{}reload.js\" data-events=\"{}events\" data-loaded=\"{}\"></script>\n",
        attribute(&internal),
        attribute(&internal),
        attribute(&shared.page_id())
    )
}

/// Text that is safe inside a double-quoted attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// Adds the script before the last `</body>`, or at the end when there is none.
pub(crate) fn inject(mut html: Vec<u8>, script: &str) -> Vec<u8> {
    let needle = b"</body";
    let at = html.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle)).unwrap_or(html.len());
    html.splice(at..at, script.bytes());
    html
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
    fn attributes_cannot_end_the_tag() {
        assert_eq!(attribute("/a\"b<&/"), "/a&quot;b&lt;&amp;/");
    }
}
