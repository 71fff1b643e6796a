//! URL helpers shared by the stages: slugs, the base URL, joining paths safely.
//!
//! In: file stems, heading texts, `site-url`. Out: URL segments that keep Unicode letters (a Chinese
//! heading keeps its characters) and can never climb out of the output folder.

/// A URL segment from any text: lowercase letters and digits of any script kept, everything else
/// folded into single `-`. Returns `` when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    slug
}

/// The published location of the site, split into what links need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// Scheme and host, `https://example.org`, or `` when only a path was given.
    pub origin: String,
    /// The path every link starts with, always with a leading and trailing `/`: `/`, `/repo/`.
    pub path: String,
}

impl BaseUrl {
    /// Reads `https://host/sub/`, `/sub/`, `sub` or `` (the domain root).
    pub fn parse(url: &str) -> BaseUrl {
        let url = url.trim();
        let (origin, path) = match url.find("://") {
            Some(scheme_end) => {
                let rest = &url[scheme_end + 3..];
                let host_end = rest.find('/').map_or(url.len(), |i| scheme_end + 3 + i);
                (&url[..host_end], &url[host_end..])
            }
            None => ("", url),
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != "." && *s != "..").collect();
        let path = if segments.is_empty() { "/".to_string() } else { format!("/{}/", segments.join("/")) };
        BaseUrl { origin: origin.to_string(), path }
    }

    /// A link to a site path (`cells/msc/`, no leading `/`).
    pub(crate) fn link(&self, site_path: &str) -> String {
        format!("{}{}", self.path, site_path)
    }

    /// The full URL when the origin is known (canonical links, feeds, sitemaps), else the link.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, site_path)
    }
}

/// Decodes the `%XX` escapes of a link destination, as a browser does before asking for the file:
/// `my%20page.md` -> `my page.md`, `%E7%BB%86%E8%83%9E.md` -> `细胞.md`. Escapes that would change
/// the link's structure (`%2F` /, `%23` #, `%3F` ?) stay as they are, and so does the whole text
/// when the bytes do not decode to UTF-8.
pub fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('%') {
        return text.into();
    }
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match escaped {
            Some(byte) if !matches!(byte, b'/' | b'#' | b'?') => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(text.into(), Into::into)
}

/// Normalises a relative path against a folder: `cells` + `../trials/a.md` -> `trials/a.md`.
/// Returns `None` when the path climbs above the top. The folder is normalised too, so the result
/// never holds an empty, `.` or `..` segment, whatever the folder is.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let dir = if relative.starts_with('/') { "" } else { dir };
    let mut parts: Vec<&str> = Vec::new();
    for segment in dir.split('/').chain(relative.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_unicode_letters() {
        assert_eq!(slugify("Phase 3: What failed?"), "phase-3-what-failed");
        assert_eq!(slugify("什么是 ALS？"), "什么是-als");
        assert_eq!(slugify("--"), "");
    }

    #[test]
    fn base_urls() {
        assert_eq!(BaseUrl::parse("https://o.github.io/repo").path, "/repo/");
        assert_eq!(BaseUrl::parse("https://o.github.io/repo").absolute("a/"), "https://o.github.io/repo/a/");
        assert_eq!(BaseUrl::parse("").path, "/");
        assert_eq!(BaseUrl::parse("/x/../y/").path, "/x/y/");
    }

    #[test]
    fn percent_escapes_are_decoded_except_structural_ones() {
        assert_eq!(percent_decode("my%20page.md"), "my page.md");
        assert_eq!(percent_decode("../%E7%BB%86%E8%83%9E.md"), "../细胞.md");
        assert_eq!(percent_decode("a%2Fb%23c%3fd"), "a%2Fb%23c%3fd");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%ff.md"), "%ff.md", "not UTF-8: left as written");
        assert_eq!(percent_decode("%25"), "%");
    }

    #[test]
    fn joins_stay_inside() {
        assert_eq!(join("cells", "../trials/a.md").as_deref(), Some("trials/a.md"));
        assert_eq!(join("", "../a.md"), None);
        // Found by fuzzing: `.` in the folder was kept.
        assert_eq!(join("https:/./x", "a").as_deref(), Some("https:/x/a"));
        assert_eq!(join("a/..", "b").as_deref(), Some("b"));
        assert_eq!(join("..", "b"), None);
        assert_eq!(join("a", "/b/./c").as_deref(), Some("b/c"));
    }
}
