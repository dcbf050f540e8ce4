//! Templates: the built-in theme (embedded in the binary), a theme folder named
//! in `okr.toml`, and single-template overrides under the repository's `templates/`.
//!
//! The loader knows which templates are the theme's own (any whose text is
//! not the built-in one) and tells each page's view what to hand them
//! ([`Theme::blocks`]): while a partial that okr also writes itself is the
//! built-in one, the template registered under its name is a stand-in
//! printing the HTML okr wrote into the page's view.

use crate::site::views::{Block, Blocks, STATUS_BADGE, WrittenPage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The built-in theme, compiled in so `okr build` needs nothing beside the binary.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "objective.html",
        include_str!("../../themes/default/templates/objective.html"),
    ),
    (
        "team.html",
        include_str!("../../themes/default/templates/team.html"),
    ),
    (
        "person.html",
        include_str!("../../themes/default/templates/person.html"),
    ),
    (
        "health.html",
        include_str!("../../themes/default/templates/health.html"),
    ),
    (
        "changes.html",
        include_str!("../../themes/default/templates/changes.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        STATUS_BADGE,
        include_str!("../../themes/default/templates/partials/status_badge.html"),
    ),
    (
        "partials/key_result_list.html",
        include_str!("../../themes/default/templates/partials/key_result_list.html"),
    ),
    (
        "partials/key_result_details.html",
        include_str!("../../themes/default/templates/partials/key_result_details.html"),
    ),
    (
        "partials/objective_line.html",
        include_str!("../../themes/default/templates/partials/objective_line.html"),
    ),
    (
        "partials/history.html",
        include_str!("../../themes/default/templates/partials/history.html"),
    ),
    (
        "partials/change_rows.html",
        include_str!("../../themes/default/templates/partials/change_rows.html"),
    ),
];

/// The layout and the components pages render besides their own template:
/// a theme's own version of one may read anything a page's view holds.
const SHARED_TEMPLATES: [&str; 2] = ["base.html", "macros.html"];

const DEFAULT_ASSETS: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

/// Why the theme could not be loaded or a page not rendered (`okr build` exits 2).
#[derive(Debug)]
pub enum RenderError {
    Io(PathBuf, std::io::Error),
    /// Tera's report names the template, the line and the variable.
    Template(String),
    /// A theme folder, template or static file that is, or links to, a place
    /// outside the repository: what a site shows comes from the repository only.
    Outside(PathBuf),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            RenderError::Template(report) => write!(f, "template error: {report}"),
            RenderError::Outside(path) => write!(
                f,
                "{} leads outside the repository: okr reads its theme, templates and static \
                 files only from inside it; copy what you need into the repository",
                path.display()
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// Templates ready to render, and the theme's static assets.
pub struct Theme {
    tera: tera::Tera,
    /// Files for `assets/`, by path relative to it.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Templates whose text is not the built-in one (or that have none).
    own: BTreeSet<String>,
    /// The blocks okr writes itself: those whose partials are built in.
    written: Blocks,
    /// The kinds of page okr writes itself ([`WrittenPage`]): those whose
    /// templates are all built in.
    written_pages: [bool; WrittenPage::ALL.len()],
}

/// Fails unless `path`, links followed, is inside the folder `root` (canonical).
fn inside(path: &Path, root: &Path) -> Result<(), RenderError> {
    let real = std::fs::canonicalize(path).map_err(|e| RenderError::Io(path.to_path_buf(), e))?;
    if real.starts_with(root) {
        Ok(())
    } else {
        Err(RenderError::Outside(path.to_path_buf()))
    }
}

/// The repository root with every link resolved, to compare real paths with.
fn real_root(root: &Path) -> Result<PathBuf, RenderError> {
    std::fs::canonicalize(root).map_err(|e| RenderError::Io(root.to_path_buf(), e))
}

/// Reads every file below `dir` (if it exists), keyed by its `/`-separated
/// path relative to `dir`. Links are followed only where they lead to a place
/// inside the repository at `root`; one leading out is an error. Their content
/// is read, so what is written from it is a plain file.
pub fn read_tree(dir: &Path, root: &Path) -> Result<BTreeMap<String, Vec<u8>>, RenderError> {
    let mut files = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let root = real_root(root)?;
    inside(dir, &root)?;
    // Following links, walkdir reports a loop as an error rather than going round.
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            RenderError::Io(path, e.into())
        })?;
        if entry.path_is_symlink() {
            inside(entry.path(), &root)?;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let bytes = std::fs::read(entry.path())
            .map_err(|e| RenderError::Io(entry.path().to_path_buf(), e))?;
        files.insert(key.join("/"), bytes);
    }
    Ok(files)
}

/// Whether `text` is the built-in template `name`, word for word: a theme
/// that copied the default one keeps okr's speed where it changed nothing.
fn is_built_in(name: &str, text: &str) -> bool {
    DEFAULT_TEMPLATES
        .iter()
        .any(|&(built_in, original)| built_in == name && original == text)
}

/// okr writes a block while its partial, and the status badge where it shows
/// one, are the built-in ones, given the theme's own templates.
fn written_blocks(own: &BTreeSet<String>) -> Blocks {
    let built_in = |name: &str| !own.contains(name);
    Blocks::new(
        |block| built_in(block.partial()) && (!block.shows_badge() || built_in(STATUS_BADGE)),
        false,
    )
}

fn text(path: &Path, bytes: Vec<u8>) -> Result<String, RenderError> {
    String::from_utf8(bytes).map_err(|_| {
        RenderError::Io(
            path.to_path_buf(),
            std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
        )
    })
}

impl Theme {
    /// The built-in theme, replaced by the folder `theme` (relative to the
    /// repository at `root`) where given, with the repository's `templates/`
    /// overriding single templates. Everything is read from inside the repository.
    pub fn load(root: &Path, theme: Option<&str>) -> Result<Theme, RenderError> {
        let overrides = root.join("templates");
        let mut templates: BTreeMap<String, String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut assets: BTreeMap<String, Vec<u8>> = DEFAULT_ASSETS
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        if let Some(theme) = theme {
            let dir = root.join(theme);
            if !dir.is_dir() {
                return Err(RenderError::Io(dir, std::io::ErrorKind::NotFound.into()));
            }
            inside(&dir, &real_root(root)?)?;
            for (name, bytes) in read_tree(&dir.join("templates"), root)? {
                let path = dir.join("templates").join(&name);
                templates.insert(name, text(&path, bytes)?);
            }
            assets.extend(read_tree(&dir.join("static"), root)?);
        }
        for (name, bytes) in read_tree(&overrides, root)? {
            let path = overrides.join(&name);
            templates.insert(name, text(&path, bytes)?);
        }
        let own: BTreeSet<String> = templates
            .iter()
            .filter(|(name, text)| !is_built_in(name, text))
            .map(|(name, _)| name.clone())
            .collect();
        let written = written_blocks(&own);
        let written_pages =
            WrittenPage::ALL.map(|page| !page.templates().iter().any(|t| own.contains(*t)));
        for block in Block::ALL.into_iter().filter(|&b| written.writes(b)) {
            templates.insert(block.partial().to_string(), block.stand_in().to_string());
        }
        let mut tera = tera::Tera::new();
        // `range(end=n)`: what templates loop over to repeat markup n times.
        tera.register_function(
            "range",
            |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<Vec<usize>> {
                let end: usize = kwargs.must_get("end")?;
                Ok((0..end.min(1_000_000)).collect())
            },
        );
        // `{{ n | thousands }}`: a count as the site writes numbers, `8,005`.
        tera.register_filter(
            "thousands",
            |n: i64, _: tera::Kwargs, _: &tera::State| -> String {
                let sign = if n < 0 { "-" } else { "" };
                format!("{sign}{}", crate::text::thousands(n.unsigned_abs()))
            },
        );
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| RenderError::Template(e.to_string()))?;
        Ok(Theme {
            tera,
            assets,
            own,
            written,
            written_pages,
        })
    }

    /// What the view of a page rendered with `template` hands to it: the
    /// blocks okr writes, and whether templates may read their fields, which
    /// they may where the page's template, or one every page renders, is the
    /// theme's own.
    pub fn blocks(&self, template: &str) -> Blocks {
        let own = |name: &str| self.own.contains(name);
        Blocks::new(
            |block| self.written.writes(block),
            own(template) || SHARED_TEMPLATES.into_iter().any(own),
        )
    }

    /// Whether okr writes pages of this kind itself (e.g.
    /// [`crate::site::views::objective_page`]): while every template they
    /// are rendered from is the built-in one.
    pub fn writes_page(&self, page: WrittenPage) -> bool {
        self.written_pages[page as usize]
    }

    /// Values every page sees, e.g. the site's title and the period switcher.
    pub fn set_global(&mut self, key: &'static str, value: &impl Serialize) {
        self.tera.global_context().insert(key, value);
    }

    /// Renders `template` with `page` as the `page` variable; `active_period`
    /// is the period the switcher marks as the one shown ("" for none).
    pub fn render(
        &self,
        template: &str,
        page: &impl Serialize,
        active_period: &str,
    ) -> Result<String, RenderError> {
        let mut html = Vec::new();
        self.render_to(template, page, active_period, &mut html)?;
        String::from_utf8(html)
            .map_err(|_| RenderError::Template(format!("{template} produced invalid UTF-8")))
    }

    /// Like [`Theme::render`], appending to a buffer the caller can reuse from page to page.
    pub fn render_to(
        &self,
        template: &str,
        page: &impl Serialize,
        active_period: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), RenderError> {
        let mut context = tera::Context::new();
        context.insert("page", page);
        context.insert("active_period", active_period);
        self.tera
            .render_to(template, &context, out)
            .map_err(|e| RenderError::Template(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository folder holding only `templates/` with these files.
    fn theme_with(label: &str, templates: &[(&str, &str)]) -> Theme {
        let root = std::env::temp_dir().join(format!("okr-theme-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (name, text) in templates {
            let path = root.join("templates").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(&root).unwrap();
        let theme = Theme::load(&root, None).unwrap();
        let _ = std::fs::remove_dir_all(&root);
        theme
    }

    fn built_in(name: &str) -> &'static str {
        DEFAULT_TEMPLATES.iter().find(|t| t.0 == name).unwrap().1
    }

    #[test]
    fn the_built_in_theme_gets_okrs_markup_and_no_fields() {
        let theme = theme_with("built-in", &[]);
        for page in ["index.html", "objective.html", "team.html", "person.html"] {
            assert_eq!(theme.blocks(page), Blocks::BUILT_IN, "{page}");
        }
        // A theme that copied a built-in template word for word changed nothing.
        let line = Block::ObjectiveLine.partial();
        let copied = theme_with("copied", &[(line, built_in(line))]);
        assert_eq!(copied.blocks("team.html"), Blocks::BUILT_IN);
    }

    #[test]
    fn a_theme_of_its_own_gets_fields_where_its_templates_may_read_them() {
        let theme = theme_with("own-page", &[("team.html", "{{ page.name }}")]);
        let team = theme.blocks("team.html");
        assert!(team.fields);
        assert!(Block::ALL.into_iter().all(|b| team.writes(b)));
        assert_eq!(theme.blocks("index.html"), Blocks::BUILT_IN);
        // Every page renders base.html.
        let base = "{% block title %}{% endblock %}{% block content %}{% endblock %}";
        let theme = theme_with("own-base", &[("base.html", base)]);
        assert!(theme.blocks("index.html").fields && theme.blocks("404.html").fields);
    }

    #[test]
    fn a_partial_of_its_own_is_rendered_and_so_are_the_blocks_that_contain_it() {
        let list = Block::KeyResultList.partial();
        let theme = theme_with("own-list", &[(list, "<ul class=\"mine\"></ul>")]);
        let blocks = theme.blocks("team.html");
        assert!(blocks.fields && !blocks.writes(Block::KeyResultList));
        assert!(blocks.writes(Block::KeyResultDetails) && blocks.writes(Block::ObjectiveLine));
        let badge = "{% component status_badge(status) %}<b>{{ status }}</b>{% endcomponent status_badge %}";
        let theme = theme_with("own-badge", &[(STATUS_BADGE, badge)]);
        let blocks = theme.blocks("objective.html");
        // Every block showing a badge; the history shows none.
        assert!(blocks.fields);
        for block in Block::ALL {
            assert_eq!(blocks.writes(block), !block.shows_badge(), "{block:?}");
        }
        let history = Block::History.partial();
        let theme = theme_with("own-history", &[(history, "<ol class=\"mine\"></ol>")]);
        let blocks = theme.blocks("objective.html");
        assert!(blocks.fields && !blocks.writes(Block::History));
        assert!(blocks.writes(Block::KeyResultDetails));
    }

    #[test]
    fn okr_writes_a_kind_of_page_while_no_template_it_uses_is_the_themes_own() {
        let built_in_theme = theme_with("pages-built-in", &[]);
        assert!(
            WrittenPage::ALL
                .into_iter()
                .all(|p| built_in_theme.writes_page(p))
        );
        let copied = theme_with("pages-copied", &[("base.html", built_in("base.html"))]);
        assert!(WrittenPage::ALL.into_iter().all(|p| copied.writes_page(p)));
        // Templates a page does not use leave it to okr.
        let theme = theme_with("pages-other", &[("index.html", "<p>mine</p>")]);
        assert!(WrittenPage::ALL.into_iter().all(|p| theme.writes_page(p)));
        let theme = theme_with("pages-team", &[("team.html", "<p>mine</p>")]);
        assert!(!theme.writes_page(WrittenPage::Team));
        assert!(
            theme.writes_page(WrittenPage::Person) && theme.writes_page(WrittenPage::Objective)
        );
        let list = Block::KeyResultList.partial();
        let theme = theme_with("pages-list", &[(list, "<ul class=\"mine\"></ul>")]);
        assert!(theme.writes_page(WrittenPage::Objective));
        assert!(!theme.writes_page(WrittenPage::Person) && !theme.writes_page(WrittenPage::Team));
        for page in WrittenPage::ALL {
            for name in page.templates() {
                let own = format!("{}{{# mine #}}", built_in(name));
                let theme = theme_with("pages-own", &[(name, &own)]);
                assert!(!theme.writes_page(page), "{page:?}: {name}");
            }
        }
    }
}
