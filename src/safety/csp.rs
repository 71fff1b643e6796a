//! The Content-Security-Policy every page carries in a `<meta http-equiv>` (GitHub Pages cannot
//! send headers).
//!
//! In: the templates' source and `[output.html] content-security-policy`. Out: the SHA-256 hashes
//! of the templates' inline scripts (found when the templates are loaded, so a theme edit needs no
//! manual update), and the policy with those hashes added to its `script-src`. Scripts then run
//! only from the site's own files or as one of those exact texts: a script a page slips in does not
//! run, whatever it looks like.

use super::Finding;
use super::html::{self, Tag};
use base64::Engine as _;

/// The policy when `book.toml` sets none: scripts only from the site (and the theme's inline
/// scripts, whose hashes are added), WebAssembly for the search, no plugins, no `<base>` or form
/// submission elsewhere. Styles may be inline (editors' `style` attributes); images may be
/// `data:` URLs.
pub(crate) const DEFAULT_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

/// Directives a browser ignores in a `<meta>` policy (and warns about in the console).
pub(crate) const HEADER_ONLY: &[&str] = &["frame-ancestors", "report-uri", "report-to", "sandbox"];

/// `'sha256-...'` of a script's text, as `script-src` lists it.
pub(crate) fn hash(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest.as_ref()))
}

/// Whether a `<script>` runs (rather than holding data, like `application/ld+json`).
pub(crate) fn is_script(tag: &Tag<'_>) -> bool {
    let kind = tag.attr("type").map(|t| t.value.trim().to_ascii_lowercase()).unwrap_or_default();
    kind.is_empty()
        || matches!(kind.as_str(), "module" | "importmap" | "speculationrules")
        || ["javascript", "ecmascript", "jscript", "livescript"].iter().any(|js| kind.contains(js))
}

/// The hashes of a template's inline scripts. An inline script with template code in it
/// (`{{`, `{%`, `{#`) is an error: its text, and so its hash, would only be known per page.
pub(crate) fn template_hashes(source: &str) -> Result<Vec<String>, Finding> {
    let mut hashes = Vec::new();
    for tag in html::tags(source) {
        let Some((text, at)) = tag.script else { continue };
        if !is_script(&tag) || tag.attr("src").is_some() {
            continue;
        }
        if ["{{", "{%", "{#"].iter().any(|code| text.contains(code)) {
            let message = "an inline `<script>` holds template code, so the Content-Security-Policy cannot \
                           allow it by hash; pass values in `data-` attributes, or move the script to `static/`"
                .to_string();
            return Err(Finding { at, message });
        }
        hashes.push(hash(text));
    }
    Ok(hashes)
}

/// The policy to publish: `policy` with the hashes added to its `script-src` (`None` when the
/// policy is empty: no Content-Security-Policy at all).
pub(crate) fn with_hashes(policy: &str, hashes: &[String]) -> Option<String> {
    let directives: Vec<String> = policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|directive| match directive.split_ascii_whitespace().next() {
            Some(name) if name.eq_ignore_ascii_case("script-src") && !hashes.is_empty() => {
                format!("{directive} {}", hashes.join(" "))
            }
            _ => directive.to_string(),
        })
        .collect();
    (!directives.is_empty()).then(|| directives.join("; "))
}

/// What is wrong with a policy from `book.toml`, if anything.
pub(crate) fn policy_problem(policy: &str) -> Option<String> {
    let names: Vec<String> =
        policy.split(';').filter_map(|d| d.split_ascii_whitespace().next()).map(str::to_ascii_lowercase).collect();
    if let Some(ignored) = names.iter().find(|n| HEADER_ONLY.contains(&n.as_str())) {
        return Some(format!(
            "`{ignored}` does nothing in a `<meta>` policy (browsers take it from HTTP headers only); remove it"
        ));
    }
    let needs_script_src = !names.is_empty() && !names.iter().any(|n| n == "script-src");
    needs_script_src.then(|| {
        "the policy has no `script-src`, to which cellbook adds the theme's inline scripts; \
         start from the default: "
            .to_string()
            + DEFAULT_POLICY
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_the_browsers() {
        // The value Chromium reports for `<script>alert(1)</script>` in a CSP violation.
        assert_eq!(hash("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
    }

    #[test]
    fn template_scripts_are_hashed_unless_they_hold_template_code() {
        let source = "<script>a()</script><script type=\"application/ld+json\">{{ x }}</script><script src=\"{{ s }}\"></script>";
        assert_eq!(template_hashes(source).unwrap(), [hash("a()")]);
        let err = template_hashes("<p>\n<script>var x = \"{{ x }}\";</script>").unwrap_err();
        assert_eq!(err.at, 12);
    }

    #[test]
    fn hashes_go_into_script_src() {
        let hashes = [hash("a()")];
        let policy = with_hashes(DEFAULT_POLICY, &hashes).unwrap();
        assert!(policy.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {}; style-src", hashes[0])), "{policy}");
        assert_eq!(with_hashes(" ", &hashes), None);
        assert!(policy_problem("default-src 'self'; frame-ancestors 'none'").is_some());
        assert!(policy_problem("default-src 'self'").is_some());
        assert_eq!(policy_problem(DEFAULT_POLICY), None);
    }
}
