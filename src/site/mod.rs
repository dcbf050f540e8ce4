//! `okr build`: renders every page into a fresh folder beside the output, on
//! all cores, then swaps it in, so readers never see half a site and a failed
//! build leaves the previous one whole.

pub mod charts;
pub mod export;
pub mod markdown;
pub mod output;
pub mod render;
pub mod repo_links;
pub mod routes;
pub mod views;

use crate::check::Checked;
use crate::git::history::History;
use crate::model::Org;
use crate::model::source::FileId;
use crate::site::export::Export;
use crate::site::output::{Staging, WriteError};
use crate::site::render::{RenderError, Theme};
use crate::site::views::{SiteData, Urls, WrittenPage};
use rayon::prelude::*;
use routes::{BaseUrl, Route};
use std::fmt;
use std::path::Path;

/// The export every site carries at its root (see [`crate::site::export`]).
pub const EXPORT_FILE: &str = "okrs.json";

#[derive(Debug)]
pub enum BuildError {
    Render(RenderError),
    Write(WriteError),
    /// A name that would become a folder of the site but could lead outside
    /// it or onto another page (`..`, `/`, empty): `what` says whose, `file` where.
    UnsafeName {
        what: &'static str,
        name: String,
        file: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Render(e) => e.fmt(f),
            BuildError::Write(e) => e.fmt(f),
            BuildError::UnsafeName { what, name, file } => write!(
                f,
                "{file}: the {what} `{name}` cannot be a folder name in the site (it would lead \
                 outside the output folder or onto another page); rename it"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<WriteError> for BuildError {
    fn from(e: WriteError) -> Self {
        BuildError::Write(e)
    }
}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        BuildError::Render(e)
    }
}

/// What a build wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    /// HTML pages, the 404 page included.
    pub pages: usize,
    /// Bytes written in all: pages, `okrs.json`, assets and static files.
    pub bytes: u64,
    /// What each kind of file weighs, heaviest first.
    pub weights: Vec<Weight>,
    /// The periods with pages: each adds its own.
    pub periods: usize,
}

/// The files of one kind a build wrote: e.g. every objective page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weight {
    /// `objective pages`, `okrs.json`, …
    pub kind: &'static str,
    pub files: usize,
    pub bytes: u64,
}

/// The most GitHub Pages publishes: a site of 1 GB.
pub const PAGES_LIMIT: u64 = 1_000_000_000;

impl Built {
    /// Whether the site passed 80% of what GitHub Pages publishes: time to
    /// know what weighs most, before a build can no longer be published.
    pub fn near_pages_limit(&self) -> bool {
        self.bytes > PAGES_LIMIT / 10 * 8
    }
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
    // The largest single pages first, so that no core is left rendering one
    // of them alone at the end while the others have nothing to do.
    let mut pages = vec![Page::Changes, Page::Health];
    pages.extend((0..data.periods.len()).map(Page::Overview));
    pages.extend(
        (0..org.objectives.len())
            .filter(|&i| data.publishes(i))
            .map(Page::Objective),
    );
    pages.extend((0..org.teams.len()).map(Page::Team));
    pages.extend((0..org.people.len()).map(Page::Person));
    pages.push(Page::NotFound);
    pages
}

impl Page {
    /// The kind of page, as a build's weights name it.
    fn kind(self) -> &'static str {
        match self {
            Page::Overview(_) => "overview pages",
            Page::Objective(_) => "objective pages",
            Page::Team(_) => "team pages",
            Page::Person(_) => "person pages",
            Page::Health => "the health page",
            Page::Changes => "the changes page",
            Page::NotFound => "the 404 page",
        }
    }

    /// Where the page goes, relative to the output folder: the current
    /// period's overview goes to two places, rendered once.
    fn paths(self, data: &SiteData) -> Vec<String> {
        if let Page::Overview(period) = self
            && data.is_front_period(period)
        {
            return vec![Route::Index.file(), self.path(data)];
        }
        vec![self.path(data)]
    }

    fn path(self, data: &SiteData) -> String {
        let org = data.org();
        match self {
            Page::Overview(period) => Route::Period(&data.periods[period].name),
            Page::Objective(i) => {
                let o = &org.objectives[i];
                Route::Objective {
                    period: &o.period.value,
                    id: &o.id.value,
                }
            }
            Page::Team(i) => Route::Team(&org.teams[i].id.value),
            Page::Person(i) => Route::Person(&org.people[i].id.value),
            Page::Health => Route::Health,
            Page::Changes => Route::Changes,
            Page::NotFound => Route::NotFound,
        }
        .file()
    }

    /// The template that renders the page.
    fn template(self) -> &'static str {
        match self {
            Page::Overview(_) => "index.html",
            Page::Objective(_) => "objective.html",
            Page::Team(_) => "team.html",
            Page::Person(_) => "person.html",
            Page::Health => "health.html",
            Page::Changes => "changes.html",
            Page::NotFound => "404.html",
        }
    }

    /// Renders the page, appending its HTML to `out`.
    fn render(self, theme: &Theme, data: &SiteData, out: &mut Vec<u8>) -> Result<(), RenderError> {
        let template = self.template();
        let blocks = theme.blocks(template);
        match self {
            Page::Overview(period) => {
                let period = &data.periods[period];
                let page = data.overview(period, blocks);
                theme.render_to(template, &page, &period.name, out)
            }
            Page::Objective(i) => {
                let period = &data.org().objectives[i].period.value;
                let page = data.objective(i, blocks);
                let write =
                    |html: &mut String| views::objective_page(&data.site, &page, period, html);
                write_or_render(
                    theme,
                    WrittenPage::Objective,
                    template,
                    &page,
                    period,
                    out,
                    write,
                )
            }
            Page::Team(i) => {
                let page = data.team(i, blocks);
                let write = |html: &mut String| views::team_page(&data.site, &page, html);
                write_or_render(theme, WrittenPage::Team, template, &page, "", out, write)
            }
            Page::Person(i) => {
                let page = data.person(i, blocks);
                let write = |html: &mut String| views::person_page(&data.site, &page, html);
                write_or_render(theme, WrittenPage::Person, template, &page, "", out, write)
            }
            Page::Health => theme.render_to(template, &data.health(), "", out),
            Page::Changes => theme.render_to(template, &data.changes(blocks), "", out),
            Page::NotFound => theme.render_to(template, &(), "", out),
        }
    }
}

/// Appends the page as okr writes it (`write`) where okr writes pages of
/// this kind, else renders `page` with `template`.
fn write_or_render(
    theme: &Theme,
    kind: WrittenPage,
    template: &str,
    page: &impl serde::Serialize,
    active_period: &str,
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut String),
) -> Result<(), RenderError> {
    if !theme.writes_page(kind) {
        return theme.render_to(template, page, active_period, out);
    }
    append_text(out, write);
    Ok(())
}

/// Appends what `write` writes to `out`: in place, without a copy, where
/// `out` holds text, as the buffers pages are rendered into do.
fn append_text(out: &mut Vec<u8>, write: impl FnOnce(&mut String)) {
    match String::from_utf8(std::mem::take(out)) {
        Ok(mut text) => {
            write(&mut text);
            *out = text.into_bytes();
        }
        Err(not_text) => {
            *out = not_text.into_bytes();
            let mut text = String::new();
            write(&mut text);
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// Whether `name` can be one folder or file name of the site as it is.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// Refuses, before anything is written, a name that becomes part of a page's
/// path and could lead elsewhere: with `invalid-id` turned off, an id may be anything.
fn check_names(org: &Org) -> Result<(), BuildError> {
    let unsafe_name = |what, name: &str, file: Option<FileId>| {
        (!is_plain_name(name)).then(|| BuildError::UnsafeName {
            what,
            name: name.to_string(),
            file: file.map_or_else(String::new, |f| org.file(f).path.clone()),
        })
    };
    let objectives = org.objectives.iter().flat_map(|o| {
        [
            unsafe_name("objective id", &o.id.value, Some(o.file)),
            unsafe_name("period", &o.period.value, Some(o.file)),
        ]
    });
    let teams = org
        .teams
        .iter()
        .map(|t| unsafe_name("team id", &t.id.value, Some(t.file)));
    let people = org.people.iter().map(|p| {
        // Someone known only from a team's `members` is named in that team's file.
        let file = p.file.or_else(|| {
            let named = |t: &&crate::model::Team| t.members.iter().any(|m| m.value == p.id.value);
            org.teams.iter().find(named).map(|t| t.file)
        });
        unsafe_name("person id", &p.id.value, file)
    });
    match objectives.chain(teams).chain(people).flatten().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Writes `bytes` to `rel` below `root`. `rel` is made of plain names only (no
/// `..`, no leading `/`), and `root` is a fresh folder holding only what this
/// build made (no links), so the write cannot land outside it.
fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
    if !rel.split('/').all(is_plain_name) {
        return Err(WriteError {
            path: root.join(rel),
            error: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a name in the path is empty, `.` or `..`, or holds a backslash: \
                 it could lead outside the output folder",
            ),
        }
        .into());
    }
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|error| WriteError {
            path: dir.to_path_buf(),
            error,
        })?;
    }
    std::fs::write(&path, bytes).map_err(|error| WriteError { path, error }.into())
}

/// The theme loaded and the page views computed: everything pages are rendered from.
fn prepare<'a>(
    checked: &'a Checked,
    history: &'a History,
    urls: &Urls,
) -> Result<(Theme, SiteData<'a>), BuildError> {
    // Independent, and each a few milliseconds on one core.
    let (theme, data) = rayon::join(
        || load_theme(&checked.org),
        || SiteData::new(checked, urls.clone()).with_history(history),
    );
    let mut theme = theme?;
    theme.set_global("site", &data.site);
    Ok((theme, data))
}

/// The theme `okr.toml` names (else the built-in one) with the repository's
/// `templates/` overriding single templates.
pub fn load_theme(org: &Org) -> Result<Theme, RenderError> {
    Theme::load(&org.root, org.config.theme.as_deref())
}

/// One page of the site, for rendering pages one at a time on request (`okr serve`).
#[derive(Clone, Copy, Debug)]
pub struct PageRef(Page);

/// The page at `path` in the site (e.g. `teams/sales/index.html`), found
/// from the path itself rather than by listing every page.
pub fn find_page(data: &SiteData, path: &str) -> Option<PageRef> {
    let org = data.org();
    let period = |name: &str| data.periods.iter().position(|p| p.name == name);
    let page = match Route::of_file(path)? {
        Route::Index => Page::Overview((0..data.periods.len()).find(|&i| data.is_front_period(i))?),
        Route::Period(name) => Page::Overview(period(name)?),
        Route::Objective { period, id } => Page::Objective(
            org.objectives
                .iter()
                .position(|o| o.period.value == period && o.id.value == id)
                .filter(|&i| data.publishes(i))?,
        ),
        Route::Team(id) => Page::Team(org.team_index(id)?),
        Route::Person(id) => Page::Person(org.person_index(id)?),
        Route::Health => Page::Health,
        Route::Changes => Page::Changes,
        Route::NotFound => Page::NotFound,
        Route::Asset(_) => return None,
    };
    Some(PageRef(page))
}

/// Renders one page, appending its HTML to `out`; `theme` must have the
/// global `site` of `data` set.
pub fn render_page(
    page: PageRef,
    theme: &Theme,
    data: &SiteData,
    out: &mut Vec<u8>,
) -> Result<(), RenderError> {
    page.0.render(theme, data, out)
}

/// Renders every page into memory, as `(path, html)` in a fixed order; [`build`]
/// writes them to disk as they are rendered instead.
pub fn render(
    checked: &Checked,
    history: &History,
    base_url: Option<&BaseUrl>,
) -> Result<Vec<(String, String)>, BuildError> {
    let urls = Urls::for_site(base_url, &checked.org.config);
    let cut = history.until(checked.as_of);
    let (theme, data) = prepare(checked, cut.as_ref().unwrap_or(history), &urls)?;
    data.build_all_cards();
    let json = export_of(checked, urls, &data).json();
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
    let mut files: Vec<(String, String)> = rendered.into_iter().flatten().collect();
    files.push((
        EXPORT_FILE.into(),
        String::from_utf8_lossy(&json).into_owned(),
    ));
    Ok(files)
}

/// `okrs.json` of a site: the objectives its views gave pages.
pub fn export_of<'a>(checked: &'a Checked, urls: Urls, data: &SiteData) -> Export<'a> {
    let current = data.site.current_period.clone();
    Export::with_pages(checked, urls, current, data.published())
}

/// Renders and writes every page and asset into `dir`.
fn write_site(
    checked: &Checked,
    history: &History,
    base_url: Option<&BaseUrl>,
    dir: &Path,
) -> Result<Built, BuildError> {
    let urls = Urls::for_site(base_url, &checked.org.config);
    // The pages show the history as known on the as-of date.
    let cut = history.until(checked.as_of);
    let (theme, data) = prepare(checked, cut.as_ref().unwrap_or(history), &urls)?;
    data.build_all_cards();
    let pages = pages(&data);
    // okrs.json is one file serialised on one core: written while the pages
    // are, rather than alone at the end with the other core idle.
    let (results, export_bytes) = rayon::join(
        || render_and_write(&pages, &theme, &data, dir),
        || write_export(&export_of(checked, urls, &data), dir),
    );
    let written = results
        .into_iter()
        .collect::<Result<Vec<(usize, u64)>, BuildError>>()?;
    let export_bytes = export_bytes?;
    let periods = data.periods.len();
    let mut weights: Vec<Weight> = Vec::new();
    for (page, &(files, bytes)) in pages.iter().zip(&written) {
        match weights.iter_mut().find(|w| w.kind == page.kind()) {
            Some(weight) => {
                weight.files += files;
                weight.bytes += bytes;
            }
            None => weights.push(Weight {
                kind: page.kind(),
                files,
                bytes,
            }),
        }
    }
    weights.push(Weight {
        kind: EXPORT_FILE,
        files: 1,
        bytes: export_bytes,
    });

    // GitHub Pages would otherwise run Jekyll, which hides folders starting with `_`.
    write_file(dir, ".nojekyll", b"")?;
    // Tells the next build this folder is a site it may replace.
    write_file(dir, crate::site::output::MARKER, b"")?;
    let mut assets = Weight {
        kind: "assets and static files",
        files: 0,
        bytes: 0,
    };
    for (name, bytes) in &theme.assets {
        write_file(dir, &format!("assets/{name}"), bytes)?;
        assets.files += 1;
        assets.bytes += bytes.len() as u64;
    }
    let root = &checked.org.root;
    for (name, bytes) in render::read_tree(&root.join("static"), root)? {
        write_file(dir, &name, &bytes)?;
        assets.files += 1;
        assets.bytes += bytes.len() as u64;
    }
    weights.push(assets);
    // Heaviest first; the order of kinds above breaks ties, so it is stable.
    weights.sort_by_key(|w| std::cmp::Reverse(w.bytes));
    Ok(Built {
        pages: written.iter().map(|w| w.0).sum(),
        bytes: weights.iter().map(|w| w.bytes).sum(),
        weights,
        periods,
    })
}

/// Writes `okrs.json` into `dir`; how many bytes it took.
fn write_export(export: &Export, dir: &Path) -> Result<u64, BuildError> {
    let path = dir.join(EXPORT_FILE);
    let bytes = std::fs::File::create(&path)
        .and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
            export.write_json(&mut out)?;
            std::io::Write::flush(&mut out)?;
            Ok(out.get_ref().metadata()?.len())
        })
        .map_err(|error| WriteError { path, error })?;
    Ok(bytes)
}

/// Renders each page and writes it into `dir`; one result per page, in page
/// order: how many files it went to, and their bytes.
fn render_and_write(
    pages: &[Page],
    theme: &Theme,
    data: &SiteData,
    dir: &Path,
) -> Vec<Result<(usize, u64), BuildError>> {
    // Each page is rendered and written by whichever core is free; the first
    // failure in page order is reported, so the message does not depend on timing.
    pages
        .par_iter()
        // One output buffer per worker, reused from page to page.
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |html, &page| {
                html.clear();
                page.render(theme, data, html)?;
                let paths = page.paths(data);
                for path in &paths {
                    write_file(dir, path, html)?;
                }
                Ok((paths.len(), (paths.len() * html.len()) as u64))
            },
        )
        .collect()
}

/// Builds the site of a checked organisation, with its history, into `out`.
/// `base_url` overrides `okr.toml`'s; the day judged is the check's.
pub fn build(
    checked: &Checked,
    history: &History,
    base_url: Option<&BaseUrl>,
    out: &Path,
) -> Result<Built, BuildError> {
    check_names(&checked.org)?;
    let staging = Staging::create(out)?;
    let built = write_site(checked, history, base_url, staging.path())?;
    staging.swap_in()?;
    Ok(built)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_appended_to_what_a_buffer_holds_text_or_not() {
        let mut out = b"<p>".to_vec();
        append_text(&mut out, |t| t.push_str("é</p>"));
        assert_eq!(out, "<p>é</p>".as_bytes());
        let mut out = vec![0xff];
        append_text(&mut out, |t| t.push('x'));
        assert_eq!(out, [0xff, b'x']);
    }

    #[test]
    fn writes_stay_below_their_folder() {
        let dir = std::env::temp_dir().join(format!("okr-site-write-{}", std::process::id()));
        let root = dir.join("site");
        std::fs::create_dir_all(&root).unwrap();
        for rel in ["../x", "a/../../x", "/tmp/x", "a//b", "./x", "a\\..\\x", ""] {
            let result = write_file(&root, rel, b"x");
            assert!(
                matches!(&result, Err(BuildError::Write(e)) if e.error.kind() == std::io::ErrorKind::InvalidInput),
                "{rel}: {result:?}"
            );
        }
        write_file(&root, "a/b/index.html", b"page").unwrap();
        assert_eq!(std::fs::read(root.join("a/b/index.html")).unwrap(), b"page");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["site"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_build_knows_what_it_wrote_by_kind_of_file() {
        use crate::check::testing::*;
        let owned = [company("grow"), team_objective("sell", "grow", "")];
        let checked = run(&files(&owned));
        let dir = std::env::temp_dir().join(format!("okr-site-weights-{}", std::process::id()));
        let built = build(&checked, &History::disabled(), None, &dir).unwrap();
        // Every byte on disk is counted once, in one kind, heaviest first.
        let on_disk: u64 = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.metadata().unwrap().len())
            .sum();
        assert_eq!(built.bytes, on_disk);
        assert_eq!(built.weights.iter().map(|w| w.bytes).sum::<u64>(), on_disk);
        assert!(built.weights.windows(2).all(|w| w[0].bytes >= w[1].bytes));
        let objectives = built
            .weights
            .iter()
            .find(|w| w.kind == "objective pages")
            .unwrap();
        assert_eq!(objectives.files, 2);
        assert!(!built.near_pages_limit());
        let big = Built {
            bytes: PAGES_LIMIT / 10 * 8 + 1,
            ..built
        };
        assert!(big.near_pages_limit());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn every_page_is_found_at_its_paths() {
        use crate::check::testing::*;
        let owned = [company("grow"), team_objective("sell", "grow", "")];
        let checked = run(&files(&owned));
        let history = History::disabled();
        let (_, data) = prepare(&checked, &history, &Urls::under(BaseUrl::default())).unwrap();
        let all = pages(&data);
        assert_eq!(
            all.len(),
            1 + 2 + 1 + 1 + 3,
            "overview, objectives, team, person, health, changes and 404"
        );
        for page in all {
            for path in page.paths(&data) {
                let found = find_page(&data, &path).unwrap_or_else(|| panic!("{path}"));
                assert_eq!(found.0.paths(&data), page.paths(&data), "{path}");
            }
        }
        for missing in [
            "objectives/2026-Q1/nope/index.html",
            "teams/x/index.html",
            "x",
            "",
        ] {
            assert!(find_page(&data, missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn plain_names_are_single_path_components() {
        for ok in ["a", "2026-Q1", "FY27.Q1", "..a", "a..", "a b"] {
            assert!(is_plain_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "/", "a\\b", "a\0"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
    }
}
