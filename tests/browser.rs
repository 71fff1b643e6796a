//! The reader's experience, in a real browser: the repository's own site is built under a
//! sub-path, served on 127.0.0.1, and checked in Debian's headless Chromium by
//! `tests/browser/run.mjs` (accessibility in light and dark mode, narrow screens, search in
//! English and Chinese, the theme toggle, the language switch, keyboard use, console errors,
//! Content-Security-Policy violations and failed requests). Live reload under `cellbook serve` is
//! checked the same way by `tests/browser/reload.mjs`.
//! Every page is also checked by the Nu Html Checker.
//!
//! Needs Chromium, Node.js with the npm packages of package-lock.json, and Java:
//! `bash scripts/install-test-deps.sh` installs them. When one is missing the tests fail under CI
//! (`CI` set) and are skipped, saying why, otherwise.

mod common;

use common::{cellbook, copy_dir, serve_static};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const VNU: &str = "node_modules/vnu-jar/build/dist/vnu.jar";
const PREFIX: &str = "/cellbook/";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// True when every tool is there. Otherwise fails the test under CI, and says why it skips
/// the test elsewhere.
fn tools_present(test: &str, need_browser: bool) -> bool {
    let runs = |program: &str, arg: &str| {
        Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    let mut missing = Vec::new();
    if need_browser {
        if !Path::new(CHROMIUM).is_file() {
            missing.push(format!("{CHROMIUM} (Debian package `chromium`)"));
        }
        if !runs("node", "--version") {
            missing.push("node (Debian package `nodejs`)".to_string());
        }
        for module in ["node_modules/playwright-core/package.json", "node_modules/axe-core/axe.min.js"] {
            if !repo().join(module).is_file() {
                missing.push(format!("{module} (`npm ci`)"));
            }
        }
    } else {
        if !runs("java", "-version") {
            missing.push("java (Debian package `default-jre-headless`)".to_string());
        }
        if !repo().join(VNU).is_file() {
            missing.push(format!("{VNU} (`npm ci`)"));
        }
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!("{test}: missing {}; run `bash scripts/install-test-deps.sh`", missing.join(", "));
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED {message}");
    false
}

/// A copy of the repository's site (book.toml, content, templates, static) in `dir/root`.
fn copy_site(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo().join("book.toml"), root.join("book.toml")).unwrap();
    for folder in ["content", "templates", "static"] {
        copy_dir(&repo().join(folder), &root.join(folder));
    }
    root
}

/// The repository's site, built into a temp folder with a base URL under a sub-path. Returns the
/// temp folder (kept alive) and the output folder.
fn build_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = copy_site(dir.path());
    let output = dir.path().join("site");
    // The port is only known once the server runs, and links are root-relative: any host works.
    let run = cellbook()
        .args(["build", "--base-url", &format!("https://example.org{PREFIX}"), "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&output)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    assert!(run.status.success(), "build failed:\n{}", String::from_utf8_lossy(&run.stderr));
    (dir, output)
}

/// Runs `command` in the repository, killing it after `limit`; returns whether it exited 0 and
/// what it printed (stdout, then stderr).
fn run_bounded(mut command: Command, limit: Duration) -> (bool, String) {
    let mut child = command
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut output = stdout.join().unwrap();
    output.push_str(&stderr.join().unwrap());
    if status.is_none() {
        output.push_str(&format!("\nkilled after {} s", limit.as_secs()));
    }
    println!("{command:?} ran {:.1} s", start.elapsed().as_secs_f64());
    (status.is_some_and(|s| s.success()), output)
}

/// Builds the site under the sub-path, serves it and runs a browser script against it; the
/// script must exit 0 and report no failed check.
fn run_script_on_site(script: &str, limit: Duration) {
    let (_dir, output) = build_site();
    let origin = serve_static(&output, PREFIX);
    let mut node = Command::new("node");
    node.arg(script).arg(&origin).arg(PREFIX);
    let (ok, printed) = run_bounded(node, limit);
    println!("{printed}");
    assert!(ok, "{script} failed:\n{printed}");
    assert!(printed.contains(" passed, 0 failed"), "{script} did not report:\n{printed}");
}

#[test]
fn the_site_works_for_readers_in_headless_chromium() {
    if tools_present("browser test", true) {
        run_script_on_site("tests/browser/run.mjs", Duration::from_secs(300));
    }
}

#[test]
fn the_evidence_pages_work_with_and_without_javascript() {
    if tools_present("evidence browser test", true) {
        run_script_on_site("tests/browser/evidence.mjs", Duration::from_secs(240));
    }
}

#[test]
fn live_reload_works_under_the_content_security_policy() {
    if !tools_present("live reload browser test", true) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = copy_site(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = cellbook()
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "cellbook serve did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut node = Command::new("node");
    node.arg("tests/browser/reload.mjs").arg(format!("http://127.0.0.1:{port}")).arg(&root);
    let (ok, printed) = run_bounded(node, Duration::from_secs(150));
    let _ = server.kill();
    let _ = server.wait();
    println!("{printed}");
    assert!(ok && printed.contains(" passed, 0 failed"), "the live reload checks failed:\n{printed}");
}

#[test]
fn every_page_is_valid_html_for_the_nu_html_checker() {
    if !tools_present("HTML checker test", false) {
        return;
    }
    let (dir, output) = build_site();
    // A page with a known error, checked in the same run: proves the checker reads the files.
    let canary = dir.path().join("canary");
    std::fs::create_dir_all(&canary).unwrap();
    std::fs::write(canary.join("broken.html"), "<!DOCTYPE html><html lang=en><title>x</title><p><div></p>").unwrap();
    let mut java = Command::new("java");
    java.args(["-jar", VNU, "--errors-only", "--skip-non-html"]).arg(&output).arg(&canary);
    let (_, printed) = run_bounded(java, Duration::from_secs(300));
    let errors: Vec<&str> = printed.lines().filter(|l| l.contains("error:") || l.contains("fatal:")).collect();
    assert!(
        errors.iter().any(|l| l.contains("broken.html")),
        "the checker reported nothing for the broken canary page:\n{printed}"
    );
    let site_errors: Vec<&str> = errors.into_iter().filter(|l| !l.contains("broken.html")).collect();
    assert!(site_errors.is_empty(), "the Nu Html Checker found errors in the built site:\n{}", site_errors.join("\n"));
    let pages = walkdir::WalkDir::new(&output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    println!("Nu Html Checker: {pages} pages, no errors");
    assert!(pages > 100, "only {pages} pages checked");
}
