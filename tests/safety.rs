//! Safe by default, on the real site and theme, tried as a hostile contributor would: script URLs
//! in every place a URL is written are build errors at `path:line:col` (non-zero exit, no panic,
//! the previous site untouched); every page carries a Content-Security-Policy that allows the
//! theme's own scripts and no other; only the site's own files are read and published.

mod common;

use base64::Engine as _;
use common::{Run, cellbook, real_site, snapshot};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

/// The front matter the real site asks of an article; the body starts on line 7.
const FRONT: &str =
    "---\ntitle: Attack\ndescription: A page a hostile contributor wrote.\ndiseases: [als]\ntags: [attack]\n---\n";

fn build(root: &Path) -> Run {
    Run::from(cellbook().args(["build", "--root"]).arg(root).output().unwrap())
}

/// Builds the real site, lets `breakage` change it, builds again: the build must fail cleanly
/// and leave the previous output as it was. Returns the error lines.
fn refused(breakage: impl FnOnce(&Path)) -> Vec<String> {
    let site = real_site();
    build(site.path()).success();
    let before = snapshot(&site.path().join("book"));
    breakage(site.path());
    let run = build(site.path());
    run.failure();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(before == snapshot(&site.path().join("book")), "the previous site changed after a failed build");
    run.stderr.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The (line, column) of each error about `file`, in order.
fn places(errors: &[String], file: &str) -> Vec<(usize, usize)> {
    errors
        .iter()
        .filter_map(|e| {
            let rest = e.strip_prefix(file)?.strip_prefix(':')?;
            let mut parts = rest.splitn(3, ':');
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        })
        .collect()
}

// --- Script URLs --------------------------------------------------------------------------------

#[test]
fn script_urls_in_markdown_links_and_images_are_errors_in_every_disguise() {
    let lines = [
        "[Read the trial](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](< javascript:alert(1)>)",
        "[x](java&#x09;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][evil]",
        "![x](data:text/html,hi)",
        "![a dot](data:image/png;base64,iVBORw0KGgo=) [fine](https://example.org/a:b)",
    ];
    let body = lines.join("\n\n") + "\n\n[evil]: javascript:alert(1)\n";
    let errors = refused(|root| write(root, "content/outlook/attack.md", &format!("{FRONT}{body}")));
    let expected: Vec<(usize, usize)> = (0..lines.len() - 1).map(|i| (7 + 2 * i, 1)).collect();
    assert_eq!(places(&errors, "content/outlook/attack.md"), expected, "{errors:#?}");
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    assert_eq!(
        errors[0],
        "content/outlook/attack.md:7:1: error: link: `javascript:alert(1)` is a `javascript:` URL, which runs a script \
         in the reader's browser when followed; link to a page (`other.md`, `/path/`) or a web address (`https://...`) \
         instead, and put files in `content/` beside the page or in `static/`"
    );
    assert!(errors[3].contains("`java\\tscript:alert(1)` is a `javascript:` URL"), "{}", errors[3]);
    assert!(errors[7].contains("`data:` URL, which can carry a whole page"), "{}", errors[7]);
    assert!(errors[8].contains("`file:` URL, which points at a file on the reader's own computer"), "{}", errors[8]);
    assert!(
        errors[11].starts_with("content/outlook/attack.md:29:1: error: image: ")
            && errors[11].contains("is not an image")
    );
}

#[test]
fn script_urls_and_scripts_in_raw_html_are_errors() {
    // The real site keeps raw HTML (`allow-html = true`).
    let lines = [
        "<p><a href=\"javascript:alert(1)\">x</a></p>",
        "<p><a href=\"java&#x09;script:alert(1)\">x</a></p>",
        "<p><a href=\"  &#106;avascript&#58;alert(1)\">x</a></p>",
        "<p><a href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">x</a></p>",
        "<form action=\"javascript:alert(1)\"><button formaction=\"vbscript:x\">go</button></form>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<p><img alt=\"\" srcset=\"a.png 1x, javascript:alert(1) 2x\"></p>",
        "<p onclick=\"alert(1)\">x</p>",
        "<script>alert(1)</script>",
        "<div\n  data-x=\"1\" title=\"a\" onmouseover=\"alert(1)\">x</div>",
        "Inline <a href=\"file:///etc/passwd\">text</a>.",
        "<p><img alt=\"\" src=\"data:image/png;base64,iVBORw0KGgo=\"><a href=\"https://example.org/?u=javascript:x\">ok</a></p>",
    ];
    let body = lines.join("\n\n") + "\n";
    let errors = refused(|root| write(root, "content/outlook/attack.md", &format!("{FRONT}{body}")));
    // Each at the value, or at the attribute or tag that is refused as a whole.
    let expected = [
        (7, 13),
        (9, 13),
        (11, 13),
        (13, 13),
        (15, 15),
        (15, 56),
        (17, 21),
        (19, 24),
        (21, 4),
        (23, 1),
        (26, 24),
        (28, 17),
    ];
    assert_eq!(places(&errors, "content/outlook/attack.md"), expected, "{errors:#?}");
    assert!(
        errors[0].contains("`href` attribute of `<a>`: `javascript:alert(1)` is a `javascript:` URL"),
        "{}",
        errors[0]
    );
    assert!(
        errors[2].contains("`&#106;avascript&#58;alert(1)`") || errors[2].contains("`javascript:alert(1)`"),
        "{}",
        errors[2]
    );
    assert!(errors[8].contains("`onclick` attribute: event handlers are scripts"), "{}", errors[8]);
    assert!(errors[9].contains("`<script>` in a page: only the theme's scripts run"), "{}", errors[9]);
    assert!(errors[10].contains("`onmouseover`"), "a tag over two lines: {}", errors[10]);
}

#[test]
fn script_urls_in_front_matter_and_book_toml_are_errors() {
    let page = "---\ntitle: Attack\ndescription: A page.\ndiseases: [als]\ntags: [attack]\nreferences:\n  - id: x\n    title: X\n    url: \" JavaScript:alert(1)\"\n---\nText [@x].\n";
    let errors = refused(|root| write(root, "content/outlook/attack.md", page));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(
            "content/outlook/attack.md:9:11: error: `references`: `JavaScript:alert(1)` is a `javascript:` URL"
        ),
        "{}",
        errors[0]
    );

    let errors = refused(|root| {
        let config = fs::read_to_string(root.join("book.toml")).unwrap();
        let config = config.replace(
            "git-repository-url = \"https://github.com/cellbook/cellbook\"",
            "git-repository-url = \"javascript:alert(document.domain)\"",
        );
        fs::write(root.join("book.toml"), config).unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("book.toml:"), "{}", errors[0]);
    assert!(
        errors[0].contains("error: `git-repository-url`: `javascript:alert(document.domain)` is a `javascript:` URL")
    );
}

#[test]
fn script_urls_that_a_template_writes_are_errors_naming_the_template() {
    // The description is text, not a URL; only the template makes it a link.
    let errors = refused(|root| {
        let template = fs::read_to_string(root.join("templates/page.html")).unwrap();
        let template = template.replacen(
            "<div class=\"content\">",
            "<a href=\"{{ page.description }}\">x</a>\n<div class=\"content\">",
            1,
        );
        fs::write(root.join("templates/page.html"), template).unwrap();
        let page =
            "---\ntitle: Attack\ndescription: javascript:alert(1)\ndiseases: [als]\ntags: [attack]\n---\nText.\n";
        write(root, "content/outlook/attack.md", page);
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("templates/page.html:1:1: error: `href` attribute of `<a>`: `javascript:alert(1)`"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("(in the output `outlook/attack/index.html`, line"), "{}", errors[0]);
    assert!(errors[0].ends_with("(while rendering content/outlook/attack.md)"), "{}", errors[0]);
}

#[test]
fn an_inline_script_with_template_code_is_an_error() {
    let errors = refused(|root| {
        let base = fs::read_to_string(root.join("templates/base.html")).unwrap();
        let base = base.replacen("</head>", "<script>var lang = \"{{ lang }}\";</script>\n</head>", 1);
        fs::write(root.join("templates/base.html"), base).unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("error: an inline `<script>` holds template code"), "{}", errors[0]);
    assert!(errors[0].starts_with("templates/base.html:"), "{}", errors[0]);
}

// --- The Content-Security-Policy ------------------------------------------------------------------

/// The `content` of a page's `<meta http-equiv="Content-Security-Policy">`, decoded.
fn policy(html: &str) -> Option<String> {
    let start = html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"")?;
    let rest = &html[start..];
    let value = rest.split("content=\"").nth(1)?.split('"').next()?;
    Some(value.replace("&#39;", "'").replace("&#x27;", "'"))
}

fn sha256(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest.as_ref()))
}

/// The text of every `<script>` without `src` or `type` (the ones a browser runs inline).
fn inline_scripts(html: &str) -> Vec<&str> {
    html.split("<script>").skip(1).map(|rest| rest.split("</script>").next().unwrap()).collect()
}

#[test]
fn every_page_has_a_policy_that_allows_its_own_inline_scripts_only() {
    let site = real_site();
    build(site.path()).success();
    let mut pages = 0;
    for (path, bytes) in snapshot(&site.path().join("book")) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        let shown = path.display();
        let policy = policy(&html).unwrap_or_else(|| panic!("{shown}: no Content-Security-Policy"));
        assert!(
            html.find("http-equiv=\"Content-Security-Policy\"") < html.find("<script"),
            "{shown}: the policy comes first"
        );
        let script_src = policy.split(';').map(str::trim).find(|d| d.starts_with("script-src ")).unwrap();
        assert!(script_src.starts_with("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{shown}: {policy}");
        for needed in ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"] {
            assert!(policy.contains(needed), "{shown}: {policy} lacks {needed}");
        }
        let sources: Vec<&str> = script_src.split_whitespace().collect();
        assert!(!sources.contains(&"'unsafe-inline'") && !sources.contains(&"'unsafe-eval'"), "{shown}: {script_src}");
        let scripts = inline_scripts(&html);
        assert!(!scripts.is_empty(), "{shown}: the theme has inline scripts");
        for script in scripts {
            assert!(script_src.contains(&sha256(script)), "{shown}: inline script not in the policy: {script}");
        }
        assert!(html.contains("<meta name=\"referrer\" content=\"strict-origin-when-cross-origin\">"), "{shown}");
    }
    assert!(pages > 100, "{pages} pages");
}

#[test]
fn the_policy_and_referrer_are_set_in_book_toml() {
    let site = real_site();
    let config = fs::read_to_string(site.path().join("book.toml")).unwrap();
    let with = |lines: &str| config.replacen("[output.html]\n", &format!("[output.html]\n{lines}\n"), 1);

    fs::write(
        site.path().join("book.toml"),
        with("content-security-policy = \"script-src 'self'; img-src https:\"\nreferrer-policy = \"no-referrer\""),
    )
    .unwrap();
    build(site.path()).success();
    let home = fs::read_to_string(site.path().join("book/index.html")).unwrap();
    let policy = policy(&home).unwrap();
    assert!(policy.starts_with("script-src 'self' 'sha256-") && policy.ends_with("; img-src https:"), "{policy}");
    assert!(home.contains("<meta name=\"referrer\" content=\"no-referrer\">"));

    fs::write(site.path().join("book.toml"), with("content-security-policy = \"\"")).unwrap();
    build(site.path()).success();
    let home = fs::read_to_string(site.path().join("book/index.html")).unwrap();
    assert!(!home.contains("Content-Security-Policy"), "an empty policy publishes none");

    for (setting, error) in [
        (
            "content-security-policy = \"default-src 'self'; frame-ancestors 'none'\"",
            "`frame-ancestors` does nothing in a `<meta>` policy",
        ),
        ("content-security-policy = \"default-src 'self'\"", "the policy has no `script-src`"),
        ("referrer-policy = \"no-referer\"", "did you mean `no-referrer`?"),
    ] {
        fs::write(site.path().join("book.toml"), with(setting)).unwrap();
        let run = build(site.path());
        run.failure().stderr_has("book.toml:").stderr_has(error);
    }
}

#[test]
fn links_that_open_another_window_get_noopener() {
    let site = real_site();
    let body = "<p><a href=\"https://example.org/\" target=\"_blank\">out</a> <a href=\"https://example.org/b\" rel=\"external\" target=\"w\">b</a></p>\n";
    write(site.path(), "content/outlook/attack.md", &format!("{FRONT}{body}"));
    build(site.path()).success();
    let html = fs::read_to_string(site.path().join("book/outlook/attack/index.html")).unwrap();
    assert!(html.contains("<a rel=\"noopener\" href=\"https://example.org/\" target=\"_blank\">out</a>"), "{html}");
    assert!(html.contains("<a href=\"https://example.org/b\" rel=\"noopener external\" target=\"w\">b</a>"), "{html}");
}

// --- Only the site's own files ------------------------------------------------------------------

#[test]
fn a_page_that_links_to_a_file_outside_the_site_is_an_error_naming_it() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    fs::write(&secret, format!("{FRONT}The secret.\n")).unwrap();
    let real_secret = fs::canonicalize(&secret).unwrap();
    let errors = refused(|root| symlink(&secret, root.join("content/outlook/leak.md")).unwrap());
    assert_eq!(
        errors,
        [format!(
            "content/outlook/leak.md:1:1: error: a symbolic link to `{}`, outside the site's folder: cellbook publishes \
             only the site's own files; copy what you need into the site instead",
            real_secret.display()
        )]
    );
    // A system file was read before, and only failed for lack of front matter.
    let errors = refused(|root| symlink("/etc/passwd", root.join("content/passwd.md")).unwrap());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("content/passwd.md:1:1: error: a symbolic link to `/etc/passwd`, outside"),
        "{}",
        errors[0]
    );
    let errors = refused(|root| symlink(outside.path(), root.join("content/elsewhere")).unwrap());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("content/elsewhere:1:1: error: a symbolic link to"), "{}", errors[0]);
}

#[test]
fn templates_and_static_files_that_link_outside_the_site_are_errors_naming_them() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("page.html"), "{% extends \"base.html\" %}").unwrap();
    let errors = refused(|root| {
        fs::remove_file(root.join("templates/page.html")).unwrap();
        symlink(outside.path().join("page.html"), root.join("templates/page.html")).unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("templates/page.html:1:1: error: a symbolic link to"), "{}", errors[0]);
    // Silently left out before; now named.
    let errors = refused(|root| symlink("/etc/passwd", root.join("static/passwd.txt")).unwrap());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("static/passwd.txt:1:1: error: a symbolic link to `/etc/passwd`, outside"),
        "{}",
        errors[0]
    );
}

#[test]
fn links_that_stay_inside_the_site_are_followed_and_published() {
    let site = real_site();
    let root = site.path();
    // Shared files kept in a folder of the site, linked from content, templates and static.
    write(root, "shared/article.md", &format!("{FRONT}Shared text.\n"));
    write(root, "shared/extra.css", "p { color: inherit }\n");
    fs::rename(root.join("templates/404.html"), root.join("shared/404.html")).unwrap();
    symlink("../../shared/article.md", root.join("content/outlook/shared.md")).unwrap();
    symlink("../shared/extra.css", root.join("static/extra.css")).unwrap();
    symlink("../shared/404.html", root.join("templates/404.html")).unwrap();
    build(root).success();
    let page = fs::read_to_string(root.join("book/outlook/shared/index.html")).unwrap();
    assert!(page.contains("Shared text."));
    assert_eq!(fs::read_to_string(root.join("book/extra.css")).unwrap(), "p { color: inherit }\n");
    assert!(fs::read_to_string(root.join("book/404.html")).unwrap().contains("notfound-code"));
}

#[test]
fn paths_from_book_toml_cannot_leave_the_output_folder() {
    // Slugs are covered in tests/bad_input.rs; taxonomy paths and term ids were already checked.
    for (from, to) in [
        ("path = \"matrix\"", "path = \"../../matrix\""),
        ("path = \"cell-types\"", "path = \"../cell-types\""),
        ("id = \"als\"", "id = \"../als\""),
    ] {
        let errors = refused(|root| {
            let config = fs::read_to_string(root.join("book.toml")).unwrap();
            fs::write(root.join("book.toml"), config.replacen(from, to, 1)).unwrap();
        });
        assert_eq!(errors.len(), 1, "{to}: {errors:#?}");
        assert!(errors[0].starts_with("book.toml:") && errors[0].contains("must be a"), "{}", errors[0]);
    }
}
