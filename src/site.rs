//! `okr build`: renders every page into a fresh folder beside the output, on
//! all cores, then swaps it in, so readers never see half a site and a failed
//! build leaves the previous one whole.

use crate::check::Checked;
use crate::history::History;
use crate::render::{self, RenderError, Theme};
use crate::views::SiteData;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum BuildError {
    Render(RenderError),
    Write(PathBuf, std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Render(e) => e.fmt(f),
            BuildError::Write(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        BuildError::Render(e)
    }
}

/// What a build wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Built {
    /// HTML pages, the 404 page included.
    pub pages: usize,
}

/// One HTML page of the site.
#[derive(Clone, Copy, Debug)]
enum Page {
    /// The overview of `periods[i]`; the current period's is also `index.html`.
    Overview(usize),
    Objective(usize),
    Team(usize),
    Person(usize),
    Health,
    Changes,
    NotFound,
}

/// Every page of the site, in a fixed order.
fn pages(data: &SiteData) -> Vec<Page> {
    let org = data.org();
    let mut pages: Vec<Page> = (0..data.periods.len()).map(Page::Overview).collect();
    pages.extend((0..org.objectives.len()).map(Page::Objective));
    pages.extend((0..org.teams.len()).map(Page::Team));
    pages.extend((0..org.people.len()).map(Page::Person));
    pages.extend([Page::Health, Page::Changes, Page::NotFound]);
    pages
}

impl Page {
    /// Where the page goes, relative to the output folder: the current
    /// period's overview goes to two places, rendered once.
    fn paths(self, data: &SiteData) -> Vec<String> {
        if let Page::Overview(period) = self
            && data.is_front_period(period)
        {
            return vec!["index.html".into(), self.path(data)];
        }
        vec![self.path(data)]
    }

    fn path(self, data: &SiteData) -> String {
        let org = data.org();
        match self {
            Page::Overview(period) => format!("periods/{}/index.html", data.periods[period].name),
            Page::Objective(i) => {
                let o = &org.objectives[i];
                format!("objectives/{}/{}/index.html", o.period.value, o.id.value)
            }
            Page::Team(i) => format!("teams/{}/index.html", org.teams[i].id.value),
            Page::Person(i) => format!("people/{}/index.html", org.people[i].id.value),
            Page::Health => "health/index.html".into(),
            Page::Changes => "changes/index.html".into(),
            Page::NotFound => "404.html".into(),
        }
    }

    /// Renders the page, appending its HTML to `out`.
    fn render(self, theme: &Theme, data: &SiteData, out: &mut Vec<u8>) -> Result<(), RenderError> {
        match self {
            Page::Overview(period) => {
                let period = &data.periods[period];
                theme.render_to("index.html", &data.overview(period), &period.name, out)
            }
            Page::Objective(i) => {
                let period = &data.org().objectives[i].period.value;
                theme.render_to("objective.html", &data.objective(i), period, out)
            }
            Page::Team(i) => theme.render_to("team.html", &data.team(i), "", out),
            Page::Person(i) => theme.render_to("person.html", &data.person(i), "", out),
            Page::Health => theme.render_to("health.html", &data.health(), "", out),
            Page::Changes => theme.render_to("changes.html", &data.changes(), "", out),
            Page::NotFound => theme.render_to("404.html", &(), "", out),
        }
    }
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| BuildError::Write(dir.to_path_buf(), e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| BuildError::Write(path, e))
}

/// Renders and writes every page and asset into `dir`.
/// The theme loaded and the page views computed: everything pages are rendered from.
fn prepare<'a>(
    checked: &'a Checked,
    history: &'a History,
    base_url: Option<&str>,
    as_of: NaiveDate,
) -> Result<(Theme, SiteData<'a>), BuildError> {
    let org = &checked.org;
    let theme_dir = org.config.theme.as_ref().map(|t| org.root.join(t));
    let mut theme = Theme::load(theme_dir.as_deref(), &org.root.join("templates"))?;
    let data = SiteData::new(checked, base_url.unwrap_or(&org.config.base_url), as_of)
        .with_history(history);
    theme.set_global("site", &data.site);
    Ok((theme, data))
}

/// Renders every page into memory, as `(path, html)` in a fixed order; [`build`]
/// writes them to disk as they are rendered instead.
pub fn render(
    checked: &Checked,
    history: &History,
    base_url: Option<&str>,
    as_of: NaiveDate,
) -> Result<Vec<(String, String)>, BuildError> {
    let (theme, data) = prepare(checked, history, base_url, as_of)?;
    let rendered = pages(&data)
        .par_iter()
        .map(|&page| {
            let mut bytes = Vec::new();
            page.render(&theme, &data, &mut bytes)?;
            // Templates write only UTF-8: strings in, strings out.
            let html = String::from_utf8_lossy(&bytes).into_owned();
            Ok(page
                .paths(&data)
                .into_iter()
                .map(|path| (path, html.clone()))
                .collect::<Vec<_>>())
        })
        .collect::<Vec<Result<Vec<(String, String)>, BuildError>>>();
    let rendered: Vec<Vec<(String, String)>> = rendered.into_iter().collect::<Result<_, _>>()?;
    Ok(rendered.into_iter().flatten().collect())
}

/// Renders and writes every page and asset into `dir`.
fn write_site(
    checked: &Checked,
    history: &History,
    base_url: Option<&str>,
    as_of: NaiveDate,
    dir: &Path,
) -> Result<Built, BuildError> {
    let (theme, data) = prepare(checked, history, base_url, as_of)?;
    let pages = pages(&data);
    // Each page is rendered and written by whichever core is free; the first
    // failure in page order is reported, so the message does not depend on timing.
    let results: Vec<Result<usize, BuildError>> = pages
        .par_iter()
        // One output buffer per worker, reused from page to page.
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |html, &page| {
                html.clear();
                page.render(&theme, &data, html)?;
                let paths = page.paths(&data);
                for path in &paths {
                    write_file(dir, path, html)?;
                }
                Ok(paths.len())
            },
        )
        .collect();
    let written = results
        .into_iter()
        .collect::<Result<Vec<usize>, BuildError>>()?;

    // GitHub Pages would otherwise run Jekyll, which hides folders starting with `_`.
    write_file(dir, ".nojekyll", b"")?;
    // Tells the next build this folder is a site it may replace.
    write_file(dir, crate::output::MARKER, b"")?;
    for (name, bytes) in &theme.assets {
        write_file(dir, &format!("assets/{name}"), bytes)?;
    }
    let root = &checked.org.root;
    for (name, bytes) in render::read_tree(&root.join("static"))? {
        write_file(dir, &name, &bytes)?;
    }
    Ok(Built {
        pages: written.iter().sum(),
    })
}

/// Removes a folder tree, its top-level entries in parallel: an old site has
/// thousands of files.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.par_iter().for_each(|path| {
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Builds the site of a checked organisation, with its history, into `out`.
/// `base_url` overrides `okr.toml`'s.
pub fn build(
    checked: &Checked,
    history: &History,
    base_url: Option<&str>,
    as_of: NaiveDate,
    out: &Path,
) -> Result<Built, BuildError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| BuildError::Write(parent.clone(), e))?;
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.okr-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.okr-old-{}", std::process::id()));
    if staging.exists() {
        remove_tree(&staging);
    }
    let result = write_site(checked, history, base_url, as_of, &staging).and_then(|built| {
        if out.exists() {
            std::fs::rename(out, &retired).map_err(|e| BuildError::Write(out.to_path_buf(), e))?;
        }
        if let Err(e) = std::fs::rename(&staging, out) {
            // Put the old site back rather than leave nothing.
            let _ = std::fs::rename(&retired, out);
            return Err(BuildError::Write(out.to_path_buf(), e));
        }
        Ok(built)
    });
    if result.is_err() {
        remove_tree(&staging);
    }
    if retired.exists() {
        remove_tree(&retired);
    }
    result
}
