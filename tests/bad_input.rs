//! Broken sites: each test builds the good `sturdy` fixture, breaks one thing, builds again and
//! asserts one clear `path:line:col: error: message`, a normal non-zero exit (never a panic, a
//! stack overflow or a hang: the binary runs as a child with a time limit), and the previous output
//! left byte for byte as it was.

mod common;

use common::{Site, cellbook, snapshot};
use std::fs;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Generous for a debug build on a busy two-core machine; a release build needs a fraction.
const LIMIT: Duration = Duration::from_secs(120);

/// How a run of the binary ended.
struct Outcome {
    /// The exit code, or `None` when a signal ended the process (a crash: abort, stack overflow).
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Outcome {
    /// The lines that report an error.
    fn errors(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(": error: ")).collect()
    }

    /// Asserts that `line` is the one error reported, in full.
    #[track_caller]
    fn only_error(&self, line: &str) -> &Self {
        assert_eq!(self.errors(), [line], "stderr:\n{}", self.stderr);
        assert!(self.stderr.trim_end().ends_with("\n1 error"), "stderr:\n{}", self.stderr);
        self
    }

    /// Asserts that the one error reported starts with `start` (for messages of other crates).
    #[track_caller]
    fn only_error_starting(&self, start: &str) -> &Self {
        let errors = self.errors();
        assert!(errors.len() == 1 && errors[0].starts_with(start), "expected one `{start}...`:\n{}", self.stderr);
        self
    }

    #[track_caller]
    fn stderr_has(&self, text: &str) -> &Self {
        assert!(self.stderr.contains(text), "stderr lacks {text:?}:\n{}", self.stderr);
        self
    }
}

/// Runs `cellbook build --root <site> <args>` as a child and waits at most `limit`.
fn build_with(site: &Site, args: &[&str], limit: Duration) -> Outcome {
    let start = Instant::now();
    let mut child = cellbook()
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cellbook");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let outcome = Outcome {
        code: status.code(),
        signal: status.signal(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        elapsed: start.elapsed(),
    };
    assert!(outcome.signal.is_none(), "the build crashed with signal {:?}:\n{}", outcome.signal, outcome.stderr);
    assert!(!outcome.stderr.contains("panicked"), "the build panicked:\n{}", outcome.stderr);
    assert!(!outcome.stderr.contains("overflow"), "stack overflow:\n{}", outcome.stderr);
    outcome
}

fn build(site: &Site) -> Outcome {
    build_with(site, &[], LIMIT)
}

#[track_caller]
fn succeeds(outcome: Outcome) -> Outcome {
    assert_eq!(outcome.code, Some(0), "expected success\nstdout: {}\nstderr: {}", outcome.stdout, outcome.stderr);
    outcome
}

/// Builds the good site, lets `breakage` break it, builds again: the build must fail cleanly and
/// leave the previous output exactly as it was, with no staging folder behind.
fn broken(breakage: impl FnOnce(&Site)) -> Outcome {
    let site = Site::fixture("sturdy");
    succeeds(build(&site));
    let before = snapshot(&site.path("book"));
    assert!(before.len() > 15, "the good site was built");
    breakage(&site);
    let outcome = build(&site);
    assert_eq!(
        outcome.code,
        Some(1),
        "expected a failed build\nstdout: {}\nstderr: {}",
        outcome.stdout,
        outcome.stderr
    );
    assert!(before == snapshot(&site.path("book")), "the previous output changed after a failed build");
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("cellbook-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    outcome
}

/// A page with a valid title and description, then `extra` front-matter lines and `body`.
fn page(extra: &str, body: &str) -> String {
    format!("---\ntitle: A page\ndescription: One sentence.\n{extra}---\n{body}")
}

fn write_bytes(site: &Site, rel: &str, bytes: &[u8]) {
    let path = site.path(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

// --- The file and its front matter -------------------------------------------------------------

#[test]
fn an_empty_file() {
    let expected = "content/trials/empty.md:1:1: error: empty file: a page starts with `---`, its front matter \
                    (at least `title`), and `---`";
    broken(|site| site.write("content/trials/empty.md", "")).only_error(expected);
    broken(|site| site.write("content/trials/empty.md", "\n  \n\t\n")).only_error(expected);
}

#[test]
fn a_file_without_front_matter() {
    broken(|site| site.write("content/trials/plain.md", "# Just Markdown\n\nNo front matter.\n")).only_error(
        "content/trials/plain.md:1:1: error: no front matter: the file must start with a `---` line, then YAML \
         with at least `title`, then `---`",
    );
}

#[test]
fn front_matter_that_is_never_closed() {
    broken(|site| site.write("content/trials/open.md", "---\ntitle: A\ndescription: d\n\n# Body\n"))
        .only_error("content/trials/open.md:1:1: error: front matter is not closed: add a `---` line after the YAML");
}

#[test]
fn a_tab_in_the_yaml() {
    broken(|site| site.write("content/trials/tab.md", "---\ntitle: A\n\tdescription: d\n---\n")).only_error(
        "content/trials/tab.md:3:1: error: found a tab character that violates indentation: indent YAML with \
         spaces, not tabs",
    );
}

#[test]
fn a_key_indented_under_a_plain_value() {
    broken(|site| site.write("content/trials/indent.md", "---\ntitle: A\n  description: d\n---\n")).only_error(
        "content/trials/indent.md:3:14: error: mapping values are not allowed in this context: quote a value that \
         contains `: `, or check that the key is not indented",
    );
}

#[test]
fn a_list_item_out_of_line() {
    broken(|site| {
        site.write("content/trials/list.md", &page("cell_types:\n  - hsc\n  msc: x\n", ""));
    })
    .only_error(
        "content/trials/list.md:6:3: error: did not find expected '-' indicator while parsing a block collection \
         that starts on line 5: check the indentation and that each line is `key: value`",
    );
}

#[test]
fn an_unbalanced_quote_is_reported_where_it_opens() {
    let expected = |col| {
        format!(
            "content/trials/quote.md:2:{col}: error: unclosed quote: this quoted value has no closing quote before \
             the `---` that ends the front matter"
        )
    };
    broken(|site| site.write("content/trials/quote.md", "---\ntitle: \"A page\ndescription: d\n---\nText.\n"))
        .only_error(&expected(8));
    broken(|site| site.write("content/trials/quote.md", "---\ntitle:  'A page\ndescription: d\n---\n"))
        .only_error(&expected(9));
}

#[test]
fn a_number_where_a_list_is_expected() {
    broken(|site| site.write("content/trials/types.md", &page("cell_types: 3\n", ""))).only_error(
        "content/trials/types.md:4:13: error: cell_types: wrong type: integer `3`, expected a term id or a list of \
         term ids",
    );
    broken(|site| site.write("content/trials/types.md", &page("tags: 3\n", "")))
        .only_error("content/trials/types.md:4:7: error: tags: wrong type: integer `3`, expected a sequence");
    broken(|site| site.write("content/trials/types.md", &page("references:\n  - title: x\n    doi: [a]\n", "")))
        .only_error("content/trials/types.md:6:10: error: references[0].doi: wrong type: sequence, expected a string");
}

#[test]
fn front_matter_that_is_not_a_mapping() {
    broken(|site| site.write("content/trials/seq.md", "---\n- title\n- A\n---\n")).only_error(
        "content/trials/seq.md:2:1: error: wrong type: sequence, expected a YAML mapping of keys such as `title: ...`",
    );
}

#[test]
fn a_missing_title() {
    broken(|site| site.write("content/trials/untitled.md", "---\ndescription: d\n---\nText.\n"))
        .only_error("content/trials/untitled.md:1:1: error: missing `title`: every page needs a title");
}

#[test]
fn a_key_given_twice() {
    broken(|site| site.write("content/trials/twice.md", &page("title: Again\n", "")))
        .only_error("content/trials/twice.md:4:1: error: `title` is given twice");
}

#[test]
fn an_unknown_term_gets_a_suggestion() {
    broken(|site| site.write("content/trials/term.md", &page("cell_types: [hsc, msc-bonemarrow]\n", ""))).only_error(
        "content/trials/term.md:4:19: error: unknown cell type `msc-bonemarrow`; did you mean `msc-bone-marrow`?",
    );
    // YAML folds a mis-indented list item into the item before: the error stays at the key.
    broken(|site| site.write("content/trials/term.md", &page("cell_types:\n  - hsc\n   - msc\n", "")))
        .only_error("content/trials/term.md:4:1: error: unknown cell type `hsc - msc`; did you mean `hsc`?");
}

#[test]
fn aliases_written_as_one_name_are_shown_as_a_list() {
    broken(|site| site.write("content/trials/alias.md", &page("aliases: MND, Lou Gehrig's disease\n", ""))).only_error(
        "content/trials/alias.md:4:1: error: `aliases` is a list of names: write `aliases: [\"MND\", \"Lou Gehrig's \
         disease\"]`, one quoted name per alias",
    );
}

#[test]
fn invalid_dates() {
    for date in ["2024-02-30", "2024-13-01", "2024-1-5", "yesterday", "05/01/2024", "2024-01-01T10:00:00"] {
        broken(|site| site.write("content/trials/dated.md", &page(&format!("date: {date}\n"), ""))).only_error(
            &format!("content/trials/dated.md:4:1: error: invalid date `{date}`: write a real date as YYYY-MM-DD"),
        );
    }
}

#[test]
fn non_utf8_bytes() {
    broken(|site| write_bytes(site, "content/trials/latin1.md", b"---\ntitle: A\ndescription: caf\xe9\n---\n"))
        .only_error("content/trials/latin1.md:3:17: error: not valid UTF-8: save the file as UTF-8");
    broken(|site| {
        let mut config = fs::read(site.path("book.toml")).unwrap();
        config.extend_from_slice(b"\n[output.html]\ncname = \"caf\xe9\"\n");
        fs::write(site.path("book.toml"), config).unwrap();
    })
    .only_error_starting("book.toml:")
    .stderr_has(": error: not valid UTF-8: save the file as UTF-8");
}

#[test]
fn old_mac_line_endings_keep_their_line_numbers() {
    // Found by fuzzing: YAML and Markdown break lines at a lone `\r`, the line counter did not.
    broken(|site| site.write("content/trials/mac.md", "---\rtitle: A\rdescription: d\rtags: 3\r---\rText.\r"))
        .only_error("content/trials/mac.md:4:7: error: tags: wrong type: integer `3`, expected a sequence");
    broken(|site| site.write("content/trials/mac.md", "---\rtitle: A\rdescription: d\r---\r\rSee [x](#nowhere).\r"))
        .only_error("content/trials/mac.md:6:5: error: no heading or anchor `#nowhere` on this page");
}

#[test]
fn a_syntax_error_in_book_toml() {
    broken(|site| {
        let config = fs::read_to_string(site.path("book.toml")).unwrap();
        site.write("book.toml", &config.replace("title = \"Sturdy\"", "title = \"Sturdy"));
    })
    .only_error_starting("book.toml:3:");
}

// --- Positions kept when parsing ---------------------------------------------------------------

#[test]
fn a_term_declared_twice_is_reported_at_its_second_declaration() {
    // Found by searching the text, it was reported at the first `"msc-bone-marrow"` (line 16).
    broken(|site| {
        let config = fs::read_to_string(site.path("book.toml")).unwrap();
        let again =
            "label = \"Haematopoietic stem cells\"\n[[taxonomy.term]]\nid = \"msc-bone-marrow\"\nlabel = \"Again\"\n";
        site.write("book.toml", &config.replacen("label = \"Haematopoietic stem cells\"\n", again, 1));
    })
    .only_error("book.toml:22:6: error: term `msc-bone-marrow` is declared twice in `cell_types`");
}

#[test]
fn a_reference_id_used_twice_is_reported_at_its_second_use() {
    let references = "references:\n  - id: smith\n    title: Smith 2020\n    pmid: 123\n  - id: smith\n    title: Smith 2021\n    pmid: 456\n";
    broken(|site| site.write("content/trials/refs.md", &page(references, "Text [@smith].\n")))
        .only_error("content/trials/refs.md:8:9: error: reference id `smith` is used twice");
}

#[test]
fn a_bad_term_is_reported_where_it_is_written_not_where_its_text_first_appears() {
    // `hsc-x` stands twice in the list: each is reported at its own place.
    broken(|site| site.write("content/trials/terms.md", &page("cell_types: [hsc-x, hsc, hsc-x]\n", "")))
        .stderr_has("content/trials/terms.md:4:14: error: unknown cell type `hsc-x`")
        .stderr_has("content/trials/terms.md:4:26: error: unknown cell type `hsc-x`");
}

// --- URLs ---------------------------------------------------------------------------------------

#[test]
fn two_files_that_want_the_same_url() {
    broken(|site| site.write("content/trials/copy.md", &page("slug: trial-a\n", ""))).only_error(
        "content/trials/trial-a.md:1:1: error: `trials/trial-a/index.html` would be written twice: by \
         `content/trials/copy.md` and by `content/trials/trial-a.md`; change a `slug` or rename a file",
    );
    broken(|site| {
        site.write("content/cells/a b.md", &page("", ""));
        site.write("content/cells/a-b.md", &page("", ""));
    })
    .only_error(
        "content/cells/a-b.md:1:1: error: `cells/a-b/index.html` would be written twice: by `content/cells/a b.md` \
         and by `content/cells/a-b.md`; change a `slug` or rename a file",
    );
}

#[test]
fn a_slug_that_tries_to_leave_the_output() {
    for slug in ["../../escaped", "/tmp/escaped", "'..'", "'a\\b'", "C:\\escaped", "'%2e%2e'", "'a/b'", "''"] {
        let shown = slug.trim_matches('\'');
        let run = broken(|site| site.write("content/trials/sly.md", &page(&format!("slug: {slug}\n"), "")));
        run.only_error(&format!(
            "content/trials/sly.md:4:1: error: slug `{shown}` must be one URL segment, without `/`, `\\`, `%` or `..`"
        ));
    }
}

#[test]
fn a_slug_that_names_a_generated_file() {
    // The page would be `index.html/index.html`, beside the home page's `index.html`.
    broken(|site| site.write("content/odd.md", &page("slug: index.html\n", "")))
        .stderr_has("cannot write the site to")
        .stderr_has("`index.html")
        .stderr_has("rename or remove one of the two");
}

#[test]
fn a_static_file_and_a_page_that_want_the_same_output_path() {
    broken(|site| site.write("static/trials/trial-a/index.html", "<p>mine</p>")).only_error(
        "static/trials/trial-a/index.html:1:1: error: `trials/trial-a/index.html` would be written twice: by \
         `content/trials/trial-a.md` and by `static/trials/trial-a/index.html`; change a `slug` or rename a file",
    );
    // Generated files are no exception: a static `robots.txt` used to be silently replaced.
    broken(|site| site.write("static/robots.txt", "User-agent: *\nDisallow: /\n"))
        .stderr_has("`robots.txt` would be written twice");
    broken(|site| site.write("static/cell-types/hsc/index.html", "mine"))
        .stderr_has("`cell-types/hsc/index.html` would be written twice");
    // A file where the site needs a folder.
    broken(|site| site.write("static/trials", "a file named like a section"))
        .stderr_has("`trials")
        .stderr_has("rename or remove one of the two");
}

#[test]
fn chinese_and_spaced_file_names_build_with_sensible_urls() {
    let site = Site::fixture("sturdy");
    site.write("content/细胞.md", "---\ntitle: 细胞\ndescription: 细胞的介绍。\n---\n## 什么是细胞\n");
    site.write("content/trials/my first trial.md", &page("", "Spaces in the name.\n"));
    site.write(
        "content/trials/links.md",
        &page(
            "",
            "[a](../细胞.md) [b](<my first trial.md>) [c](my%20first%20trial.md) [d](../%E7%BB%86%E8%83%9E.md) \
             [e](/细胞/) [f](/trials/my-first-trial/)\n",
        ),
    );
    succeeds(build(&site));
    let chinese = site.output("细胞/index.html");
    assert!(chinese.contains("<h2 id=\"什么是细胞\">"), "{chinese}");
    assert!(site.output("trials/my-first-trial/index.html").contains("Spaces in the name."));
    let links = site.output("trials/links/index.html");
    let hrefs: Vec<&str> = links.split("<a href=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    let chinese_url = "/%E7%BB%86%E8%83%9E/"; // `/细胞/`, percent-encoded by the HTML writer
    assert_eq!(
        hrefs,
        [
            chinese_url,
            "/trials/my-first-trial/",
            "/trials/my-first-trial/",
            chinese_url,
            chinese_url,
            "/trials/my-first-trial/"
        ],
        "{links}"
    );
}

// --- Size and depth -----------------------------------------------------------------------------

#[test]
fn a_ten_megabyte_page_builds_in_bounded_time() {
    let site = Site::fixture("sturdy");
    let mut body = String::with_capacity(10_500_000);
    let mut n = 0;
    while body.len() < 10 * 1024 * 1024 {
        n += 1;
        // Every section repeats the same headings, as long generated reports do: ids must stay
        // unique without a quadratic search.
        body.push_str(&format!(
            "## Results\n\nParagraph {n} with *emphasis*, `code`, a [link](../cells/msc.md) and \
             [another](#results). Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n\n\
             - item one\n- item two\n  - nested item\n\n> A quote.\n\n| a | b |\n|---|---|\n| {n} | x |\n\n"
        ));
    }
    site.write("content/trials/huge.md", &page("", &body));
    let run = succeeds(build(&site));
    let html = fs::read_to_string(site.path("book/trials/huge/index.html")).unwrap();
    assert!(html.len() > 10 * 1024 * 1024);
    assert!(html.contains(&format!("<h2 id=\"results-{}\">", n - 1)), "every heading got its own id");
    eprintln!("10 MB page: {n} sections built in {:?}", run.elapsed);
}

/// A page whose body is `body`, built with raw HTML allowed and again with it sanitised.
fn deep(body: &str, expect: &str, count: usize) {
    for sanitise in [false, true] {
        let site = Site::fixture("sturdy");
        if sanitise {
            let config = fs::read_to_string(site.path("book.toml")).unwrap();
            site.write("book.toml", &format!("{config}\n[markdown]\nallow-html = false\n"));
        }
        site.write("content/trials/deep.md", &page("", body));
        succeeds(build(&site));
        let html = site.output("trials/deep/index.html");
        assert_eq!(html.matches(expect).count(), count, "sanitised: {sanitise}");
    }
}

#[test]
fn ten_thousand_nested_lists() {
    deep(&format!("{}deepest\n", "- ".repeat(10_000)), "<ul>", 10_000);
}

#[test]
fn ten_thousand_nested_block_quotes() {
    deep(&format!("{} deepest\n", ">".repeat(10_000)), "<blockquote>", 10_000);
}

#[test]
fn ten_thousand_nested_html_elements() {
    let body = format!("{}deepest{}\n", "<div>".repeat(10_000), "</div>".repeat(10_000));
    let site = Site::fixture("sturdy");
    site.write("content/trials/deep.md", &page("", &body));
    succeeds(build(&site));
}

#[test]
fn deeply_nested_yaml() {
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for key in ["extra", "references", "tags", "cell_types"] {
        broken(|site| site.write("content/trials/deep.md", &page(&format!("{key}: {nested}\n"), "")))
            .only_error_starting("content/trials/deep.md:4:");
    }
    broken(|site| site.write("content/trials/deep.md", &page(&format!("{}\n", "k:\n  ".repeat(5_000)), "")))
        .only_error_starting("content/trials/deep.md:");
    broken(|site| site.write("content/trials/deep.md", &page(&format!("extra: {}\n", "[".repeat(10_000)), "")))
        .only_error(
            "content/trials/deep.md:5:1: error: did not find expected node content while parsing a flow node: \
             check that every `[` and `{` is closed, and quote values that contain `,`, `[` or `{`",
        );
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    // "Billion laughs": nine aliases of nine aliases... of nine strings.
    let mut nested = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (name, previous) in
        ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        nested.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(", ")));
    }
    nested.push_str("tags: *i\n");
    let run = broken(|site| site.write("content/trials/bomb.md", &page(&nested, "")));
    run.only_error_starting("content/trials/bomb.md:");
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
    // The flat kind: 100 kB of text standing for 300 MB of tags.
    let big = "x".repeat(100_000);
    let flat = format!("big: &a \"{big}\"\ntags: [{}]\n", vec!["*a"; 3000].join(", "));
    let run = broken(|site| site.write("content/trials/bomb.md", &page(&flat, "")));
    run.only_error(
        "content/trials/bomb.md:5:1: error: tags[8]: YAML aliases (`*name`) expand this front matter to far more than its own \
         size: write the values out instead of repeating an alias",
    );
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

// --- The file system ----------------------------------------------------------------------------

#[test]
fn a_symlink_loop_under_content() {
    broken(|site| std::os::unix::fs::symlink("..", site.path("content/cells/up")).unwrap()).only_error(
        "content/cells/up:1:1: error: symbolic link loop: this link points back to a folder that contains it",
    );
    broken(|site| {
        std::os::unix::fs::symlink("b.md", site.path("content/a.md")).unwrap();
        std::os::unix::fs::symlink("a.md", site.path("content/b.md")).unwrap();
    })
    .stderr_has("content/a.md:1:1: error: cannot read: ")
    .stderr_has("content/b.md:1:1: error: cannot read: ");
    broken(|site| std::os::unix::fs::symlink("nowhere.md", site.path("content/dangling.md")).unwrap())
        .only_error("content/dangling.md:1:1: error: cannot read: No such file or directory (os error 2)");
}

/// Whether this process can read a file whose permissions forbid it (it runs as root).
fn reads_through_permissions(dir: &Path) -> bool {
    let probe = dir.join("probe");
    fs::write(&probe, "x").unwrap();
    fs::set_permissions(&probe, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let readable = fs::read(&probe).is_ok();
    fs::remove_file(&probe).unwrap();
    readable
}

#[test]
fn an_unreadable_file() {
    let probe = tempfile::tempdir().unwrap();
    if reads_through_permissions(probe.path()) {
        // As root, `chmod 000` stops nothing. A named pipe cannot be read as a page either (and
        // reading one would block the build forever), so that is the unreadable file here.
        eprintln!("running as root: chmod 000 does not stop reads; using a named pipe instead");
        broken(|site| {
            let status = std::process::Command::new("mkfifo").arg(site.path("content/trials/pipe.md")).status();
            assert!(status.unwrap().success(), "mkfifo");
        })
        .only_error(
            "content/trials/pipe.md:1:1: error: cannot read: not a regular file (a named pipe, socket or device); \
             replace it with a file",
        );
    } else {
        broken(|site| {
            site.write("content/trials/secret.md", &page("", ""));
            let mode = std::os::unix::fs::PermissionsExt::from_mode(0o000);
            fs::set_permissions(site.path("content/trials/secret.md"), mode).unwrap();
        })
        .only_error("content/trials/secret.md:1:1: error: cannot read: Permission denied (os error 13)");
    }
}

// --- Templates ----------------------------------------------------------------------------------

#[test]
fn a_template_syntax_error_names_the_template_and_line() {
    broken(|site| {
        site.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock main %}\n",
        )
    })
    .only_error_starting("templates/page.html:3:19: error: ");
    broken(|site| {
        site.write(
            "templates/term.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{% for p in pages %}\n{% endblock main %}\n",
        )
    })
    .only_error_starting("templates/term.html:4:");
}

#[test]
fn an_error_in_the_sidebar_template_is_reported_once_not_once_per_page() {
    // `nav.html` is rendered once per language and section, and its tree given to every page.
    broken(|site| {
        site.write(
            "templates/nav.html",
            "{%- set t = i18n[lang] %}\n<nav class=\"nav-tree\">\n{{ t.home }} {{ nav_titles.home }}\n</nav>\n",
        )
    })
    .only_error_starting("templates/nav.html:3:17: error: Variable `nav_titles` is not defined");
}

#[test]
fn a_template_extending_a_missing_one() {
    broken(|site| site.write("templates/term.html", "{% extends \"layout.html\" %}\n"))
        .only_error("templates/term.html:1:1: error: extends `layout.html`, which does not exist");
}

#[test]
fn a_missing_included_template_names_the_including_template_and_line() {
    broken(|site| {
        site.write(
            "templates/term.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{% include \"partials/nope.html\" %}\n{% endblock main %}\n",
        )
    })
    .only_error_starting("templates/term.html:3:12: error: ");
}
