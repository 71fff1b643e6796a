//! Trial records: any text gives a typed record or problems at real positions of the file, never
//! a panic, a hang or unbounded memory (aliases included).
#![no_main]

use cellbook::config::Config;
use cellbook::content::trials::from_text;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Vocabularies like the atlas's: records name their terms by these keys.
const BOOK: &str = "[[taxonomy]]\nkey = \"cell_types\"\ntitle = \"Cell types\"\npath = \"cell-types\"\nmultiple = true\n\
[[taxonomy.term]]\nid = \"msc\"\nlabel = \"MSC\"\n[[taxonomy]]\nkey = \"diseases\"\ntitle = \"Diseases\"\npath = \"diseases\"\n\
multiple = true\n[[taxonomy.term]]\nid = \"als\"\nlabel = \"ALS\"\n";

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(|| Config::parse(BOOK).expect("the fuzz config is valid"));
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1);
    match from_text("content/trials/records/NCT00000001.yaml".into(), "NCT00000001", text, config) {
        Ok(record) => assert_eq!(record.id, "NCT00000001", "a record's id is its file name"),
        Err(problems) => {
            assert!(!problems.is_empty());
            for problem in problems {
                assert!(problem.line >= 1 && problem.line <= lines + 1 && problem.col >= 1, "{problem:?} in {lines} lines");
                assert!(!problem.message.is_empty());
            }
        }
    }
});
