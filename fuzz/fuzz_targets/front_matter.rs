//! The front-matter splitter and parser: any text gives a split and a typed front matter or a
//! problem at a real position of the file, never a panic, a hang or unbounded memory.
#![no_main]

use cellbook::content::front_matter::{parse, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1);
    let split = match split(text) {
        Ok(split) => split,
        Err(problem) => {
            assert!(problem.line >= 1 && problem.col >= 1, "{problem:?}");
            return;
        }
    };
    // The parts are pieces of the text, in order, and the line numbers agree with them.
    assert!(text.ends_with(split.body), "the body is the end of the file");
    assert_eq!(split.yaml_line, 2);
    assert_eq!(split.body_line, split.yaml_line + split.yaml.lines().count() + 1);
    match parse(&split, &["cell_types", "diseases", "evidence"]) {
        Ok(front) => {
            // The positions kept while parsing point into the file.
            for (key, terms) in &front.terms {
                let ids = terms.ids();
                for (i, id) in ids.iter().enumerate() {
                    let nth = ids[..i].iter().filter(|earlier| *earlier == id).count();
                    let (line, col) = front.positions.value(key, id, nth);
                    assert!(line >= 1 && line <= lines + 1 && col >= 1, "{key}: {id} at {line}:{col}");
                }
            }
            for key in &front.unknown_keys {
                let (line, col) = front.positions.key(key);
                assert!(line >= 1 && line <= lines + 1 && col >= 1);
            }
        }
        Err(problem) => {
            assert!(problem.line >= 1 && problem.col >= 1, "{problem:?}");
            assert!(problem.line <= lines + 1, "line {} of a {lines}-line file: {problem:?}", problem.line);
            assert!(!problem.message.is_empty());
        }
    }
});
