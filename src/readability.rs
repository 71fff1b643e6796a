//! Reading grade: the Flesch-Kincaid grade level of English text, for plain-language summaries.
//!
//! In: Markdown text (a page's summary). Out: its grade, 0.39 × words per sentence + 11.8 ×
//! syllables per word − 15.59. Markdown is stripped first: link targets, citations (`[@id]`),
//! emphasis and code marks do not count; each list item ends a sentence as a full stop does.
//!
//! Syllables are counted by rule, as most readability tools do, not from a dictionary: each run of
//! vowels (a, e, i, o, u, y) is one syllable; a final silent `e` is not (but `-le` after a
//! consonant is: "ta-ble"), nor is the `e` of a final `-es` or `-ed` after a letter that does not
//! sound it ("makes", "named", but "cases", "wanted"); every word has at least one. Numbers and
//! other tokens without letters are left out. The count is within a syllable of a dictionary's for
//! most everyday words, which moves a summary's grade by a few tenths at most.

/// The grade of `markdown`, or `None` when it has no words.
pub(crate) fn grade(markdown: &str) -> Option<f64> {
    let text = plain(markdown);
    let sentences = text.split(['.', '!', '?', '\n']).filter(|s| s.chars().any(char::is_alphabetic)).count();
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '-'))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.is_empty() || sentences == 0 {
        return None;
    }
    let syllables: usize = words.iter().flat_map(|w| w.split('-')).map(syllables).sum();
    let words_per_sentence = words.len() as f64 / sentences as f64;
    let syllables_per_word = syllables as f64 / words.len() as f64;
    Some(0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59)
}

/// The text a reader reads: no link targets, citations, emphasis or code marks; one line a
/// sentence or list item.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            rest = after;
            break;
        };
        let inner = &after[..close];
        if !inner.starts_with('@') {
            out.push_str(inner);
        }
        rest = &after[close + 1..];
        if rest.starts_with('(') {
            rest = rest.find(')').map_or("", |end| &rest[end + 1..]);
        }
    }
    out.push_str(rest);
    let mut text = String::new();
    for line in out.lines() {
        let line = line.trim();
        let item = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).or_else(|| line.strip_prefix("+ "));
        // A list item continued on the next line is one sentence; a new item starts another.
        text.push(if item.is_some() || line.is_empty() { '\n' } else { ' ' });
        text.push_str(&item.unwrap_or(line).replace(['*', '`', '_'], ""));
    }
    text
}

/// The syllables of one word, by rule (see the module's comment).
pub(crate) fn syllables(word: &str) -> usize {
    let word: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_alphabetic()).collect();
    if word.is_empty() {
        return 0;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    for (i, &c) in word.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| word[j]);
        let starts_syllable = !before.is_some_and(vowel) || splits(before, c, i.checked_sub(2).map(|j| word[j]));
        if vowel(c) && starts_syllable {
            count += 1;
        }
    }
    let n = word.len();
    let ends = |s: &str| word.iter().rev().take(s.len()).rev().copied().eq(s.chars());
    if n > 2 && ends("e") && !vowel(word[n - 2]) && !(ends("le") && n > 3 && !vowel(word[n - 3])) {
        count -= 1;
    } else if n > 3 && !vowel(word[n - 3]) {
        // "makes", "named": silent; "cases", "wishes", "wanted", "needed": sounded.
        let silent_es = ends("es") && !matches!(word[n - 3], 's' | 'z' | 'x' | 'c' | 'g' | 'h');
        let silent_ed = ends("ed") && !matches!(word[n - 3], 't' | 'd');
        if silent_es || silent_ed {
            count -= 1;
        }
    }
    count.max(1)
}

/// Whether two vowels in a row are sounded apart ("tri-al", "ra-di-o"), as `ia`, `io`, `iu`, `ua`
/// and `uo` are, except after the letters that make them one sound ("-tion", "-cial",
/// "-sion", "re-gion").
fn splits(first: Option<char>, second: char, before_first: Option<char>) -> bool {
    let pair = matches!((first, second), (Some('i'), 'a' | 'o' | 'u') | (Some('u'), 'a' | 'o'));
    pair && !before_first.is_some_and(|c| matches!(c, 'c' | 's' | 't' | 'x' | 'g'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_by_rule_match_a_dictionary_for_common_words() {
        for (word, expected) in [
            ("cell", 1),
            ("table", 2),
            ("made", 1),
            ("makes", 1),
            ("named", 1),
            ("cases", 2),
            ("wanted", 2),
            ("trial", 2),
            ("radio", 3),
            ("condition", 3),
            ("special", 2),
            ("region", 2),
            ("therapy", 3),
            ("treatment", 2),
            ("people", 2),
            ("randomised", 3),
            ("the", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }

    #[test]
    fn short_plain_sentences_read_below_long_technical_ones() {
        let plain = "- The cells did not help.\n- The trial was small.\n- We need more tests.";
        let dense = "- Intrathecal administration of autologous mesenchymal stromal cells demonstrated \
                     no statistically significant improvement in the prespecified composite primary endpoint.";
        let (plain, dense) = (grade(plain).unwrap(), grade(dense).unwrap());
        assert!(plain < 4.0 && dense > 16.0, "plain {plain:.1}, dense {dense:.1}");
    }

    #[test]
    fn citations_and_link_targets_are_not_read() {
        let with = "The trial missed its goal [@cudkowicz2022]. See [the trial](../trials/als/nurown.md).";
        let without = "The trial missed its goal. See the trial.";
        assert_eq!(grade(with), grade(without));
    }
}
