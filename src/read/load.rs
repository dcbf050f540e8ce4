//! Finds and reads the repository's files: `okr.toml`, `teams/*.md`,
//! `people/*.md` and `okrs/**/*.md`.
//!
//! Symbolic links in those folders are refused with a finding, never
//! followed: git keeps a link, not what it leads to, so an objective read
//! through one would change where the history, `okr diff` and the watcher of
//! `okr serve` never look. Files on disk and in a commit are judged by the
//! same rules (`examine`). `okr.toml` may be a link that stays inside the
//! repository. Files named like Markdown but not `*.md`, and names that are
//! not UTF-8, are reported (`ignored-file`) rather than passed over.
//!
//! One file of about 740 lines (and 150 of tests): files on disk, in memory
//! and in a commit pass the same checks (`examine`, `assemble`, `settle`),
//! and keeping them in one place is what keeps them the same.

use crate::model::Config;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::source::{FileId, FileKind, SourceFile};
use crate::read::config::{self, CONFIG_FILE};
use rayon::prelude::*;
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why the repository could not be loaded at all (`okr check` exits 2).
#[derive(Debug)]
pub enum LoadError {
    NotFound(PathBuf),
    NotADirectory(PathBuf),
    NoConfig(PathBuf),
    /// Neither the folder nor any folder above it holds `okr.toml`.
    NoRepository(PathBuf),
    /// `okr.toml` is there but is no file to read, e.g. a folder: what it is.
    ConfigNotAFile(PathBuf, &'static str),
    Unreadable(PathBuf, std::io::Error),
    /// `okr.toml` has mistakes; the file is kept to show them.
    InvalidConfig(Box<SourceFile>, Vec<Diagnostic>),
}

impl fmt::Display for LoadError {
    /// One line per error, whatever the names and keys hold: a line break in
    /// a folder's name or a quoted key is shown escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = match self {
            LoadError::NotFound(dir) => format!("{} does not exist", dir.display()),
            LoadError::NotADirectory(dir) => format!("{} is not a directory", dir.display()),
            LoadError::NoConfig(dir) => format!(
                "no {CONFIG_FILE} in {}: run okr in the root of an OKR repository, or pass its folder",
                dir.display()
            ),
            LoadError::NoRepository(dir) => format!(
                "no {CONFIG_FILE} in {} or any folder above it: run okr inside an OKR repository, name its folder with -C DIR, or start one with okr init",
                dir.display()
            ),
            LoadError::ConfigNotAFile(path, what) => format!("{} is {what}", path.display()),
            LoadError::Unreadable(path, e) => format!("cannot read {}: {e}", path.display()),
            LoadError::InvalidConfig(file, diagnostics) => {
                let lines: Vec<String> = diagnostics
                    .iter()
                    .map(|d| {
                        let place = match &d.span {
                            Some(span) => {
                                let at = file.line_col(span.start());
                                format!("{}:{}:{}", file.path, at.line, at.column)
                            }
                            None => file.path.clone(),
                        };
                        let help = d.help.as_ref().map_or(String::new(), |h| format!(" ({h})"));
                        one_line(&format!("{place}: {}{help}", d.message))
                    })
                    .collect();
                return f.write_str(&lines.join("\n"));
            }
        };
        f.write_str(&one_line(&line))
    }
}

/// `text` with control characters (line breaks, escape sequences) and
/// bidirectional overrides written as escapes, so that it stays one line
/// and shows what it holds.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl std::error::Error for LoadError {}

/// The files of a repository, read but not yet parsed.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    /// `okr.toml` first, then teams, people and objectives, each sorted by path.
    pub files: Vec<SourceFile>,
    /// Files not read as text, sorted by id (for a binary search); their
    /// diagnostics are in `diagnostics`.
    pub unreadable: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where each kind of file lives, and whether sub-folders count.
const LAYOUT: &[(&str, FileKind, bool)] = &[
    ("teams", FileKind::Team, false),
    ("people", FileKind::Person, false),
    ("okrs", FileKind::Objective, true),
];

/// The repository around `start`: the nearest folder, `start` itself or one
/// above it, that holds `okr.toml`. Found from `.`, it is given as `..`,
/// `../..`, … so that paths printed from it stay relative to where the user is.
pub fn find_root(start: &Path) -> Result<PathBuf, LoadError> {
    require_folder(start)?;
    let holds_config = |dir: &Path| dir.join(CONFIG_FILE).symlink_metadata().is_ok();
    if holds_config(start) {
        return Ok(start.to_path_buf());
    }
    let absolute =
        std::fs::canonicalize(start).map_err(|e| LoadError::Unreadable(start.to_path_buf(), e))?;
    let (up, root) = absolute
        .ancestors()
        .enumerate()
        .skip(1)
        .find(|(_, dir)| holds_config(dir))
        .ok_or_else(|| LoadError::NoRepository(start.to_path_buf()))?;
    Ok(if start == Path::new(".") {
        std::iter::repeat_n("..", up).collect()
    } else {
        root.to_path_buf()
    })
}

fn require_folder(path: &Path) -> Result<(), LoadError> {
    match path.is_dir() {
        true => Ok(()),
        false if path.exists() => Err(LoadError::NotADirectory(path.to_path_buf())),
        false => Err(LoadError::NotFound(path.to_path_buf())),
    }
}

pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    require_folder(root)?;
    let config_path = root.join(CONFIG_FILE);
    let bytes = read_config(root, &config_path)?;
    let config_file = match decode(bytes) {
        Ok(text) => SourceFile::new(CONFIG_FILE, FileKind::Config, text),
        Err(_) => {
            return Err(LoadError::Unreadable(
                config_path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
            ));
        }
    };
    let config = match config::parse(&config_file, FileId(0)) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Err(LoadError::InvalidConfig(Box::new(config_file), diagnostics));
        }
    };

    let mut loaded = Loaded {
        root: root.to_path_buf(),
        config,
        files: vec![config_file],
        unreadable: Vec::new(),
        diagnostics: Vec::new(),
    };
    for &(folder, kind, recursive) in LAYOUT {
        read_folder(&mut loaded, folder, kind, recursive);
    }
    Ok(loaded)
}

/// The bytes of `okr.toml`: a file, or a link to one inside the repository.
/// Anything else is named for what it is, not taken for a missing file.
fn read_config(root: &Path, path: &Path) -> Result<Vec<u8>, LoadError> {
    let not_a_file = |what| Err(LoadError::ConfigNotAFile(path.to_path_buf(), what));
    let real = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadError::NoConfig(root.to_path_buf()));
        }
        Err(e) => return Err(LoadError::Unreadable(path.to_path_buf(), e)),
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::canonicalize(path) {
            Err(_) => return not_a_file("a symbolic link that leads nowhere"),
            Ok(real) if is_outside(root, &real) => return not_a_file(LINK_OUTSIDE),
            Ok(real) => real,
        },
        Ok(_) => path.to_path_buf(),
    };
    match std::fs::metadata(&real) {
        Ok(meta) if meta.is_dir() => {
            not_a_file("a folder: okr.toml must be a file (an empty one will do)")
        }
        Ok(meta) if !meta.is_file() => not_a_file(NOT_A_REGULAR_FILE),
        _ => read_regular(&real).map_err(|e| LoadError::Unreadable(path.to_path_buf(), e)),
    }
}

/// Builds a repository from `(path, text)` pairs instead of the disk, for tests
/// and fuzzing. Paths follow the same layout; others are ignored.
pub fn from_memory(files: &[(&str, &str)]) -> Result<Loaded, LoadError> {
    let entries = files
        .iter()
        .map(|(path, text)| {
            let read = Read::Text(text.to_string());
            (path.as_bytes().to_vec(), Node::File(read))
        })
        .collect();
    assemble(entries)
}

/// One entry of a commit's tree, as [`from_bytes`] takes it.
#[derive(Debug)]
pub struct Stored {
    /// Relative to the OKR root, with `/` separators, as git holds it: not
    /// always UTF-8.
    pub path: Vec<u8>,
    pub what: StoredKind,
}

#[derive(Debug)]
pub enum StoredKind {
    /// A file and its bytes.
    File(Vec<u8>),
    /// A symbolic link and the path it holds.
    Link(Vec<u8>),
    Folder,
}

/// Builds a repository from the entries of a git commit: files decoded as
/// files on disk are (BOM removed, invalid UTF-8 reported), links and names
/// judged as on disk, laid out as [`from_memory`] does. A missing `okr.toml`
/// counts as an empty one.
pub fn from_bytes(files: Vec<Stored>) -> Result<Loaded, LoadError> {
    let entries = files
        .into_iter()
        .map(|Stored { path, what }| {
            let node = match what {
                StoredKind::File(bytes) => Node::File(match decode(bytes) {
                    Ok(text) => Read::Text(text),
                    Err((valid_up_to, lossy)) => Read::NotUtf8 { valid_up_to, lossy },
                }),
                StoredKind::Link(target) => Node::Link {
                    outside: link_leaves(&path, &target),
                },
                StoredKind::Folder => Node::Folder,
            };
            (path, node)
        })
        .collect();
    assemble(entries)
}

/// An entry of a repository held in memory.
enum Node {
    File(Read),
    Link { outside: bool },
    Folder,
}

fn assemble(mut entries: Vec<(Vec<u8>, Node)>) -> Result<Loaded, LoadError> {
    let config_at = entries
        .iter()
        .position(|(p, node)| p == CONFIG_FILE.as_bytes() && matches!(node, Node::File(_)));
    let config_text = match config_at.map(|i| entries.swap_remove(i).1) {
        Some(Node::File(Read::Text(text))) => text,
        Some(_) => {
            return Err(LoadError::Unreadable(
                PathBuf::from(CONFIG_FILE),
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
            ));
        }
        None => String::new(),
    };
    let config_file = SourceFile::new(CONFIG_FILE, FileKind::Config, config_text);
    let config = match config::parse(&config_file, FileId(0)) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Err(LoadError::InvalidConfig(Box::new(config_file), diagnostics));
        }
    };
    let mut loaded = Loaded {
        root: PathBuf::new(),
        config,
        files: vec![config_file],
        unreadable: Vec::new(),
        diagnostics: Vec::new(),
    };
    // Teams, then people, then objectives, each by path, as from disk.
    let mut found: Vec<(usize, String, Read)> = entries
        .into_iter()
        .filter_map(|(path, node)| {
            let (folder, name, kind, folders) = placed(&path, &node)?;
            let read = match (examine(name, kind, folders), node) {
                (Verdict::Skip, _) => return None,
                (Verdict::Read, Node::File(read)) => read,
                (Verdict::Link, Node::Link { outside }) => link_refused(outside),
                (verdict, _) => verdict.refusal()?,
            };
            Some((folder, path_text(&path).into_owned(), read))
        })
        .collect();
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (folder, path, read) in found {
        loaded.push(path, LAYOUT[folder].1, read);
    }
    Ok(loaded)
}

/// Where an entry held in memory falls in the layout: its folder (an index
/// into [`LAYOUT`]), its name and type, and whether it is examined as in a
/// folder whose sub-folders are read (as the layout's folders themselves
/// are); `None` outside the layout, below a hidden folder, or below a folder
/// whose name is reported instead.
fn placed<'a>(path: &'a [u8], node: &Node) -> Option<(usize, &'a [u8], Entry, bool)> {
    let mut parts = path.split(|&b| b == b'/');
    let top = parts.next()?;
    let folder = LAYOUT.iter().position(|(f, ..)| f.as_bytes() == top)?;
    let rest: Vec<&[u8]> = parts.collect();
    let kind = match node {
        Node::File(_) => Entry::File,
        Node::Link { .. } => Entry::Link,
        Node::Folder => Entry::Folder,
    };
    let Some((&name, above)) = rest.split_last() else {
        // The folder itself: only a link there is anything to report.
        return (kind == Entry::Link).then_some((folder, top, kind, true));
    };
    let (.., recursive) = LAYOUT[folder];
    let hidden = rest.iter().any(|part| part.starts_with(b"."));
    let below_unreadable = above.iter().any(|part| std::str::from_utf8(part).is_err());
    (!hidden && !below_unreadable && (recursive || above.is_empty()))
        .then_some((folder, name, kind, recursive))
}

/// What reading one file gave.
enum Read {
    Text(String),
    NotUtf8 {
        valid_up_to: usize,
        lossy: String,
    },
    /// Not read: an `invalid-front-matter` error saying why, and what to do.
    Refused(String, Option<&'static str>),
    /// Not read: an `ignored-file` warning saying why, and what to do.
    Ignored(String, String),
}

/// The finding for a link that leads out of the repository.
const LINK_OUTSIDE: &str =
    "a symbolic link to a place outside the repository: okr reads only files inside it";
const LINK_OUTSIDE_HELP: &str = "copy the file into the repository in place of the link";

/// The finding for any other link where sources are.
const LINK_INSIDE: &str = "a symbolic link: okr follows no links here, since git keeps the link \
     and not what it leads to, so the history, `okr diff` and `okr serve` would miss its changes";
const LINK_INSIDE_HELP: &str =
    "move the file or folder it leads to here (`git mv`), in place of the link";

const FOLDER_NAMED_MARKDOWN: &str =
    "a folder named like a Markdown file: rename it, or make it a file";
const NOT_A_REGULAR_FILE: &str =
    "not a regular file (a named pipe, socket or device), so it is not read";

/// Extensions of Markdown files other than `.md`, compared ignoring case.
const MARKDOWN_LIKE: &[&str] = &["md", "markdown", "mdown", "mkd", "mkdn", "mdwn"];

/// The type of an entry of a source folder, its links not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    File,
    Folder,
    Link,
    /// A named pipe, socket or device.
    Other,
}

impl Entry {
    fn of(file_type: std::fs::FileType) -> Entry {
        if file_type.is_symlink() {
            Entry::Link
        } else if file_type.is_dir() {
            Entry::Folder
        } else if file_type.is_file() {
            Entry::File
        } else {
            Entry::Other
        }
    }
}

/// What loading does with one entry of a source folder.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Not a source: passed over in silence.
    Skip,
    /// A regular file named `*.md`: read.
    Read,
    /// A symbolic link: refused.
    Link,
    /// Named like a source but not a file okr can read: refused, saying why.
    Refused(String),
    /// Not read, with a warning: why, and what to do.
    Ignored(String, String),
}

impl Verdict {
    /// The finding for an entry not read; `None` for one that is.
    fn refusal(&self) -> Option<Read> {
        match self {
            Verdict::Skip | Verdict::Read => None,
            Verdict::Link => Some(link_refused(false)),
            Verdict::Refused(message) => Some(Read::Refused(message.clone(), None)),
            Verdict::Ignored(message, help) => Some(Read::Ignored(message.clone(), help.clone())),
        }
    }
}

/// Decides what an entry of a source folder is by its name (the last part of
/// its path) and type alone, so that files on disk and in a commit are
/// judged alike. Links are refused, not followed: followed, a link would
/// make okr read a file whose changes git, the history and the watcher never
/// see. `folders`: whether sub-folders are read (in `okrs/`), where any link
/// may lead to a folder of objectives; elsewhere only links named like
/// Markdown files matter.
fn examine(name: &[u8], entry: Entry, folders: bool) -> Verdict {
    let utf8 = std::str::from_utf8(name).is_ok();
    let extension = match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => &name[dot + 1..],
        _ => &[][..],
    };
    let markdown = extension == b"md";
    let markdown_like = !markdown
        && MARKDOWN_LIKE
            .iter()
            .any(|e| extension.eq_ignore_ascii_case(e.as_bytes()));
    let named_markdown = markdown || markdown_like;
    let not_utf8 = |what: &str| {
        Verdict::Ignored(
            format!(
                "not read: the {what} name is not valid UTF-8 (shown with each invalid byte as %XX)"
            ),
            "rename it with a name in UTF-8".to_string(),
        )
    };
    match entry {
        Entry::Link if folders || named_markdown => Verdict::Link,
        Entry::Folder if folders && !utf8 => not_utf8("folder"),
        Entry::Folder if markdown => Verdict::Refused(FOLDER_NAMED_MARKDOWN.to_string()),
        _ if entry == Entry::Folder || !named_markdown => Verdict::Skip,
        _ if !utf8 => not_utf8("file"),
        _ if markdown_like => {
            let text = String::from_utf8_lossy(name);
            let stem = &text[..text.len() - extension.len() - 1];
            let extension = String::from_utf8_lossy(extension);
            Verdict::Ignored(
                format!("not read: okr reads files ending in `.md`, not `.{extension}`"),
                format!("rename it to `{stem}.md`"),
            )
        }
        Entry::File => Verdict::Read,
        _ => Verdict::Refused(NOT_A_REGULAR_FILE.to_string()),
    }
}

/// The finding for a symbolic link where sources are.
fn link_refused(outside: bool) -> Read {
    if outside {
        Read::Refused(LINK_OUTSIDE.to_string(), Some(LINK_OUTSIDE_HELP))
    } else {
        Read::Refused(LINK_INSIDE.to_string(), Some(LINK_INSIDE_HELP))
    }
}

/// Whether `real`, a path with its links resolved, lies outside the repository at `root`.
fn is_outside(root: &Path, real: &Path) -> bool {
    std::fs::canonicalize(root).is_ok_and(|root| !real.starts_with(root))
}

/// Whether the link at `link` (a path inside a commit, relative to the OKR
/// root) holding `target` leads out of it, read without following other
/// links, as git keeps them.
fn link_leaves(link: &[u8], target: &[u8]) -> bool {
    if target.starts_with(b"/") {
        return true;
    }
    let mut depth = link.split(|&b| b == b'/').count() - 1;
    for part in target.split(|&b| b == b'/') {
        match part {
            b".." if depth == 0 => return true,
            b".." => depth -= 1,
            b"" | b"." => {}
            _ => depth += 1,
        }
    }
    false
}

fn read_folder(loaded: &mut Loaded, folder: &str, kind: FileKind, folders: bool) {
    let dir = loaded.root.join(folder);
    let found: Vec<(PathBuf, Verdict)> = match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.file_type().is_symlink() => vec![(dir, Verdict::Link)],
        Ok(meta) if meta.is_dir() => walk(&dir, if folders { usize::MAX } else { 1 }, folders),
        // No such folder, or a file by its name: nothing to read.
        _ => Vec::new(),
    };
    // Reading is most of loading: do it on all cores, keeping the walk's order.
    let root = &loaded.root;
    let read: Vec<Option<Read>> = found
        .par_iter()
        .map(|(path, verdict)| read_entry(root, path, verdict))
        .collect();
    for ((path, _), read) in found.into_iter().zip(read) {
        if let Some(read) = read {
            let path = relative(&loaded.root, &path);
            loaded.push(path, kind, read);
        }
    }
}

/// Walks a source folder, links not followed, for every entry [`examine`]
/// does not skip, in name order, folders first listed then walked into,
/// `levels` deep. Sub-folders are walked on all cores: a period's folder
/// holds a folder per team and person, each listed with system calls of its
/// own, which one core took a fifth of a check's time to make.
fn walk(dir: &Path, levels: usize, folders: bool) -> Vec<(PathBuf, Verdict)> {
    let cannot_read =
        |path: PathBuf, e: std::io::Error| (path, Verdict::Refused(format!("cannot read: {e}")));
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) => return vec![cannot_read(dir.to_path_buf(), e)],
    };
    // What could not be listed first, then the entries by name.
    let mut found = Vec::new();
    let mut entries = Vec::new();
    for entry in listing {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.push(cannot_read(dir.to_path_buf(), e));
                continue;
            }
        };
        let name = entry.file_name();
        // Hidden files and folders (editor swap files, `.git`) are not OKRs.
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        // The type as listed, a link as a link: nothing is followed.
        match entry.file_type() {
            Ok(file_type) => entries.push((name, file_type)),
            Err(e) => found.push(cannot_read(entry.path(), e)),
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Each entry, then what a folder holds; in this order on all cores.
    let each = |(name, file_type): (std::ffi::OsString, std::fs::FileType)| {
        let path = dir.join(&name);
        let verdict = examine(name.as_encoded_bytes(), Entry::of(file_type), folders);
        // An ignored folder is reported, not each file in it.
        let into = levels > 1 && file_type.is_dir() && !matches!(verdict, Verdict::Ignored(..));
        let inside = into.then(|| walk(&path, levels - 1, folders));
        let own = (verdict != Verdict::Skip).then_some((path, verdict));
        own.into_iter().chain(inside.into_iter().flatten())
    };
    found.par_extend(entries.into_par_iter().flat_map_iter(each));
    found
}

/// Reads an entry found on disk as its verdict says; `None` for one skipped.
fn read_entry(root: &Path, path: &Path, verdict: &Verdict) -> Option<Read> {
    match verdict {
        Verdict::Read => Some(match read_regular(path) {
            Ok(bytes) => match decode(bytes) {
                Ok(text) => Read::Text(text),
                Err((valid_up_to, lossy)) => Read::NotUtf8 { valid_up_to, lossy },
            },
            Err(e) => Read::Refused(format!("cannot read: {e}"), None),
        }),
        Verdict::Link => {
            let outside = std::fs::canonicalize(path).is_ok_and(|real| is_outside(root, &real));
            Some(link_refused(outside))
        }
        other => other.refusal(),
    }
}

/// The most memory a file's size reserves before it is read: larger files
/// grow the buffer as they are read, so a size that lies costs nothing.
const HINT_LIMIT: usize = 64 << 20;

/// Reads a regular file, never through a link and never waiting on a named
/// pipe: what was examined may have been replaced since.
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    let mut file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            NOT_A_REGULAR_FILE,
        ));
    }
    // Sized from the metadata just read: `File::read_to_end` would ask the
    // system for the size and the position again, two calls more per file
    // (a tenth of what reading thousands of small files costs). The size is
    // only a hint, so a file that grows meanwhile is still read whole.
    let hint = usize::try_from(metadata.len()).unwrap_or(0).min(HINT_LIMIT);
    read_sized(&mut file, hint)
}

/// Reads `file` to its end into a buffer with room for `hint` bytes and one
/// more. A regular file gives fewer bytes than asked only at its end, so once
/// it has given the bytes its size promised with room left over, it is read:
/// `read_to_end` would make one more call per file to hear nothing. A size
/// of 0 promises nothing (some systems' files say 0 and have text).
fn read_sized(file: &mut impl std::io::Read, hint: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; hint.saturating_add(1)];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            bytes.resize(bytes.len().saturating_mul(2).max(8 << 10), 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if hint > 0 && filled >= hint && filled < bytes.len() {
            break;
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

impl Loaded {
    /// Adds one file as read; one not read as text comes with its finding.
    fn push(&mut self, path: String, kind: FileKind, read: Read) {
        let id = FileId(self.files.len());
        let (text, problem) = settle(read, id);
        self.files.push(SourceFile::new(path, kind, text));
        if let Some(d) = problem {
            self.unreadable.push(id);
            self.diagnostics.push(d);
        }
    }
}

/// The text file `id` is kept with, and its finding when it was not read as text.
fn settle(read: Read, id: FileId) -> (String, Option<Diagnostic>) {
    match read {
        Read::Text(text) => (text, None),
        Read::NotUtf8 { valid_up_to, lossy } => (lossy, Some(not_utf8(id, valid_up_to))),
        Read::Refused(message, help) => {
            let mut d = Diagnostic::new(Rule::InvalidFrontMatter, id, None, message);
            d.help = help.map(String::from);
            (String::new(), Some(d))
        }
        Read::Ignored(message, help) => {
            let d = Diagnostic::new(Rule::IgnoredFile, id, None, message).with_help(help);
            (String::new(), Some(d))
        }
    }
}

/// Adds a file that is not on disk (yet) to `loaded`, where loading would have
/// put it: among its kind, in path order. Ids of the files after it move up by
/// one, in `unreadable` and in findings too. Returns the new file's id.
pub fn insert(loaded: &mut Loaded, file: SourceFile) -> FileId {
    let at = loaded
        .files
        .iter()
        .position(|f| f.kind > file.kind || (f.kind == file.kind && f.path > file.path))
        .unwrap_or(loaded.files.len());
    loaded.files.insert(at, file);
    let shift = |id: &mut FileId| {
        if id.0 >= at {
            id.0 += 1;
        }
    };
    loaded.unreadable.iter_mut().for_each(shift);
    loaded
        .diagnostics
        .iter_mut()
        .for_each(|d| shift(&mut d.file));
    FileId(at)
}

/// The finding for a file that is not UTF-8 where it stops being so.
fn not_utf8(id: FileId, valid_up_to: usize) -> Diagnostic {
    // Lossy decoding keeps the valid prefix, so the offset points at the
    // replacement character standing for the bad byte.
    let at = valid_up_to..valid_up_to + char::REPLACEMENT_CHARACTER.len_utf8();
    Diagnostic::new(
        Rule::InvalidFrontMatter,
        id,
        Some(at.into()),
        "the file is not valid UTF-8",
    )
    .with_help("save the file as UTF-8")
}

/// Reads file `id` of `loaded` again from disk, after it changed, judged as
/// loading judges it (a file replaced by a link is refused): its text, and
/// whether it is readable, are replaced; other files are left alone.
pub fn reread(loaded: &mut Loaded, id: FileId) {
    let index = id.0;
    loaded.unreadable.retain(|&u| u != id);
    loaded.diagnostics.retain(|d| d.file != id);
    let old = &loaded.files[index];
    let path = loaded.root.join(&old.path);
    let name = path.file_name().unwrap_or_default().as_encoded_bytes();
    let verdict = match std::fs::symlink_metadata(&path) {
        Ok(meta) => examine(
            name,
            Entry::of(meta.file_type()),
            old.kind == FileKind::Objective,
        ),
        Err(e) => Verdict::Refused(format!("cannot read: {e}")),
    };
    let read = read_entry(&loaded.root, &path, &verdict)
        .unwrap_or_else(|| Read::Refused("no longer a file okr reads".to_string(), None));
    let (text, problem) = settle(read, id);
    loaded.files[index] = SourceFile::new(old.path.clone(), old.kind, text);
    if let Some(d) = problem {
        let at = loaded.unreadable.partition_point(|&u| u < id);
        loaded.unreadable.insert(at, id);
        loaded.diagnostics.push(d);
    }
}

/// The text of a file without a UTF-8 byte order mark; if it is not UTF-8,
/// where it breaks and the text with bad bytes replaced, for showing it.
/// Takes the bytes by value so a valid file becomes its text without a copy.
fn decode(mut bytes: Vec<u8>) -> Result<String, (usize, String)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid_up_to = e.utf8_error().valid_up_to();
        (
            valid_up_to,
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
        )
    })
}

/// A path or name as text: unchanged when it is UTF-8; otherwise each byte
/// that is not is written `%XX`, and `%` itself `%25`, so that two such names
/// never read alike (lossy decoding would make both `�.md`).
pub fn path_text(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('%', "%25"));
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Cow::Owned(out)
}

/// `path` relative to `root`, with `/` separators, for output that is the same everywhere.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| path_text(c.as_os_str().as_encoded_bytes()).into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A regular file as the system reads it: as many bytes as asked, up to
    /// its end; counting the calls.
    struct RegularFile<'a> {
        text: &'a [u8],
        calls: usize,
    }

    impl std::io::Read for RegularFile<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            let n = buf.len().min(self.text.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    #[test]
    fn files_are_read_whole_in_one_call_when_their_size_holds() {
        let text = b"+++\ntitle = \"Grow\"\n+++\n";
        let read = |hint: usize| {
            let mut file = RegularFile { text, calls: 0 };
            let bytes = read_sized(&mut file, hint).unwrap();
            (bytes, file.calls)
        };
        assert_eq!(read(text.len()), (text.to_vec(), 1));
        // Grown since its size was read, shrunk, or a size of 0 that says nothing.
        assert_eq!(read(5).0, text);
        assert_eq!(read(text.len() + 100), (text.to_vec(), 2));
        assert_eq!(read(0), (text.to_vec(), 3));
        let mut empty = RegularFile {
            text: b"",
            calls: 0,
        };
        assert_eq!(read_sized(&mut empty, 0).unwrap(), b"");
        assert_eq!(empty.calls, 1);
    }

    #[test]
    fn decode_strips_bom_and_finds_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBF+++".to_vec()).unwrap(), "+++");
        assert_eq!(
            decode(b"ab\xFFcd".to_vec()),
            Err((2, "ab\u{FFFD}cd".to_string()))
        );
    }

    #[test]
    fn names_that_are_not_utf8_stay_apart() {
        assert_eq!(path_text(b"okrs/a%b.md"), "okrs/a%b.md");
        assert_eq!(path_text(b"caf\xE9.md"), "caf%E9.md");
        assert_eq!(path_text(b"caf\xE9%.md"), "caf%E9%25.md");
        assert_ne!(path_text(b"\xE9"), path_text(b"\xFC"));
    }

    #[test]
    fn entries_are_judged_by_name_and_type() {
        let verdict = |name: &[u8], entry| examine(name, entry, true);
        assert_eq!(verdict(b"x.md", Entry::File), Verdict::Read);
        assert_eq!(verdict(b"x.txt", Entry::File), Verdict::Skip);
        assert_eq!(verdict(b".md", Entry::File), Verdict::Skip);
        assert_eq!(verdict(b"2026-Q1", Entry::Folder), Verdict::Skip);
        assert_eq!(
            verdict(b"x.md", Entry::Other),
            Verdict::Refused(NOT_A_REGULAR_FILE.into())
        );
        assert_eq!(
            verdict(b"x.md", Entry::Folder),
            Verdict::Refused(FOLDER_NAMED_MARKDOWN.into())
        );
        // In `okrs/` any link may lead to objectives; elsewhere those named like them.
        assert_eq!(verdict(b"current", Entry::Link), Verdict::Link);
        assert_eq!(examine(b"current", Entry::Link, false), Verdict::Skip);
        assert_eq!(examine(b"x.MD", Entry::Link, false), Verdict::Link);
        assert_eq!(
            verdict(b"Plan.Markdown", Entry::File),
            Verdict::Ignored(
                "not read: okr reads files ending in `.md`, not `.Markdown`".into(),
                "rename it to `Plan.md`".into()
            )
        );
        assert!(matches!(
            verdict(b"\xFF.md", Entry::File),
            Verdict::Ignored(..)
        ));
        assert!(matches!(
            verdict(b"\xFF", Entry::Folder),
            Verdict::Ignored(..)
        ));
        assert_eq!(examine(b"\xFF", Entry::Folder, false), Verdict::Skip);
        assert_eq!(verdict(b"\xFF.png", Entry::File), Verdict::Skip);
    }

    #[test]
    fn links_in_a_commit_lead_outside_by_their_path() {
        assert!(!link_leaves(b"okrs/q1/x.md", b"../../drafts/x.md"));
        assert!(!link_leaves(b"okrs/q1/x.md", b"./y.md"));
        assert!(link_leaves(b"okrs/q1/x.md", b"../../../x.md"));
        assert!(link_leaves(b"okrs/q1/x.md", b"/etc/passwd"));
        assert!(link_leaves(b"okrs", b".."));
        assert!(!link_leaves(b"okrs", b"data/okrs"));
    }

    #[test]
    fn a_commit_is_judged_as_files_on_disk_are() {
        let stored = |path: &str, what| Stored {
            path: path.as_bytes().to_vec(),
            what,
        };
        let file = || StoredKind::File(b"+++\n+++\n".to_vec());
        let loaded = from_bytes(vec![
            stored("okrs/q1/a.md", file()),
            stored("okrs/q1/.draft.md", file()),
            stored("okrs/q1/b.MD", file()),
            stored("okrs/current", StoredKind::Link(b"q1".to_vec())),
            stored("okrs/q1", StoredKind::Folder),
            stored("teams/sub/x.md", file()),
            stored("people", StoredKind::Link(b"../elsewhere".to_vec())),
        ])
        .unwrap();
        let paths: Vec<&str> = loaded.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "okr.toml",
                "people",
                "okrs/current",
                "okrs/q1/a.md",
                "okrs/q1/b.MD"
            ]
        );
        let found: Vec<(&str, &str)> = loaded
            .diagnostics
            .iter()
            .map(|d| (loaded.files[d.file.0].path.as_str(), d.rule.name()))
            .collect();
        assert_eq!(
            found,
            [
                ("people", "invalid-front-matter"),
                ("okrs/current", "invalid-front-matter"),
                ("okrs/q1/b.MD", "ignored-file"),
            ]
        );
        assert_eq!(loaded.diagnostics[0].message, LINK_OUTSIDE);
    }

    #[test]
    fn errors_stay_on_one_line() {
        assert_eq!(
            one_line("a\nb\u{1b}[2J\u{202E}c"),
            "a\\nb\\u{1b}[2J\\u{202e}c"
        );
    }

    #[test]
    fn reread_files_keep_unreadable_sorted() {
        let root = std::env::temp_dir().join(format!("okr-reread-{}", std::process::id()));
        let folder = root.join("okrs");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(root.join(CONFIG_FILE), "").unwrap();
        for name in ["a.md", "b.md", "c.md"] {
            std::fs::write(folder.join(name), "+++\n+++\n").unwrap();
        }
        let mut loaded = load(&root).unwrap();
        for id in [3, 1] {
            std::fs::write(root.join(&loaded.files[id].path), b"\xFF").unwrap();
            reread(&mut loaded, FileId(id));
        }
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(loaded.unreadable, [FileId(1), FileId(3)]);
    }

    #[test]
    fn relative_paths_use_slashes() {
        let root = Path::new("/repo");
        assert_eq!(
            relative(root, &root.join("okrs").join("q1").join("a.md")),
            "okrs/q1/a.md"
        );
    }
}
