//! `okr serve`: the site from memory on 127.0.0.1, rebuilt when a file
//! changes, with open pages reloading themselves.
//!
//! Nothing is written anywhere: the checked organisation and its page views
//! stay in memory, and each page is rendered when it is first asked for after
//! a change. A change to one objective re-reads and re-parses that file only;
//! resolving, scoring and checking the organisation and building its views
//! are linear passes over the parsed model. Pages learn of a rebuild through
//! server-sent events from a few lines of script injected only here.
//!
//! HTTP is in `http.rs`: this file keeps the site up to date and answers a
//! path with its bytes.

mod http;

use http::{Shared, accept};

use crate::check::{self, Checked};
use crate::model::Org;
use crate::model::base_url::BaseUrl;
use crate::model::source::FileId;
use crate::read::config::CONFIG_FILE;
use crate::read::load::{self, LoadError, Loaded};
use crate::read::resolve::{self, ParsedFile};
use crate::report;
use crate::site::render::{self, Theme};
use crate::site::views::{SiteData, Urls};
use crate::site::{self, EXPORT_FILE};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Where pages listen for rebuilds.
pub const EVENTS_PATH: &str = "/__okr/events";

/// Injected before `</body>` of every page served: reload when the site changes.
const RELOAD_SCRIPT: &str =
    "<script>new EventSource(\"/__okr/events\").onmessage=function(){location.reload()};</script>";

/// Quiet time after a file event before rebuilding: editors save in bursts.
const DEBOUNCE: Duration = Duration::from_millis(5);

/// Why the server could not start (`okr` exits 2).
#[derive(Debug)]
pub enum ServeError {
    Bind(u16, String),
    Watch(PathBuf, notify::Error),
    NotFound(PathBuf),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind(port, e) => write!(
                f,
                "cannot listen on 127.0.0.1:{port}: {e}; pass another --port, or --port 0 for any free one"
            ),
            ServeError::Watch(dir, e) => write!(f, "cannot watch {}: {e}", dir.display()),
            ServeError::NotFound(dir) => write!(f, "{} is not a folder", dir.display()),
        }
    }
}

impl std::error::Error for ServeError {}

self_cell::self_cell!(
    /// A checked organisation with the page views built from it.
    struct Model {
        owner: Checked,
        // Cards are built lazily behind a `OnceLock`, which makes the views invariant.
        #[not_covariant]
        dependent: SiteData,
    }
);

/// What the server shows now.
enum Content {
    Site {
        model: Box<Model>,
    },
    /// The organisation has errors: every page shows them.
    Broken {
        checked: Box<Checked>,
        report: String,
    },
    /// `okr.toml` is missing or invalid, so there is no organisation at all.
    NoRepository(String),
}

/// The theme's and the repository's static files, by site path.
type Assets = BTreeMap<String, Vec<u8>>;

struct Live {
    content: Content,
    theme: Result<Theme, String>,
    assets: Assets,
    /// Rendered pages since the last rebuild, by site path.
    cache: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// What a rebuild reuses from the previous one, beside the organisation.
#[derive(Default)]
struct Parsed {
    /// Per file, in file order: the parse of a file with findings (the
    /// others' entities are in the organisation, see [`resolve::unlink`]).
    files: Vec<Option<ParsedFile>>,
    unreadable: Vec<FileId>,
    load_diagnostics: Vec<crate::model::diagnostic::Diagnostic>,
}

/// What changed on disk.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// Files appeared or went away, or `okr.toml` changed: load everything.
    Everything,
    /// Templates or static files.
    Theme,
    /// These existing files changed (indices into the organisation's files).
    Files(Vec<usize>),
}

/// Lines for the terminal, by how much was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// The server and everything it shows.
pub struct Server {
    listener: TcpListener,
    port: u16,
    root: PathBuf,
    as_of: NaiveDate,
    live: Arc<RwLock<Live>>,
    parsed: Parsed,
    /// What the checks found of each title, so that a save re-reads only new ones.
    titles: check::TitleMemo,
    listeners: Arc<Mutex<Vec<Sender<()>>>>,
    verbosity: Verbosity,
    built_once: bool,
}

fn log(verbosity: Verbosity, at_least: Verbosity, line: impl FnOnce() -> String) {
    if verbosity >= at_least {
        eprintln!("{}", crate::text::printable(&line()));
    }
}

impl Server {
    /// Builds the site of the repository at `root` into memory and listens on
    /// 127.0.0.1:`port` (0: any free port).
    pub fn new(
        root: &Path,
        port: u16,
        as_of: NaiveDate,
        verbosity: Verbosity,
    ) -> Result<Server, ServeError> {
        if !root.is_dir() {
            return Err(ServeError::NotFound(root.to_path_buf()));
        }
        // Watcher events carry absolute paths: compare them with an absolute root.
        let root = std::fs::canonicalize(root).map_err(|_| ServeError::NotFound(root.into()))?;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .map_err(|e| ServeError::Bind(port, e.to_string()))?;
        let port = listener.local_addr().map_or(port, |address| address.port());
        let mut server = Server {
            listener,
            port,
            root,
            as_of,
            live: Arc::new(RwLock::new(Live {
                content: Content::NoRepository(String::new()),
                theme: Err(String::new()),
                assets: Assets::new(),
                cache: Mutex::default(),
            })),
            parsed: Parsed::default(),
            titles: check::TitleMemo::default(),
            listeners: Arc::default(),
            verbosity,
            built_once: false,
        };
        server.rebuild(Change::Everything);
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Serves until the process ends, rebuilding on every change under the root.
    pub fn run(mut self) -> Result<(), ServeError> {
        let (events, changes) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = events.send(event);
        })
        .map_err(|e| ServeError::Watch(self.root.clone(), e))?;
        notify::Watcher::watch(&mut watcher, &self.root, notify::RecursiveMode::Recursive)
            .map_err(|e| ServeError::Watch(self.root.clone(), e))?;
        let listener = self
            .listener
            .try_clone()
            .map_err(|e| ServeError::Bind(self.port, e.to_string()))?;
        let shared = Arc::new(Shared {
            live: Arc::clone(&self.live),
            listeners: Arc::clone(&self.listeners),
            verbosity: self.verbosity,
            port: self.port,
            connections: Arc::default(),
            streams: Arc::default(),
        });
        std::thread::spawn(move || accept(&listener, &shared));
        loop {
            let Ok(first) = changes.recv() else {
                return Ok(()); // the watcher is gone
            };
            let mut batch = vec![first];
            let started = Instant::now();
            while started.elapsed() < Duration::from_millis(500) {
                match changes.recv_timeout(DEBOUNCE) {
                    Ok(event) => batch.push(event),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            }
            let paths: Vec<PathBuf> = batch
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                .flat_map(|e| e.paths)
                .collect();
            if let Some(change) = self.classify(&paths) {
                self.rebuild(change);
                self.notify_pages();
            }
        }
    }

    /// What a batch of changed paths means for the site; `None` when nothing it shows changed.
    fn classify(&self, paths: &[PathBuf]) -> Option<Change> {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        let org = match &live.content {
            Content::Site { model } => &model.borrow_owner().org,
            Content::Broken { checked, .. } => &checked.org,
            Content::NoRepository(_) => return Some(Change::Everything),
        };
        let (files, theme_dir) = (&org.files, &org.config.theme);
        // The check reads the data files sources name (`invalid-source`).
        let data_files = data_files(org);
        let mut changed = Vec::new();
        let mut theme = false;
        for path in paths {
            let Ok(rel) = path.strip_prefix(&self.root) else {
                continue;
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = parts.join("/");
            // Hidden files and folders (`.git`, editor swap files) and backups are not sources.
            if parts.iter().any(|p| p.starts_with('.')) || rel.ends_with('~') {
                continue;
            }
            if rel == CONFIG_FILE || data_files.contains(rel.as_str()) {
                return Some(Change::Everything);
            }
            let top = parts.first().map_or("", String::as_str);
            if matches!(top, "templates" | "static")
                || theme_dir
                    .as_ref()
                    .is_some_and(|t| rel.starts_with(t.trim_end_matches('/')))
            {
                theme = true;
                continue;
            }
            if !matches!(top, "teams" | "people" | "okrs") {
                continue;
            }
            let known = files.iter().position(|f| f.path == rel);
            match known {
                Some(i) if path.is_file() => changed.push(i),
                // A source went away.
                Some(_) => return Some(Change::Everything),
                // A new source, or a folder that may hold some.
                None if (rel.ends_with(".md") && path.is_file()) || path.is_dir() => {
                    return Some(Change::Everything);
                }
                // A folder of sources went away.
                None if !path.exists()
                    && files.iter().any(|f| f.path.starts_with(&format!("{rel}/"))) =>
                {
                    return Some(Change::Everything);
                }
                // An editor's temporary file.
                None => {}
            }
        }
        changed.sort_unstable();
        changed.dedup();
        match (changed.is_empty(), theme) {
            (false, false) => Some(Change::Files(changed)),
            (false, true) => Some(Change::Everything),
            (true, true) => Some(Change::Theme),
            (true, false) => None,
        }
    }

    fn notify_pages(&self) {
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.retain(|l| l.send(()).is_ok());
    }

    /// Brings the site up to date with the files. Requests wait meanwhile, so
    /// none is answered from a model older than a change already seen.
    fn rebuild(&mut self, change: Change) {
        let started = Instant::now();
        let lock = Arc::clone(&self.live);
        let mut live = lock.write().unwrap_or_else(|e| e.into_inner());
        let previous = std::mem::replace(&mut live.content, Content::NoRepository(String::new()));
        let old = match previous {
            Content::Site { model } => Some(model.into_owner()),
            Content::Broken { checked, .. } => Some(*checked),
            Content::NoRepository(_) => None,
        };
        let what = match (&change, old) {
            (Change::Files(changed), Some(old)) => {
                let unlinked = resolve::unlink(old.org);
                let mut loaded = Loaded {
                    root: unlinked.root,
                    config: unlinked.config,
                    files: unlinked.files,
                    unreadable: std::mem::take(&mut self.parsed.unreadable),
                    diagnostics: std::mem::take(&mut self.parsed.load_diagnostics),
                };
                for &i in changed {
                    load::reread(&mut loaded, FileId(i));
                }
                let kept = std::mem::take(&mut self.parsed.files);
                let parses: Vec<ParsedFile> = unlinked
                    .entities
                    .into_iter()
                    .zip(kept.into_iter().chain(std::iter::repeat_with(|| None)))
                    .enumerate()
                    .map(|(i, (entity, other))| {
                        if changed.contains(&i) {
                            return resolve::parse_one(&loaded, FileId(i));
                        }
                        // A kept parse also has the file's findings.
                        other
                            .or(entity)
                            .unwrap_or_else(|| resolve::parse_one(&loaded, FileId(i)))
                    })
                    .collect();
                let names: Vec<&str> = changed
                    .iter()
                    .map(|&i| loaded.files[i].path.as_str())
                    .collect();
                let what = names.join(", ");
                self.finish(&mut live, loaded, parses);
                what
            }
            (Change::Theme, Some(old)) => {
                self.load_theme(&mut live, &old.org);
                live.content = self.content(old);
                set_site_global(&mut live);
                "templates and static files".to_string()
            }
            _ => match load::load(&self.root) {
                Ok(loaded) => {
                    let parses = resolve::parse_all(&loaded);
                    self.finish(&mut live, loaded, parses);
                    "every file".to_string()
                }
                Err(e) => {
                    let message = load_error(&e);
                    eprintln!("{message}");
                    live.content = Content::NoRepository(message);
                    live.cache = Mutex::default();
                    return;
                }
            },
        };
        live.cache = Mutex::default();
        let elapsed = started.elapsed();
        let summary = match &live.content {
            Content::Site { model } => {
                let checked = model.borrow_owner();
                format!(
                    "{}, {}",
                    report::plural(checked.org.objectives.len(), "objective"),
                    report::plural(checked.warnings(), "warning")
                )
            }
            Content::Broken { checked, .. } => {
                format!(
                    "{}: showing them instead of the site",
                    report::plural(checked.errors(), "error")
                )
            }
            Content::NoRepository(_) => String::new(),
        };
        let ms = elapsed.as_secs_f64() * 1000.0;
        log(self.verbosity, Verbosity::Normal, || {
            if std::mem::replace(&mut self.built_once, true) {
                format!("okr: rebuilt in {ms:.1} ms after a change to {what} ({summary})")
            } else {
                format!("okr: built in {ms:.1} ms ({summary})")
            }
        });
    }

    /// Links, checks and builds the views of loaded files and their parses.
    fn finish(&mut self, live: &mut Live, loaded: Loaded, parses: Vec<ParsedFile>) {
        let started = Instant::now();
        self.parsed.unreadable = loaded.unreadable.clone();
        self.parsed.load_diagnostics = loaded.diagnostics.clone();
        // Only files with findings are kept here: few, and small.
        self.parsed.files = parses
            .iter()
            .map(|p| (!p.is_clean()).then(|| p.clone()))
            .collect();
        let (org, diagnostics) = resolve::link(loaded, parses);
        let linked = started.elapsed();
        let checked = check::check_remembering(org, diagnostics, self.as_of, &mut self.titles);
        let checked_at = started.elapsed();
        if live.theme.is_err() {
            self.load_theme(live, &checked.org);
        }
        live.content = self.content(checked);
        log(self.verbosity, Verbosity::Verbose, || {
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            format!(
                "okr: linked in {:.1} ms, scored and checked in {:.1} ms, page views in {:.1} ms",
                ms(linked),
                ms(checked_at - linked),
                ms(started.elapsed() - checked_at)
            )
        });
        set_site_global(live);
    }

    fn load_theme(&self, live: &mut Live, org: &crate::model::Org) {
        live.theme = site::load_theme(org).map_err(|e| e.to_string());
        let mut assets = Assets::new();
        if let Ok(theme) = &live.theme {
            for (name, bytes) in &theme.assets {
                assets.insert(format!("assets/{name}"), bytes.clone());
            }
        }
        match render::read_tree(&org.root.join("static"), &org.root) {
            Ok(files) => assets.extend(files),
            Err(e) => eprintln!("okr: {}", crate::text::printable(&e.to_string())),
        }
        if let Err(e) = &live.theme {
            eprintln!("okr: {}", crate::text::printable(&e.to_string()));
        }
        live.assets = assets;
        set_site_global(live);
    }

    /// The site of a checked organisation, or its errors when it has any.
    fn content(&self, checked: Checked) -> Content {
        if checked.errors() > 0 {
            let report = report::human(&checked, false);
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            eprint!("{}", report::human(&checked, color));
            return Content::Broken {
                checked: Box::new(checked),
                report,
            };
        }
        if self.verbosity >= Verbosity::Verbose && !checked.diagnostics.is_empty() {
            eprint!("{}", report::human(&checked, false));
        }
        // Reading the history walks every commit: too slow for a rebuild on
        // every save, so the pages say how to see it instead.
        let model = Model::new(checked, |checked| {
            SiteData::new(checked, served_urls()).with_history_left_out()
        });
        Content::Site {
            model: Box::new(model),
        }
    }
}

/// The data files the key results' sources name, relative to the root as
/// changed paths are: `data/wau.csv` for `./data/wau.csv`.
fn data_files(org: &Org) -> BTreeSet<String> {
    (org.objectives.iter())
        .flat_map(|o| &o.key_results)
        .filter_map(|kr| kr.source.as_ref()?.file.as_ref())
        .map(|file| {
            (file.value.split('/'))
                .filter(|part| !part.is_empty() && *part != ".")
                .collect::<Vec<&str>>()
                .join("/")
        })
        .collect()
}

/// Hands the templates what every page shows of the site (title, periods, counts).
fn set_site_global(live: &mut Live) {
    if let (Content::Site { model }, Ok(theme)) = (&live.content, &mut live.theme) {
        model.with_dependent(|_, data| theme.set_global("site", &data.site));
    }
}

/// The site is served at `/`, whatever `base_url` says.
fn served_urls() -> Urls {
    Urls::under(BaseUrl::default())
}

fn load_error(e: &LoadError) -> String {
    e.to_string()
        .lines()
        .map(|l| format!("okr: {}", crate::text::printable(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The site path a request asks for (`/teams/x/` → `teams/x/index.html`),
/// or `None` for anything that tries to leave the site: `..` or `.`
/// segments, backslashes, NUL, however they are encoded.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return None;
    }
    let mut rel = segments.join("/");
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    Some(rel)
}

/// `%XX` escapes decoded; `None` for a broken escape or text that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The body of every page served, with the reload script before `</body>`.
fn with_reload_script(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, RELOAD_SCRIPT.bytes());
    html
}

/// The page every request gets while the repository has errors.
fn error_page(report: &str) -> Vec<u8> {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>okr: errors</title>\
         <style>body{{font:16px system-ui,sans-serif;margin:2rem;color:#1a1a1a}}pre{{background:#fdf2f2;border-left:4px solid #b3261e;padding:1rem;overflow:auto;font:14px ui-monospace,monospace}}</style></head>\
         <body><h1>The OKRs have errors</h1><p>Fix them and save: this page reloads by itself.</p><pre>{}</pre></body></html>\n",
        crate::text::escape_html(report)
    );
    with_reload_script(html.into_bytes())
}

type Answer = (u16, &'static str, Arc<Vec<u8>>);

/// Finds or renders what `path` names.
fn answer(live: &Live, path: &str) -> Answer {
    let html = "text/html; charset=utf-8";
    let cached = |live: &Live, path: &str| {
        live.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    };
    let model = match &live.content {
        Content::Site { model } => model,
        Content::Broken { report, .. } => return (500, html, Arc::new(error_page(report))),
        Content::NoRepository(message) => return (500, html, Arc::new(error_page(message))),
    };
    if let Some(bytes) = live.assets.get(path) {
        return (200, content_type(path), Arc::new(bytes.clone()));
    }
    let theme = match &live.theme {
        Ok(theme) => theme,
        Err(e) => return (500, html, Arc::new(error_page(e))),
    };
    let find = |path: &str| model.with_dependent(|_, data| site::find_page(data, path));
    let found = if path == EXPORT_FILE {
        Some(None)
    } else {
        find(path).map(Some)
    };
    let (status, key, page) = match found {
        Some(page) => (200, path, page),
        None => match find("404.html") {
            Some(p) => (404, "404.html", Some(p)),
            None => return (404, html, Arc::new(b"not found".to_vec())),
        },
    };
    if let Some(bytes) = cached(live, key) {
        return (status, content_type(key), bytes);
    }
    let bytes = match page {
        None => model
            .with_dependent(|checked, data| site::export_of(checked, served_urls(), data).json()),
        Some(page) => {
            let mut out = Vec::new();
            if let Err(e) =
                model.with_dependent(|_, data| site::render_page(page, theme, data, &mut out))
            {
                eprintln!("okr: {}", crate::text::printable(&e.to_string()));
                return (500, html, Arc::new(error_page(&e.to_string())));
            }
            with_reload_script(out)
        }
    };
    let bytes = Arc::new(bytes);
    live.cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.to_string(), Arc::clone(&bytes));
    (status, content_type(key), bytes)
}

/// Opens `url` in the default browser, as the desktop would.
pub fn open_browser(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/teams/sales/?x=1").as_deref(),
            Some("teams/sales/index.html")
        );
        assert_eq!(
            site_path("/assets/style.css").as_deref(),
            Some("assets/style.css")
        );
        assert_eq!(site_path("/a%20b/").as_deref(), Some("a b/index.html"));
        for bad in [
            "/../okr.toml",
            "/teams/../../etc/passwd",
            "/%2e%2e/okr.toml",
            "/%2E%2e%2fokr.toml",
            "/..%2f..%2fetc/passwd",
            "/.%2e/x",
            "/a/./b",
            "/a%5c..%5cb",
            "/a%00b",
            "/%zz",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let html = with_reload_script(b"<html><body>x</body></html>".to_vec());
        let text = String::from_utf8(html).unwrap();
        assert!(
            text.ends_with(&format!("x{RELOAD_SCRIPT}</body></html>")),
            "{text}"
        );
    }
}
