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
    pub fn link(&self, site_path: &str) -> String {
        format!("{}{}", self.path, site_path)
    }

    /// The full URL when the origin is known (canonical links, feeds, sitemaps), else the link.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, site_path)
    }
}

/// Normalises a relative path against a folder: `cells` + `../trials/a.md` -> `trials/a.md`.
/// Returns `None` when the path climbs above the top.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> =
        if relative.starts_with('/') { Vec::new() } else { dir.split('/').filter(|s| !s.is_empty()).collect() };
    for segment in relative.split('/') {
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
    fn joins_stay_inside() {
        assert_eq!(join("cells", "../trials/a.md").as_deref(), Some("trials/a.md"));
        assert_eq!(join("", "../a.md"), None);
    }
}
