//! The HTML scanner and the checks built on it (`safety::html::tags`, `raw_html_problems`,
//! `check_document`): every offset they report points at what they say is there, and adding
//! `rel="noopener"` is done once for all (a second pass changes nothing).
#![no_main]

use cellbook::safety::{check_document, html, raw_html_problems};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut last = None;
    for tag in html::tags(text) {
        assert!(last.is_none_or(|at| at < tag.at), "tags in order");
        last = Some(tag.at);
        assert_eq!(&text[tag.at + 1..tag.name_end], tag.name);
        for attr in &tag.attrs {
            assert!(text[attr.at..].starts_with(attr.name), "{attr:?}");
            if let Some(at) = attr.value_at {
                assert!(text[at..].starts_with(attr.value), "{attr:?}");
            }
        }
        if let Some((script, at)) = tag.script {
            assert!(text[at..].starts_with(script));
        }
    }
    for finding in raw_html_problems(text) {
        assert!(text.is_char_boundary(finding.at), "{finding:?}");
    }
    if let Ok(fixed) = check_document(text, None) {
        let again = check_document(&fixed, None).expect("the fixed document passes too");
        assert_eq!(again, fixed, "a second pass adds nothing");
    }
});
