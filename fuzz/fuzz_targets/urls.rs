//! Slugs, path joining, base URLs and link encoding: total functions whose results can never
//! climb out of the output folder or break the URL they are put in. Script URLs
//! (`safety::url_problem`) stay refused whatever case, spaces, tabs or entities disguise them.
#![no_main]

use cellbook::safety::{Use, decode_entities, url_problem};
use cellbook::site::links::{encode_path, is_external};
use cellbook::urls::{BaseUrl, join, percent_decode, slugify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (a, b) = text.split_once('\u{0}').unwrap_or((text, ""));

    let slug = slugify(a);
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{slug:?}");
    assert!(!slug.contains(['/', '\\', '?', '#', '%', ':', '.']) && !slug.chars().any(char::is_whitespace), "{slug:?}");
    assert!(!slug.chars().any(|c| c.is_ascii_uppercase()), "{slug:?}");

    if let Some(joined) = join(a, b) {
        assert!(!joined.starts_with('/') && !joined.ends_with('/'), "{joined:?}");
        // `` is the top of `content/`.
        assert!(joined.is_empty() || joined.split('/').all(|s| !s.is_empty() && s != "." && s != ".."), "{joined:?}");
    }

    let base = BaseUrl::parse(a);
    assert!(base.path.starts_with('/') && base.path.ends_with('/'), "{base:?}");
    assert!(!base.path.contains("//"), "{base:?}");
    assert!(base.path.split('/').all(|s| s != "." && s != ".."), "{base:?}");
    let _ = base.absolute(&encode_path(b));

    let encoded = encode_path(a);
    assert!(
        encoded.chars().all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || "/-_.~!$&'()*+,;=:@%".contains(c)),
        "{encoded:?}"
    );
    if !a.contains(['#', '?']) {
        assert_eq!(percent_decode(&encoded), a, "decoding undoes encoding");
    }
    let decoded = percent_decode(a);
    if !a.contains('%') {
        assert_eq!(decoded, a);
    }
    let _ = is_external(a);

    // Each disguise a browser sees through keeps a refused URL refused.
    if url_problem(a, Use::Link).is_some() {
        let tabbed: String = std::iter::once(' ').chain(a.chars().flat_map(|c| [c, '\t'])).collect();
        for disguised in [tabbed, format!("\u{1} {a}"), a.to_uppercase()] {
            assert!(url_problem(&disguised, Use::Link).is_some(), "{disguised:?}");
        }
    }
    let encoded: String = a.chars().map(|c| format!("&#x{:x};", c as u32)).collect();
    if !a.contains('\0') {
        assert_eq!(decode_entities(&encoded), a, "one pass decodes every numeric reference");
    }
});
