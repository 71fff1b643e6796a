//! Untrusted text never becomes markup: front-matter values in every template and in JSON-LD,
//! and raw HTML in Markdown when `[markdown] allow-html = false`. Uses the real theme.

mod common;

use common::real_site;
use std::path::Path;

const ATTACK: &str = "</script><script>alert(1)</script>";

fn build(root: &Path) -> String {
    let run = common::cellbook().args(["build", "--root"]).arg(root).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::read_to_string(root.join("book/trials/attack/index.html")).unwrap()
}

#[test]
fn front_matter_values_are_text_in_every_place() {
    let site = real_site();
    let page = format!(
        "---\ntitle: '{ATTACK}'\ndescription: '\" onmouseover=\"alert(2)'\ndiseases: [als]\nevidence: preclinical\nresult: not-tested-in-people\ntags: ['<b>tag</b>']\nreferences:\n  - id: x\n    title: '<img src=x onerror=alert(3)>'\n    pmid: \"1\"\n---\n## In brief\n\nText [@x].\n"
    );
    std::fs::write(site.path().join("content/trials/attack.md"), page).unwrap();
    let html = build(site.path());
    assert!(!html.contains("<script>alert(1)"), "title became markup");
    assert!(!html.contains("<img src=x"), "reference title became markup");
    assert!(!html.contains("\" onmouseover=\"alert(2)"), "description broke out of an attribute");
    assert!(html.contains("&lt;&#x2F;script&gt;") || html.contains("&lt;/script&gt;"), "title shown as text");
    let json_ld = html.split("application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    assert!(json_ld.contains("\\u003c/script\\u003e"), "JSON-LD escapes `<`: {json_ld}");
    let term_page = std::fs::read_to_string(site.path().join("book/evidence/preclinical/index.html")).unwrap();
    assert!(!term_page.contains("<script>alert(1)"), "listings escape titles too");
}

#[test]
fn raw_html_is_sanitised_when_not_allowed() {
    let site = real_site();
    let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    std::fs::write(site.path().join("book.toml"), config.replace("allow-html = true", "allow-html = false")).unwrap();
    let page = "---\ntitle: Raw\ndescription: Raw HTML test page.\ndiseases: [als]\nevidence: preclinical\nresult: not-tested-in-people\nreferences:\n  - id: x\n    title: X\n    pmid: \"1\"\n---\n## In brief\n\n<script>alert(1)</script>\n\n<p onclick=\"alert(2)\">kept <em>emphasis</em> [@x]</p>\n\n<img src=\"x\" onerror=\"alert(3)\">\n";
    std::fs::write(site.path().join("content/trials/attack.md"), page).unwrap();
    let html = build(site.path());
    let body = html.split("<h2 id=\"in-brief\"").nth(1).unwrap();
    assert!(!body.contains("alert(1)"), "script removed");
    assert!(!body.contains("onclick") && !body.contains("onerror"), "event handlers removed");
    assert!(body.contains("<em>emphasis</em>"), "harmless markup kept");
}
