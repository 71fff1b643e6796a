//! Sections: every folder of `content/` in every language, with its articles in reading order,
//! its parent and its subsections.
//!
//! In: the pages and what each language shows. Out: [`Site::sections`], and for each page its
//! section and its place in the section's list.

use super::Site;
use super::ids::{Id, IdVec, PageId, SectionId};
use crate::content::page_url;
use std::collections::{BTreeSet, HashMap};

/// A folder of `content/` in one language.
#[derive(Debug)]
pub struct Section {
    pub lang: String,
    /// The folder inside `content/`: `trials/als`, or `` for the home page.
    pub dir: String,
    /// The `_index.md` giving its title and intro: in this language, else in the main one.
    pub index: Option<PageId>,
    pub url: String,
    /// Its articles in reading order (weight, then title).
    pub pages: Vec<PageId>,
    pub children: Vec<SectionId>,
    pub parent: Option<SectionId>,
}

impl Site {
    pub(super) fn build_sections(&mut self) {
        let mut dirs = BTreeSet::from([String::new()]);
        for page in &self.pages {
            let mut dir = page.dir.as_str();
            while !dir.is_empty() {
                dirs.insert(dir.to_string());
                dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
            }
        }
        let languages: Vec<String> = self.languages().iter().map(|l| l.to_string()).collect();
        for lang in &languages {
            for dir in &dirs {
                let key = if dir.is_empty() { "_index".to_string() } else { format!("{dir}/_index") };
                let index = self.translation(&key, lang).or_else(|| self.translation(&key, self.default_lang()));
                let url = page_url(dir, None, lang, &self.config);
                let section = Section {
                    lang: lang.clone(),
                    dir: dir.clone(),
                    index,
                    url,
                    pages: Vec::new(),
                    children: Vec::new(),
                    parent: None,
                };
                let id = self.sections.push(section);
                self.section_ids.entry(lang.clone()).or_default().insert(dir.clone(), id);
            }
        }
        self.fill_sections();
        self.link_sections();
        self.section_of = self.pages.map_ids(|p| {
            let page = &self.pages[p];
            self.find_section(&page.lang, &page.dir).unwrap_or(SectionId::from_index(0))
        });
        self.position = self.pages.map_ids(|_| None);
        for (s, section) in self.sections.iter_ids() {
            for (at, &p) in section.pages.iter().enumerate() {
                if self.section_of[p] == s {
                    self.position[p] = Some(at);
                }
            }
        }
    }

    /// Each section's articles, in reading order (weight, then title).
    fn fill_sections(&mut self) {
        let mut by_dir: IdVec<_, HashMap<&str, Vec<PageId>>> = IdVec::new();
        for visible in &self.visible_pages {
            let mut dirs: HashMap<&str, Vec<PageId>> = HashMap::new();
            for &p in visible {
                dirs.entry(self.pages[p].dir.as_str()).or_default().push(p);
            }
            for pages in dirs.values_mut() {
                pages.sort_by_cached_key(|&p| self.reading_key(p));
            }
            by_dir.push(dirs);
        }
        let mut section_pages: IdVec<SectionId, Vec<PageId>> = self.sections.map_ids(|s| {
            let section = &self.sections[s];
            let dirs = by_dir.get(self.lang_id(&section.lang));
            dirs.and_then(|d| d.get(section.dir.as_str())).cloned().unwrap_or_default()
        });
        drop(by_dir);
        for (section, pages) in self.sections.iter_mut().zip(section_pages.iter_mut()) {
            section.pages = std::mem::take(pages);
        }
    }

    /// Each section's parent, and its subsections in order.
    fn link_sections(&mut self) {
        for s in self.sections.ids() {
            let (lang, dir) = (self.sections[s].lang.clone(), self.sections[s].dir.clone());
            if !dir.is_empty() {
                let parent_dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
                let parent = self.find_section(&lang, parent_dir);
                self.sections[s].parent = parent;
                if let Some(parent) = parent {
                    self.sections[parent].children.push(s);
                }
            }
        }
        for s in self.sections.ids() {
            let mut children = std::mem::take(&mut self.sections[s].children);
            children.sort_by(|&a, &b| self.section_order(a, b));
            self.sections[s].children = children;
        }
    }

    /// Reading order in a section: weight, then title, then page order.
    fn reading_key(&self, p: PageId) -> (i64, String, PageId) {
        (self.pages[p].front.weight.unwrap_or(i64::MAX), self.pages[p].title().to_lowercase(), p)
    }

    fn section_order(&self, a: SectionId, b: SectionId) -> std::cmp::Ordering {
        let key = |s: SectionId| {
            let section = &self.sections[s];
            let front = section.index.map(|i| &self.pages[i].front);
            (front.and_then(|f| f.weight).unwrap_or(i64::MAX), section.dir.clone())
        };
        key(a).cmp(&key(b))
    }
}
