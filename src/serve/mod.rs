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
//! HTTP is the little a browser on this machine needs, written here so that
//! every bound is ours: one request per connection (`GET` and `HEAD`), its
//! head read up to a fixed size within a fixed time, only requests naming
//! this machine answered, and a bounded number of connections and event
//! streams at once.

use crate::check::{self, Checked};
use crate::config::CONFIG_FILE;
use crate::export::Export;
use crate::load::{self, LoadError, Loaded};
use crate::render::{self, Theme};
use crate::report;
use crate::resolve::{self, ParsedFile};
use crate::site::{self, EXPORT_FILE};
use crate::source::FileId;
use crate::views::SiteData;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
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

/// Bytes of a request line read at most: a browser's are far shorter.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Bytes of a request's head (its line and headers) read at most.
const MAX_HEAD: usize = 32 * 1024;
/// How long a client may take to send its request, and to take an answer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a refused request may go on being sent before its connection closes.
const LINGER: Duration = Duration::from_secs(1);
/// Connections served at once, each on a thread of its own; more are refused.
const MAX_CONNECTIONS: usize = 64;
/// Pages listening for rebuilds at once, each holding a connection; more are refused.
const MAX_EVENT_STREAMS: usize = 16;
/// How often an event stream looks whether its page went away, so that its
/// place is soon free again.
const STREAM_TICK: Duration = Duration::from_secs(1);
/// Quiet time after which an event stream sends a comment, which a
/// connection that died without closing fails on.
const STREAM_KEEPALIVE: Duration = Duration::from_secs(15);

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
    as_of: NaiveDate,
    content: Content,
    theme: Result<Theme, String>,
    assets: Assets,
    /// Rendered pages since the last rebuild, by site path.
    cache: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// What a rebuild reuses from the previous one, beside the organisation.
#[derive(Default)]
struct Parsed {
    /// Per file, in file order: the parse of a file that gave no entity (the
    /// others' entities are in the organisation, see [`resolve::unlink`]).
    files: Vec<Option<ParsedFile>>,
    unreadable: Vec<FileId>,
    load_diagnostics: Vec<crate::diagnostic::Diagnostic>,
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
    listeners: Arc<Mutex<Vec<Sender<()>>>>,
    verbosity: Verbosity,
    built_once: bool,
}

fn log(verbosity: Verbosity, at_least: Verbosity, line: impl FnOnce() -> String) {
    if verbosity >= at_least {
        eprintln!("{}", line());
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
                as_of,
                content: Content::NoRepository(String::new()),
                theme: Err(String::new()),
                assets: Assets::new(),
                cache: Mutex::default(),
            })),
            parsed: Parsed::default(),
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
        let files = match &live.content {
            Content::Site { model } => &model.borrow_owner().org.files,
            Content::Broken { checked, .. } => &checked.org.files,
            Content::NoRepository(_) => return Some(Change::Everything),
        };
        let theme_dir = match &live.content {
            Content::Site { model } => model.borrow_owner().org.config.theme.clone(),
            Content::Broken { checked, .. } => checked.org.config.theme.clone(),
            Content::NoRepository(_) => None,
        };
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
            if rel == CONFIG_FILE {
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
                        entity
                            .or(other)
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
        // Only files without an entity are kept here: few, and small.
        self.parsed.files = parses
            .iter()
            .map(|p| (!p.has_entity()).then(|| p.clone()))
            .collect();
        let (org, diagnostics) = resolve::link(loaded, parses);
        let linked = started.elapsed();
        let checked = check::check_resolved(org, diagnostics, self.as_of);
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
            Err(e) => eprintln!("okr: {e}"),
        }
        if let Err(e) = &live.theme {
            eprintln!("okr: {e}");
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
        let model = Model::new(checked, |checked| SiteData::new(checked, "/", self.as_of));
        Content::Site {
            model: Box::new(model),
        }
    }
}

/// Hands the templates what every page shows of the site (title, periods, counts).
fn set_site_global(live: &mut Live) {
    if let (Content::Site { model }, Ok(theme)) = (&live.content, &mut live.theme) {
        model.with_dependent(|_, data| theme.set_global("site", &data.site));
    }
}

fn load_error(e: &LoadError) -> String {
    e.to_string()
        .lines()
        .map(|l| format!("okr: {l}"))
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

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page every request gets while the repository has errors.
fn error_page(report: &str) -> Vec<u8> {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>okr: errors</title>\
         <style>body{{font:16px system-ui,sans-serif;margin:2rem;color:#1a1a1a}}pre{{background:#fdf2f2;border-left:4px solid #b3261e;padding:1rem;overflow:auto;font:14px ui-monospace,monospace}}</style></head>\
         <body><h1>The OKRs have errors</h1><p>Fix them and save: this page reloads by itself.</p><pre>{}</pre></body></html>\n",
        escape_html(report)
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
        None => Export::new(model.borrow_owner(), Some("/"), live.as_of).json(),
        Some(page) => {
            let mut out = Vec::new();
            if let Err(e) =
                model.with_dependent(|_, data| site::render_page(page, theme, data, &mut out))
            {
                eprintln!("okr: {e}");
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

/// What the threads answering requests share.
struct Shared {
    live: Arc<RwLock<Live>>,
    listeners: Arc<Mutex<Vec<Sender<()>>>>,
    verbosity: Verbosity,
    port: u16,
    connections: Arc<AtomicUsize>,
    streams: Arc<AtomicUsize>,
}

/// One of a bounded number of places, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(taken: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        taken
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        Some(Slot(Arc::clone(taken)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Takes connections for as long as the process runs, each on a thread of
/// its own while there is a place for it.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        let Some(slot) = Slot::take(&shared.connections, MAX_CONNECTIONS) else {
            let _ = write_text(&mut stream, 503, "too many connections at once", false);
            continue;
        };
        let shared = Arc::clone(shared);
        std::thread::spawn(move || {
            let _slot = slot;
            serve(stream, &shared);
        });
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

/// A request, as far as okr serve reads one.
#[derive(Debug, PartialEq)]
struct Request {
    method: String,
    /// As sent: a path, maybe with a query.
    target: String,
    host: Option<String>,
}

/// A request refused before it is answered: its status and a short text.
type Refusal = (u16, &'static str);

/// Reads a request's head, at most [`MAX_HEAD`] bytes; `Ok(None)` when the
/// client went away before sending one.
fn read_request(stream: &mut impl Read) -> Result<Option<Request>, Refusal> {
    let mut head = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        // The head ends at the first empty line; only the new bytes are searched.
        let from = head.len().saturating_sub(chunk.len() + 3);
        if let Some(end) = head_end(&head, from) {
            return parse_head(&head[..end]).map(Some);
        }
        let line = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        if line > MAX_REQUEST_LINE {
            return Err((414, "the request line is too long"));
        }
        if head.len() > MAX_HEAD {
            return Err((431, "the request's headers are too long"));
        }
        match stream.read(&mut chunk) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err((400, "the request ended before its headers did")),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err((408, "the request took too long")),
        }
    }
}

/// Where the head ends (after its empty line), searching from `from`.
fn head_end(head: &[u8], from: usize) -> Option<usize> {
    let at = |pattern: &[u8]| {
        head[from..]
            .windows(pattern.len())
            .position(|w| w == pattern)
            .map(|i| from + i + pattern.len())
    };
    at(b"\r\n\r\n").or_else(|| at(b"\n\n"))
}

/// Reads the request line and the `Host` header of a head.
fn parse_head(head: &[u8]) -> Result<Request, Refusal> {
    let bad = (400, "not an HTTP request okr serve understands");
    let text = std::str::from_utf8(head).map_err(|_| bad)?;
    let mut lines = text.lines();
    let line = lines.next().ok_or(bad)?;
    if line.len() > MAX_REQUEST_LINE {
        return Err((414, "the request line is too long"));
    }
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(bad);
    };
    // A path of visible ASCII: it may go back into a `Location` header.
    let plain = target.starts_with('/') && target.bytes().all(|b| b.is_ascii_graphic());
    if !plain || !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return Err(bad);
    }
    let mut host = None;
    for header in lines {
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("host")
            && host.replace(value.trim().to_string()).is_some()
        {
            return Err((400, "more than one Host header"));
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

/// Whether `host` names this machine as a browser on it does: `127.0.0.1`,
/// `localhost` or `[::1]`, with this server's port or none. Any other name
/// may be a site of the web made to point here (DNS rebinding), which must
/// not read the OKRs.
fn is_this_machine(host: &str, port: u16) -> bool {
    let (name, rest) = match host.find(']') {
        Some(end) if host.starts_with('[') => host.split_at(end + 1),
        _ => host.split_at(host.find(':').unwrap_or(host.len())),
    };
    let name_ok = name == "127.0.0.1" || name == "[::1]" || name.eq_ignore_ascii_case("localhost");
    let port_ok = rest.is_empty() || rest.strip_prefix(':') == Some(port.to_string().as_str());
    name_ok && port_ok
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Answers with a short plain text, e.g. why a request is refused.
fn write_text(
    stream: &mut TcpStream,
    status: u16,
    text: &str,
    head_only: bool,
) -> std::io::Result<()> {
    let headers = [("Content-Type", TEXT)];
    write_response(stream, status, &headers, text.as_bytes(), head_only)
}

/// Writes a whole response and ends the connection; `head_only` for `HEAD`.
fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

/// Reads, for a moment, what a client refused mid-request still sends:
/// closing a connection with bytes unread resets it, and the client may lose
/// the answer saying why.
fn linger(stream: &mut TcpStream) {
    let started = Instant::now();
    let _ = stream.set_read_timeout(Some(LINGER));
    let mut sink = [0; 4096];
    while started.elapsed() < LINGER {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Why a well-formed request is not answered, if it is not.
fn refusal(request: &Request, port: u16) -> Option<Refusal> {
    match &request.host {
        None => Some((400, "a Host header is needed")),
        Some(host) if !is_this_machine(host, port) => Some((
            421,
            "okr serve answers only requests for 127.0.0.1, localhost or [::1]",
        )),
        Some(_) if !matches!(request.method.as_str(), "GET" | "HEAD") => {
            Some((405, "only GET and HEAD"))
        }
        Some(_) => None,
    }
}

/// Answers the one request of a connection.
fn serve(mut stream: TcpStream, shared: &Shared) {
    let request = match read_request(&mut stream) {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err((status, text)) => {
            if write_text(&mut stream, status, text, false).is_ok() {
                linger(&mut stream);
            }
            return;
        }
    };
    let started = Instant::now();
    let head_only = request.method == "HEAD";
    if let Some((status, text)) = refusal(&request, shared.port) {
        let _ = write_text(&mut stream, status, text, head_only);
        return;
    }
    let url = request.target;
    if url.split('?').next() == Some(EVENTS_PATH) {
        match Slot::take(&shared.streams, MAX_EVENT_STREAMS) {
            Some(_slot) => {
                let (tx, rx) = mpsc::channel();
                (shared.listeners.lock())
                    .unwrap_or_else(|e| e.into_inner())
                    .push(tx);
                stream_events(stream, rx);
            }
            None => {
                let text = "too many pages listening for changes: close some";
                let _ = write_text(&mut stream, 503, text, head_only);
            }
        }
        return;
    }
    let mut waited = Duration::ZERO;
    let (status, kind, body) = match site_path(&url) {
        None => (404, TEXT, Arc::new(b"not found".to_vec())),
        Some(path) => {
            let live = shared.live.read().unwrap_or_else(|e| e.into_inner());
            // A request that came during a rebuild waited for it: say how long.
            waited = started.elapsed();
            let found = answer(&live, &path);
            if let Some(location) = folder_of(&live, found.0, &url, &path) {
                drop(live);
                let headers = [("Location", location.as_str())];
                let _ = write_response(&mut stream, 301, &headers, b"", head_only);
                return;
            }
            found
        }
    };
    log(shared.verbosity, Verbosity::Verbose, || {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "okr: {status} {url} ({:.1} ms, {:.1} ms of them waiting for a rebuild)",
            ms(started.elapsed()),
            ms(waited)
        )
    });
    let headers = [("Content-Type", kind)];
    let _ = write_response(&mut stream, status, &headers, body.as_slice(), head_only);
}

/// Where to send a request that found nothing (`status` 404) but names a
/// folder with a page: `/teams/x` is `/teams/x/`, as relative links need the
/// slash. The query and any fragment are left out: `/x#top` is `/x/`.
fn folder_of(live: &Live, status: u16, url: &str, path: &str) -> Option<String> {
    let asked = url.split(['?', '#']).next().unwrap_or(url);
    if status != 404 || asked.ends_with('/') {
        return None;
    }
    let Content::Site { model } = &live.content else {
        return None;
    };
    let dir = format!("{path}/index.html");
    model
        .with_dependent(|_, data| site::find_page(data, &dir).is_some())
        .then(|| format!("{asked}/"))
}

/// Streams `data: reload` to one page on every rebuild until the page goes
/// away, which is noticed within a [`STREAM_TICK`] when it closes the
/// connection, or at the next comment sent when it vanished without closing.
fn stream_events(mut stream: TcpStream, rebuilds: Receiver<()>) {
    // Events must reach the page as they happen: no buffering.
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n: connected\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut quiet = Duration::ZERO;
    loop {
        let event: &[u8] = match rebuilds.recv_timeout(STREAM_TICK) {
            Ok(()) => b"data: reload\n\n",
            Err(RecvTimeoutError::Timeout) if has_closed(&stream) => return,
            Err(RecvTimeoutError::Timeout) if quiet + STREAM_TICK < STREAM_KEEPALIVE => {
                quiet += STREAM_TICK;
                continue;
            }
            Err(RecvTimeoutError::Timeout) => b": still here\n\n",
            Err(RecvTimeoutError::Disconnected) => return,
        };
        quiet = Duration::ZERO;
        if stream
            .write_all(event)
            .and_then(|()| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

/// Whether the page at the other end of an event stream closed it: it sends
/// nothing after its request, so anything to read is its end.
fn has_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let waiting = matches!(
        stream.peek(&mut [0]),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
    );
    stream.set_nonblocking(false).is_err() || !waiting
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
    fn only_requests_naming_this_machine_are_answered() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST",
            "[::1]",
            "[::1]:8000",
        ] {
            assert!(is_this_machine(host, 8000), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "localhost:8001",
            "localhost:",
            "127.0.0.1:80000",
            "[::1]8000",
            "localhost.evil.example",
            "127.0.0.2",
            "[::2]",
        ] {
            assert!(!is_this_machine(host, 8000), "{host}");
        }
    }

    #[test]
    fn a_request_head_is_read_within_bounds() {
        let read = |head: &str| read_request(&mut head.as_bytes());
        assert_eq!(
            read("GET /a?b HTTP/1.1\r\nhost: localhost\r\nX: y\r\n\r\n"),
            Ok(Some(Request {
                method: "GET".into(),
                target: "/a?b".into(),
                host: Some("localhost".into()),
            }))
        );
        assert_eq!(read(""), Ok(None));
        assert_eq!(
            read("GET / HTTP/1.1\r\nHost: a"),
            Err((400, "the request ended before its headers did"))
        );
        for bad in [
            "GET /a b HTTP/1.1\r\n\r\n",
            "GET a HTTP/1.1\r\n\r\n",
            "GET /\u{1b} HTTP/1.1\r\n\r\n",
            "GET / HTTP/2\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ] {
            assert_eq!(read(bad).map_err(|e| e.0), Err(400), "{bad:?}");
        }
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(read(&long).map_err(|e| e.0), Err(414));
        let endless = "a".repeat(10 * MAX_HEAD);
        assert_eq!(read(&endless).map_err(|e| e.0), Err(414));
        let headers = format!("GET / HTTP/1.1\r\n{}", "X: y\r\n".repeat(MAX_HEAD));
        assert_eq!(read(&headers).map_err(|e| e.0), Err(431));
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
