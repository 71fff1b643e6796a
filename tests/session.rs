//! The dev server's build session: an edit re-renders only what depends on it, and a broken edit
//! changes nothing on disk.

mod common;

use cellbook::build::Options;
use cellbook::serve::session::{Rebuild, SearchBundle, Session};
use common::{Site, snapshot};
use std::time::Duration;

fn session(site: &Site) -> Session {
    let options = Options { root: site.root().to_path_buf(), no_search: true, ..Options::default() };
    let (session, first) = Session::new(options).expect("first build");
    assert!(first.full && first.written.len() > 30);
    session
}

#[test]
fn a_body_edit_re_renders_only_that_page() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    let file = site.path("content/trials/lab.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nA new sentence about mice.\n")).unwrap();
    let rebuild = session.update(std::slice::from_ref(&file)).unwrap();
    assert!(!rebuild.full);
    assert_eq!(rebuild.rendered, 1);
    assert_eq!(rebuild.written, vec!["trials/lab/index.html".to_string()]);
    assert!(site.output("trials/lab/index.html").contains("A new sentence about mice."));
}

#[test]
fn a_new_link_re_renders_the_target_for_its_backlinks() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    let file = site.path("content/trials/lab.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nSee [the trial](trial-a.md).\n")).unwrap();
    let rebuild = session.update(std::slice::from_ref(&file)).unwrap();
    assert_eq!(rebuild.written, vec!["trials/lab/index.html".to_string(), "trials/trial-a/index.html".to_string()]);
    let target = site.output("trials/trial-a/index.html");
    let backlinks = target.split(r#"<ul class="backlinks">"#).nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(backlinks.contains("Lab work"), "{backlinks}");
}

#[test]
fn a_front_matter_edit_rebuilds_everything_but_writes_only_changes() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    let file = site.path("content/trials/lab.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("title: Lab work", "title: Lab studies")).unwrap();
    let rebuild = session.update(std::slice::from_ref(&file)).unwrap();
    assert!(rebuild.full);
    assert!(rebuild.written.contains(&"trials/lab/index.html".to_string()));
    assert!(rebuild.written.contains(&"cell-types/hsc/index.html".to_string()), "term page lists the title");
    for unchanged in ["css/site.css", "syntax-light.css", "sitemap.xml", "robots.txt"] {
        assert!(!rebuild.written.contains(&unchanged.to_string()), "{unchanged} rewritten: {:?}", rebuild.written);
    }
}

#[test]
fn a_broken_edit_writes_nothing_and_the_fix_recovers() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    let before = snapshot(&site.path("book"));
    let file = site.path("content/trials/trial-a.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("## Results", "## Findings")).unwrap();
    let error = session.update(std::slice::from_ref(&file)).unwrap_err().to_string();
    assert!(
        error.contains("content/cells/msc.md:19:31: error: no heading `#results` in `content/trials/trial-a.md`"),
        "the link into the edited page is reported where it is written: {error}"
    );
    assert_eq!(before, snapshot(&site.path("book")));
    std::fs::write(&file, &text).unwrap();
    let rebuild = session.update(std::slice::from_ref(&file)).unwrap();
    assert!(rebuild.written.is_empty(), "back to the same bytes: {:?}", rebuild.written);
}

#[test]
fn removed_pages_are_removed_from_the_output() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    site.remove("content/trials/lab.md");
    let rebuild = session.update(&[site.path("content/trials/lab.md")]).unwrap();
    assert!(rebuild.removed.contains(&"trials/lab/index.html".to_string()));
    assert!(!site.path("book/trials/lab/index.html").exists());
}

#[test]
fn a_new_search_bundle_replaces_the_old_one() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    session.write_search(vec![("pagefind/a.pf_fragment".into(), b"a".to_vec())]).unwrap();
    assert!(site.path("book/pagefind/a.pf_fragment").is_file());
    let written = session.write_search(vec![("pagefind/b.pf_fragment".into(), b"b".to_vec())]).unwrap();
    assert_eq!(written, vec!["pagefind/b.pf_fragment".to_string()]);
    assert!(!site.path("book/pagefind/a.pf_fragment").exists(), "stale fragment removed");
    let leftovers: Vec<_> =
        snapshot(&site.path("book")).into_iter().filter(|(p, _)| p.to_string_lossy().contains("partial")).collect();
    assert!(leftovers.is_empty());
}

#[test]
fn only_body_edits_take_the_incremental_path() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    let file = site.path("content/trials/lab.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("title: Lab work", "title: Lab studies")).unwrap();
    assert!(session.update_bodies(std::slice::from_ref(&file)).is_none(), "a front matter edit");
    assert!(site.output("trials/lab/index.html").contains("Lab work"), "nothing written for it");
    assert!(session.update_bodies(&[site.path("content/trials/new.md")]).is_none(), "not a page");
    std::fs::write(&file, format!("{text}\nMore mice.\n")).unwrap();
    let rebuild = session.update_bodies(std::slice::from_ref(&file)).expect("a body edit").unwrap();
    assert!(!rebuild.full);
    assert!(site.output("trials/lab/index.html").contains("More mice."));
}

#[test]
fn a_page_added_by_a_full_rebuild_is_then_edited_incrementally() {
    let site = Site::fixture("basic");
    let mut session = session(&site);
    let text = std::fs::read_to_string(site.path("content/trials/lab.md")).unwrap();
    site.write("content/trials/field.md", &text.replace("title: Lab work", "title: Field work"));
    let file = site.path("content/trials/field.md");
    let added = session.update(std::slice::from_ref(&file)).unwrap();
    assert!(added.full && added.written.contains(&"trials/field/index.html".to_string()));
    std::fs::write(&file, format!("{}\nIn the field.\n", std::fs::read_to_string(&file).unwrap())).unwrap();
    let rebuild = session.update(std::slice::from_ref(&file)).unwrap();
    assert!(!rebuild.full, "the new page is known to the incremental path");
    assert_eq!(rebuild.written, vec!["trials/field/index.html".to_string()]);
}

#[test]
fn a_deferred_search_index_stays_until_the_next_one_is_written() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.path("book.toml")).unwrap();
    site.write("book.toml", &config.replace("[search]\nenabled = false", "[search]\nenabled = true"));
    let options = Options { root: site.root().to_path_buf(), ..Options::default() };
    let (mut session, first) = Session::new(options).unwrap();
    assert!(first.written.iter().any(|p| p.starts_with("pagefind/")), "the first build indexes");
    session.defer_search(true);
    let entry = site.output("pagefind/pagefind-entry.json");

    let file = site.path("content/trials/lab.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("title: Lab work", "title: Lab studies")).unwrap();
    let rebuild = session.update(std::slice::from_ref(&file)).unwrap();
    assert!(rebuild.full && rebuild.search_stale);
    assert!(rebuild.written.iter().chain(&rebuild.removed).all(|p| !p.starts_with("pagefind/")), "{rebuild:?}");
    assert_eq!(site.output("pagefind/pagefind-entry.json"), entry, "the old index is still served");

    let bundle = SearchBundle::new(session.search_input().unwrap()).unwrap();
    let written = session.write_search_bundle(bundle).unwrap();
    assert!(!written.is_empty() && written.iter().all(|p| p.starts_with("pagefind/")), "{written:?}");
}

#[test]
fn rebuilds_merge_as_if_they_were_one() {
    let strings = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let mut first = Rebuild {
        rendered: 1,
        written: strings(&["a.html", "b.html"]),
        removed: strings(&["c.html"]),
        elapsed: Duration::from_millis(2),
        ..Rebuild::default()
    };
    let later = Rebuild {
        rendered: 2,
        full: true,
        written: strings(&["c.html", "b.html"]),
        removed: strings(&["a.html"]),
        search_stale: true,
        elapsed: Duration::from_millis(3),
    };
    first.merge(later);
    assert_eq!(first.written, strings(&["b.html", "c.html"]));
    assert_eq!(first.removed, strings(&["a.html"]));
    assert!(first.full && first.search_stale);
    assert_eq!((first.rendered, first.elapsed), (3, Duration::from_millis(5)));
}
