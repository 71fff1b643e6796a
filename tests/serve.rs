//! End-to-end tests of `cellbook serve`: the real binary on a free port of 127.0.0.1, real HTTP,
//! real file edits. Every server is killed when its test ends (see `Server`'s `Drop`), and every
//! wait has a deadline.

mod common;

use common::{Site, cellbook};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server may take to make its first build and answer (the machine may be busy).
const START: Duration = Duration::from_secs(90);
/// How long a rebuild may take to show up, where speed is not what is tested.
const REBUILD: Duration = Duration::from_secs(20);

/// A running `cellbook serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `cellbook serve --root <site> --port <free port> <args>` and waits until it answers.
    fn start(site: &Site, args: &[&str]) -> Server {
        Server::start_on(site, free_port(), args)
    }

    fn start_on(site: &Site, port: u16, args: &[&str]) -> Server {
        let mut server = Server::spawn(site, port, args);
        let deadline = Instant::now() + START;
        loop {
            if let Ok(response) = get(port, "/__cellbook/status")
                && response.status == 200
            {
                return server;
            }
            if let Ok(Some(code)) = server.child.try_wait() {
                panic!("serve exited with {code} before answering\nstderr: {}", server.stderr());
            }
            assert!(Instant::now() < deadline, "serve did not answer in {START:?}\nstderr: {}", server.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts the process without waiting for it.
    fn spawn(site: &Site, port: u16, args: &[&str]) -> Server {
        let mut child = cellbook()
            .args(["serve", "--port", &port.to_string()])
            .args(args)
            .arg("--root")
            .arg(site.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cellbook serve");
        let (stdout, out) = collect(child.stdout.take().unwrap());
        let (stderr, err) = collect(child.stderr.take().unwrap());
        Server { child, port, stdout, stderr, readers: vec![out, err] }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether stdout has `text`, waiting a little for the pipe.
    fn stdout_soon(&self, text: &str) -> bool {
        soon(|| self.stdout().contains(text))
    }

    /// Whether stderr has `text`, waiting a little for the pipe.
    fn stderr_soon(&self, text: &str) -> bool {
        soon(|| self.stderr().contains(text))
    }

    fn get(&self, path: &str) -> Response {
        get(self.port, path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    fn status(&self) -> Value {
        serde_json::from_slice(&self.get("/__cellbook/status").body).expect("status is JSON")
    }

    fn generation(&self) -> u64 {
        self.status()["generation"].as_u64().unwrap()
    }

    /// Waits for a build after `generation` (its search index included) and returns its status.
    fn next_build(&self, generation: u64) -> Value {
        let deadline = Instant::now() + REBUILD;
        loop {
            let status = self.status();
            if status["generation"].as_u64().unwrap() > generation && status["search_pending"] == false {
                return status;
            }
            assert!(Instant::now() < deadline, "no rebuild after generation {generation}\nstderr: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the process to exit by itself.
    fn wait_exit(&mut self, limit: Duration) -> i32 {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The pipes are closed: the readers have the whole output once they end.
                for reader in self.readers.drain(..) {
                    let _ = reader.join();
                }
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "serve did not exit in {limit:?}\nstdout: {}", self.stdout());
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// Whether `check` holds within a few seconds.
fn soon(check: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !check() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

fn collect(mut pipe: impl Read + Send + 'static) -> (Arc<Mutex<String>>, std::thread::JoinHandle<()>) {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    let reader = std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    (text, reader)
}

/// A port that was free a moment ago (the CLI cannot be given port 0).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_write_timeout(Some(Duration::from_secs(15)))?;
    Ok(stream)
}

/// `GET <path>` sent exactly as given (no normalisation: the point of some tests).
fn get(port: u16, path: &str) -> std::io::Result<Response> {
    request(port, "GET", path)
}

fn request(port: u16, method: &str, path: &str) -> std::io::Result<Response> {
    request_with(port, method, path, "")
}

/// A request with extra header lines (each ending in `\r\n`).
fn request_with(port: u16, method: &str, path: &str, headers: &str) -> std::io::Result<Response> {
    let mut stream = connect(port)?;
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n\r\n")?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no header end in {:?}", String::from_utf8_lossy(&raw))))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Ok(Response { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// A browser's event stream: `(event, data)` pairs.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16, path: &str) -> Events {
        let mut stream = connect(port).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let mut events = Events { reader: BufReader::new(stream) };
        let mut line = String::new();
        events.reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        events
    }

    /// The next event within `limit` (keep-alive comments and chunk sizes skipped).
    fn next(&mut self, limit: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + limit;
        let mut event = None;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader.get_ref().set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => return None,
            }
            let line = line.trim_end();
            if let Some(name) = line.strip_prefix("event: ") {
                event = Some(name.to_string());
            } else if let Some(data) = line.strip_prefix("data: ")
                && let Some(name) = event.take()
            {
                return Some((name, data.to_string()));
            }
        }
    }

    /// Skips events until one named `name`; returns its data.
    fn wait_for(&mut self, name: &str, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next(left) {
                Some((event, data)) if event == name => return Some(data),
                Some(_) => {}
                None => return None,
            }
        }
        None
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.reader.get_ref().shutdown(Shutdown::Both);
    }
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    site.write(rel, &text.replacen(from, to, 1));
}

/// The 1-based line of the first line of `rel` that contains `needle`.
fn line_of(site: &Site, rel: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    text.lines().position(|l| l.contains(needle)).expect("needle in file") + 1
}

fn enable_search(site: &Site) {
    edit(site, "book.toml", "[search]\nenabled = false", "[search]\nenabled = true");
}

#[test]
fn edits_show_up_and_reload_the_page_within_a_second() {
    let site = Site::fixture("basic");
    let server = Server::start(&site, &[]);
    assert!(server.stdout_soon(&format!("http://127.0.0.1:{}/", server.port)), "prints the URL");
    let page = server.get("/cells/msc/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.text().contains("A claim"));
    assert!(page.text().contains("/__cellbook/events"), "reload script injected");

    let mut events = Events::open(server.port, "/__cellbook/events");
    assert_eq!(events.next(Duration::from_secs(5)).map(|e| e.0).as_deref(), Some("hello"));
    // Speed is the point here, on a machine that may be busy: the best of a few tries.
    let mut times = Vec::new();
    for attempt in 0..4 {
        let text = format!("Edited claim {attempt}");
        let written = Instant::now();
        edit(&site, "content/cells/msc.md", if attempt == 0 { "A claim" } else { "Edited claim" }, &text);
        let reload = events.wait_for("reload", REBUILD);
        assert!(reload.is_some(), "no reload event\nstderr: {}", server.stderr());
        let page = server.get("/cells/msc/").text();
        let took = written.elapsed();
        assert!(page.contains(&text), "the page shows the edit");
        times.push(took);
        if took < Duration::from_secs(1) {
            break;
        }
    }
    assert!(times.iter().any(|t| *t < Duration::from_secs(1)), "reload took {times:?}");
}

#[test]
fn editor_save_patterns_rebuild_exactly_once() {
    let site = Site::fixture("basic");
    let server = Server::start(&site, &[]);
    let settle = || std::thread::sleep(Duration::from_millis(600));
    let page = site.path("content/cells/msc.md");
    let dir = site.path("content/cells");
    let text = std::fs::read_to_string(&page).unwrap();

    // vim: swap file, a probe file, the original renamed to a backup, a new file written.
    let before = server.generation();
    std::fs::write(dir.join(".msc.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::rename(&page, dir.join("msc.md~")).unwrap();
    std::fs::write(&page, text.replace("A claim", "Vim claim")).unwrap();
    std::fs::remove_file(dir.join("msc.md~")).unwrap();
    std::fs::remove_file(dir.join(".msc.md.swp")).unwrap();
    let status = server.next_build(before);
    settle();
    assert_eq!(server.generation(), before + 1, "one rebuild for a vim save");
    assert_eq!(status["written"], serde_json::json!(["cells/msc/index.html"]));

    // Atomic save: write a temporary file, then rename it over the original.
    let before = server.generation();
    std::fs::write(dir.join(".msc.md.tmp123"), text.replace("A claim", "Atomic claim")).unwrap();
    std::fs::rename(dir.join(".msc.md.tmp123"), &page).unwrap();
    server.next_build(before);
    settle();
    assert_eq!(server.generation(), before + 1, "one rebuild for an atomic save");
    assert!(server.get("/cells/msc/").text().contains("Atomic claim"));

    // Many files at once (a checkout, a search and replace).
    let before = server.generation();
    for rel in ["content/cells/msc.md", "content/trials/lab.md", "content/trials/trial-a.md", "static/css/site.css"] {
        let text = std::fs::read_to_string(site.path(rel)).unwrap();
        site.write(rel, &format!("{text}\n"));
    }
    server.next_build(before);
    settle();
    assert_eq!(server.generation(), before + 1, "one rebuild for many files");

    // Noise alone rebuilds nothing: hidden and backup files, the output folder.
    let before = server.generation();
    std::fs::write(dir.join(".notes.md.swp"), "x").unwrap();
    std::fs::write(dir.join("msc.md~"), "x").unwrap();
    std::fs::write(site.path("book/extra.html"), "x").unwrap();
    std::fs::write(site.path("notes.txt"), "x").unwrap();
    std::fs::read_to_string(&page).unwrap();
    settle();
    assert_eq!(server.generation(), before, "no rebuild for scratch files\nstdout: {}", server.stdout());
}

#[test]
fn a_burst_of_saves_ends_with_the_last_one_served() {
    let site = Site::fixture("basic");
    enable_search(&site);
    let server = Server::start(&site, &[]);
    let page = site.path("content/cells/msc.md");
    let dir = site.path("content/cells");
    let text = std::fs::read_to_string(&page).unwrap();
    // Saves a few milliseconds apart, written in place or renamed over the page as editors do:
    // some land while the previous one is being rebuilt.
    for i in 0..24 {
        let content = text.replace("A claim", &format!("Burst claim {i}"));
        if i % 3 == 0 {
            let temp = dir.join(format!(".msc.md.tmp{i}"));
            std::fs::write(&temp, content).unwrap();
            std::fs::rename(&temp, &page).unwrap();
        } else {
            std::fs::write(&page, content).unwrap();
        }
        std::thread::sleep(Duration::from_millis(i % 4 * 3));
    }
    let deadline = Instant::now() + REBUILD;
    while !server.get("/cells/msc/").text().contains("Burst claim 23") {
        assert!(Instant::now() < deadline, "the last save is not served\nstdout: {}", server.stdout());
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = server.next_build(1);
    assert_eq!(status["ok"], true, "{status}");
    std::thread::sleep(Duration::from_millis(600));
    assert!(server.get("/cells/msc/").text().contains("Burst claim 23"), "and stays");
    assert!(site.output("cells/msc/index.html").contains("Burst claim 23"));
}

#[test]
fn build_errors_show_as_an_overlay_and_clear_when_fixed() {
    let site = Site::fixture("basic");
    let server = Server::start(&site, &[]);
    assert!(server.get("/").text().contains("/__cellbook/reload.js"));
    let script = server.get("/__cellbook/reload.js").text();
    assert!(script.contains("textContent") && !script.contains("innerHTML"), "messages are shown as text");
    let mut events = Events::open(server.port, "/__cellbook/events");
    assert!(events.wait_for("hello", Duration::from_secs(5)).is_some());

    edit(&site, "content/cells/msc.md", "A claim", "A claim with a [broken](missing.md) link");
    let at = format!("content/cells/msc.md:{}:", line_of(&site, "content/cells/msc.md", "[broken]"));
    let data = events.wait_for("failed", REBUILD).expect("an error event");
    let data: Value = serde_json::from_str(&data).unwrap();
    let errors = data["errors"].to_string();
    assert!(errors.contains(&at), "path:line in the overlay: {errors}");
    assert!(errors.contains("missing.md"), "{errors}");
    let status = server.status();
    assert_eq!(status["ok"], false);
    assert!(status["errors"][0].as_str().unwrap().starts_with(&at), "{status}");
    assert!(server.stderr_soon(&at), "the terminal shows it too: {}", server.stderr());
    // The last good site is still served, and a tab opened now sees the error at once.
    let page = server.get("/cells/msc/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("A claim") && !page.text().contains("with a"), "the last good page");
    let mut late = Events::open(server.port, "/__cellbook/events");
    assert_eq!(late.next(Duration::from_secs(5)).map(|e| e.0).as_deref(), Some("hello"));
    assert_eq!(late.next(Duration::from_secs(5)).map(|e| e.0).as_deref(), Some("failed"));

    // Fixing the file clears the overlay: the page reloads.
    edit(&site, "content/cells/msc.md", "[broken](missing.md)", "[fixed](../trials/lab.md)");
    assert!(events.wait_for("reload", REBUILD).is_some(), "a reload after the fix");
    assert!(late.wait_for("reload", REBUILD).is_some());
    assert_eq!(server.status()["ok"], true);
    assert!(server.get("/cells/msc/").text().contains("fixed"));
}

#[test]
fn a_site_broken_at_start_is_served_once_fixed() {
    let site = Site::fixture("basic");
    edit(&site, "content/cells/msc.md", "A claim", "A [broken](missing.md) claim");
    let at = format!("content/cells/msc.md:{}:", line_of(&site, "content/cells/msc.md", "[broken]"));
    let server = Server::start(&site, &[]);
    let status = server.status();
    assert_eq!(status["ok"], false);
    assert!(status["errors"].to_string().contains(&at), "{status}");
    let page = server.get("/");
    assert_eq!(page.status, 404, "nothing built yet");
    assert!(page.text().contains("/__cellbook/events"), "even then the page shows the overlay and reloads");
    let before = server.generation();
    edit(&site, "content/cells/msc.md", "[broken](missing.md)", "fixed");
    let status = server.next_build(before);
    assert_eq!(status["ok"], true, "{status}");
    assert!(server.get("/cells/msc/").text().contains("A fixed claim"));
}

#[test]
fn one_edit_writes_only_that_page_and_the_search_index() {
    let site = Site::fixture("basic");
    enable_search(&site);
    let server = Server::start(&site, &[]);
    let first = server.status();
    let all = first["written"].as_array().unwrap().len();
    assert!(first["written"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().starts_with("pagefind/")));

    edit(&site, "content/cells/msc.md", "A claim", "A different claim");
    let status = server.next_build(first["generation"].as_u64().unwrap());
    assert_eq!(status["ok"], true, "{status}");
    assert!(status["elapsed_ms"].is_u64());
    let written: Vec<&str> = status["written"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(written.contains(&"cells/msc/index.html"), "{written:?}");
    for path in &written {
        assert!(*path == "cells/msc/index.html" || path.starts_with("pagefind/"), "{path} rewritten: {written:?}");
    }
    assert!(written.len() < all / 2, "not the whole site: {written:?}");
    for path in status["removed"].as_array().unwrap() {
        assert!(path.as_str().unwrap().starts_with("pagefind/"), "{path} removed");
    }
    assert!(server.get("/cells/msc/").text().contains("A different claim"));
    let meta = server.get("/pagefind/pagefind-entry.json");
    assert_eq!(meta.status, 200);
    assert_eq!(meta.header("content-type"), Some("application/json"));
}

#[test]
fn only_files_inside_the_output_are_served() {
    let site = Site::fixture("basic");
    site.write("secret.txt", "top secret");
    let server = Server::start(&site, &[]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(site.path("secret.txt"), site.path("book/leak.txt")).unwrap();
        std::os::unix::fs::symlink(site.root(), site.path("book/up")).unwrap();
        std::os::unix::fs::symlink(site.path("book/robots.txt"), site.path("book/inner.txt")).unwrap();
        assert_eq!(server.get("/inner.txt").status, 200, "links inside the output are fine");
    }
    let attempts = [
        "/../secret.txt",
        "/cells/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/cells%2f..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/leak.txt",
        "/up/secret.txt",
        "/up/book.toml",
        "/.%2e/secret.txt",
        "/cells/msc/%00",
    ];
    for path in attempts {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        let body = response.text();
        assert!(!body.contains("top secret") && !body.contains("root:"), "{path} leaked: {body}");
        assert!(body.contains("Not found"), "{path}: the site's 404 page");
    }
}

#[test]
fn urls_map_to_files_with_their_types() {
    let site = Site::fixture("basic");
    site.write("static/data.json", "{}");
    site.write("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.write("static/img/dot.png", "\u{89}PNG");
    site.write("static/app.js", "1");
    site.write("static/app.wasm", "\0asm");
    for name in ["x.pf_meta", "x.pf_index", "x.pf_fragment", "wasm.en.pagefind"] {
        site.write(&format!("static/pf/{name}"), "bin");
    }
    let server = Server::start(&site, &[]);
    let types = [
        ("/", "text/html; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/img/logo.svg", "image/svg+xml"),
        ("/img/dot.png", "image/png"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/app.wasm", "application/wasm"),
        ("/pf/x.pf_meta", "application/octet-stream"),
        ("/pf/x.pf_index", "application/octet-stream"),
        ("/pf/x.pf_fragment", "application/octet-stream"),
        ("/pf/wasm.en.pagefind", "application/octet-stream"),
    ];
    for (path, kind) in types {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(kind), "{path}");
    }
    assert_eq!(server.get("/app.wasm").body, b"\0asm", "bytes as they are");
    let redirect = server.get("/cells/msc?x=1");
    assert_eq!(redirect.status, 302, "a folder without its slash");
    assert_eq!(redirect.header("location"), Some("/cells/msc/?x=1"));
    assert!(server.get("/cells/msc/").text().contains("<h2 id=\"phase-3\">"), "a folder serves its index.html");
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<h1>Not found</h1>"), "the site's 404 page");
    assert!(missing.text().contains("/__cellbook/events"), "which reloads too");
    let head = request(server.port, "HEAD", "/cells/msc/").unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let page = server.get("/cells/msc/");
    assert_eq!(head.header("content-length"), Some(page.body.len().to_string().as_str()), "the page as served");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(server.get("/app.js").header("cache-control"), Some("no-store"), "files change under the browser");
    assert_eq!(request(server.port, "POST", "/").unwrap().status, 405);
}

#[test]
fn ranges_of_files_are_served_but_pages_are_whole() {
    let site = Site::fixture("basic");
    site.write("static/clip.webm", "0123456789");
    let server = Server::start(&site, &[]);
    let part = request_with(server.port, "GET", "/clip.webm", "Range: bytes=2-5\r\n").unwrap();
    assert_eq!(part.status, 206, "a video can be sought");
    assert_eq!(part.body, b"2345");
    assert_eq!(part.header("content-range"), Some("bytes 2-5/10"));
    let page = request_with(server.port, "GET", "/cells/msc/", "Range: bytes=0-9\r\n").unwrap();
    assert_eq!(page.status, 200, "the reload script goes into the whole page");
    assert!(page.text().contains("/__cellbook/events"));
    assert_eq!(page.header("accept-ranges"), None);
}

#[test]
fn serves_under_a_sub_path_with_reload() {
    let site = Site::fixture("basic");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/repo/");
    let server = Server::start_on(&site, port, &["--base-url", &base]);
    assert!(server.stdout_soon(&base), "prints the URL: {}", server.stdout());
    let page = server.get("/repo/cells/msc/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains(r#"href="/repo/cells/""#), "links carry the sub-path");
    assert!(page.text().contains("/repo/__cellbook/events"));
    assert_eq!(server.get("/repo/css/site.css").status, 200);
    assert_eq!(server.get("/cells/msc/").status, 404, "outside the sub-path");
    assert_eq!(server.get("/index.html").status, 404);
    let root = server.get("/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("location"), Some("/repo/"));
    assert_eq!(server.get("/repo").header("location"), Some("/repo/"));
    assert_eq!(server.get("/repo/../secret").status, 404);

    let mut events = Events::open(port, "/repo/__cellbook/events");
    assert!(events.wait_for("hello", Duration::from_secs(5)).is_some());
    edit(&site, "content/cells/msc.md", "A claim", "A sub-path claim");
    assert!(events.wait_for("reload", REBUILD).is_some());
    assert!(server.get("/repo/cells/msc/").text().contains("A sub-path claim"));
}

#[test]
fn the_reload_script_is_never_written_to_disk() {
    let site = Site::fixture("basic");
    let server = Server::start(&site, &[]);
    let before = server.generation();
    edit(&site, "content/cells/msc.md", "A claim", "A new claim");
    server.next_build(before);
    let served = server.get("/cells/msc/").text();
    let on_disk = site.output("cells/msc/index.html");
    assert!(on_disk.contains("A new claim"));
    // A file, not inline: the page's Content-Security-Policy runs no inline script it does not know.
    assert!(server.get("/__cellbook/reload.js").text().contains("EventSource"));
    let script = served.find("<script src=\"/__cellbook/reload.js\"").expect("the injected script");
    let end = served[script..].find("</script>\n").unwrap() + script + "</script>\n".len();
    assert_eq!(format!("{}{}", &served[..script], &served[end..]), on_disk, "otherwise the same bytes");
    for (path, bytes) in common::snapshot(&site.path("book")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__cellbook") && !text.contains("EventSource"), "{} has the script", path.display());
    }
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let site = Site::fixture("basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut server = Server::spawn(&site, port, &[]);
    let code = server.wait_exit(Duration::from_secs(60));
    assert_ne!(code, 0);
    let stderr = server.stderr();
    assert!(stderr.contains(&format!("port {port} is in use; try --port {}", port + 1)), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!site.path("book").exists(), "nothing built");
}

#[test]
fn answers_every_request_under_load_while_rebuilding() {
    let site = Site::fixture("basic");
    enable_search(&site);
    let server = Server::start(&site, &[]);
    let port = server.port;
    let start = server.generation();
    let paths = ["/", "/cells/msc/", "/css/site.css", "/trials/lab/", "/no/such/", "/pagefind/pagefind.js"];
    let clients: Vec<_> = (0..64)
        .map(|i| {
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for j in 0..15 {
                    let path = paths[(i + j) % paths.len()];
                    match get(port, path) {
                        Ok(r) if r.status == if path == "/no/such/" { 404 } else { 200 } => {}
                        Ok(r) => failures.push(format!("{path}: {}", r.status)),
                        Err(e) => failures.push(format!("{path}: {e}")),
                    }
                }
                failures
            })
        })
        .collect();
    for n in 0..4 {
        edit(&site, "content/cells/msc.md", "A claim", &format!("A claim {n}"));
        std::thread::sleep(Duration::from_millis(300));
    }
    let failures: Vec<String> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    assert!(failures.is_empty(), "{} failed: {:?}", failures.len(), &failures[..failures.len().min(10)]);
    assert!(server.next_build(start)["generation"].as_u64().unwrap() > start, "rebuilt meanwhile");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = Site::fixture("basic");
    let mut server = Server::start(&site, &[]);
    let mut events = Events::open(server.port, "/__cellbook/events");
    assert!(events.wait_for("hello", Duration::from_secs(5)).is_some());
    let kill = std::process::Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let code = server.wait_exit(Duration::from_secs(10));
    assert_eq!(code, 0, "stdout: {}\nstderr: {}", server.stdout(), server.stderr());
    assert!(server.stdout().contains("stopping"));
    assert!(events.next(Duration::from_secs(5)).is_none(), "the event stream is closed");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("cellbook-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
    assert!(Path::new(&site.path("book/index.html")).is_file());
}

#[test]
fn a_sites_own_template_is_watched_and_used_by_incremental_rebuilds() {
    // No templates/ folder at the start: the built-in theme.
    let site = Site::fixture("own-subject");
    let server = Server::start(&site, &[]);
    let article = "/approaches/donor-islets/";
    assert!(server.get(article).text().contains("<article class=\"doc"), "the built-in page.html");

    let built_in = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/page.html")).unwrap();
    let before = server.generation();
    site.write("templates/page.html", &built_in.replace("<article class=\"doc", "<article data-own=\"1\" class=\"doc"));
    assert_eq!(server.next_build(before)["ok"], true);
    assert!(server.get(article).text().contains("data-own=\"1\""), "the folder made after the start is watched");

    let before = server.generation();
    edit(&site, "templates/page.html", "data-own=\"1\"", "data-own=\"2\"");
    assert_eq!(server.next_build(before)["ok"], true);
    assert!(server.get(article).text().contains("data-own=\"2\""), "an edit of the override");

    // An article's body alone: rebuilt incrementally, still with the site's template.
    let before = server.generation();
    edit(&site, "content/approaches/donor-islets.md", "Islets isolated", "Edited: islets isolated");
    let status = server.next_build(before);
    assert_eq!(status["ok"], true);
    let page = server.get(article).text();
    assert!(page.contains("Edited: islets isolated") && page.contains("data-own=\"2\""), "{page}");

    let before = server.generation();
    site.remove("templates/page.html");
    assert_eq!(server.next_build(before)["ok"], true);
    let page = server.get(article).text();
    assert!(page.contains("<article class=\"doc") && !page.contains("data-own"), "back to the built-in one");
}

#[test]
fn build_and_serve_list_the_same_site_options() {
    for command in ["build", "serve"] {
        let output = cellbook().args([command, "--help"]).output().unwrap();
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        for option in ["--root <ROOT>", "--output <OUTPUT>", "--base-url <BASE_URL>", "--drafts"] {
            assert!(help.contains(option), "`{command} --help` lacks {option}:\n{help}");
        }
    }
}
