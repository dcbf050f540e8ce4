//! Finds and reads the repository's files: `okr.toml`, `teams/*.md`,
//! `people/*.md` and `okrs/**/*.md`.

use crate::config::{self, CONFIG_FILE};
use crate::diagnostic::{Diagnostic, Rule};
use crate::model::Config;
use crate::source::{FileId, FileKind, SourceFile};
use rayon::prelude::*;
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
    Unreadable(PathBuf, std::io::Error),
    /// `okr.toml` has mistakes; the file is kept to show them.
    InvalidConfig(Box<SourceFile>, Vec<Diagnostic>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(dir) => write!(f, "{} does not exist", dir.display()),
            LoadError::NotADirectory(dir) => write!(f, "{} is not a directory", dir.display()),
            LoadError::NoConfig(dir) => write!(
                f,
                "no {CONFIG_FILE} in {}: run okr in the root of an OKR repository, or pass its folder",
                dir.display()
            ),
            LoadError::NoRepository(dir) => write!(
                f,
                "no {CONFIG_FILE} in {} or any folder above it: run okr inside an OKR repository, name its folder with -C DIR, or start one with okr init",
                dir.display()
            ),
            LoadError::Unreadable(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            LoadError::InvalidConfig(file, diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    match &d.span {
                        Some(span) => {
                            let at = file.line_col(span.start);
                            write!(f, "{}:{}:{}: {}", file.path, at.line, at.column, d.message)?;
                        }
                        None => write!(f, "{}: {}", file.path, d.message)?,
                    }
                    if let Some(help) = &d.help {
                        write!(f, " ({help})")?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// The files of a repository, read but not yet parsed.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    /// `okr.toml` first, then teams, people and objectives, each sorted by path.
    pub files: Vec<SourceFile>,
    /// Files that could not be read as text; their diagnostics are in `diagnostics`.
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
    if !config_path.is_file() {
        return Err(LoadError::NoConfig(root.to_path_buf()));
    }
    let bytes =
        std::fs::read(&config_path).map_err(|e| LoadError::Unreadable(config_path.clone(), e))?;
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
        let dir = root.join(folder);
        if dir.is_dir() {
            read_folder(&mut loaded, &dir, kind, recursive);
        }
    }
    Ok(loaded)
}

/// Builds a repository from `(path, text)` pairs instead of the disk, for tests
/// and fuzzing. Paths follow the same layout; others are ignored.
pub fn from_memory(files: &[(&str, &str)]) -> Result<Loaded, LoadError> {
    let files = files
        .iter()
        .map(|(path, text)| (path.to_string(), Read::Text(text.to_string())))
        .collect();
    assemble(files)
}

/// Builds a repository from `(path, bytes)` pairs, e.g. the files of a git
/// commit: decoded as files on disk are (BOM removed, invalid UTF-8 reported),
/// laid out as [`from_memory`] does. A missing `okr.toml` counts as an empty one.
pub fn from_bytes(files: Vec<(String, Vec<u8>)>) -> Result<Loaded, LoadError> {
    let files = files
        .into_iter()
        .map(|(path, bytes)| {
            let read = match decode(bytes) {
                Ok(text) => Read::Text(text),
                Err((valid_up_to, lossy)) => Read::NotUtf8 { valid_up_to, lossy },
            };
            (path, read)
        })
        .collect();
    assemble(files)
}

fn assemble(mut files: Vec<(String, Read)>) -> Result<Loaded, LoadError> {
    let config_text = match files.iter().position(|(p, _)| p == CONFIG_FILE) {
        Some(i) => match files.swap_remove(i).1 {
            Read::Text(text) => text,
            _ => {
                return Err(LoadError::Unreadable(
                    PathBuf::from(CONFIG_FILE),
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
                ));
            }
        },
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
    let place = |path: &str| {
        LAYOUT.iter().position(|&(folder, _, recursive)| {
            path.strip_prefix(folder)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|rest| rest.ends_with(".md") && (recursive || !rest.contains('/')))
        })
    };
    let mut files: Vec<(usize, String, Read)> = files
        .into_iter()
        .filter_map(|(path, read)| Some((place(&path)?, path, read)))
        .collect();
    files.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (folder, path, read) in files {
        loaded.push(path, LAYOUT[folder].1, read);
    }
    Ok(loaded)
}

/// What reading one file gave.
enum Read {
    Text(String),
    NotUtf8 { valid_up_to: usize, lossy: String },
    Failed(String),
}

/// The finding for a link that leads out of the repository.
const LINK_OUTSIDE: &str =
    "a symbolic link to a place outside the repository: okr reads only files inside it";

fn read_folder(loaded: &mut Loaded, dir: &Path, kind: FileKind, recursive: bool) {
    // Links are followed only where they stay inside the repository: one
    // leading out could make a report show any file of the machine, such as a
    // CI runner's environment in /proc/self/environ.
    let root = std::fs::canonicalize(&loaded.root).ok();
    let outside = |path: &Path| match (&root, std::fs::canonicalize(path)) {
        (Some(root), Ok(real)) => !real.starts_with(root),
        _ => false,
    };
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .max_depth(if recursive { usize::MAX } else { 1 })
        .sort_by_file_name()
        .into_iter()
        // Hidden files and folders (editor swap files, `.git`) are not OKRs.
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut found = Vec::new();
    while let Some(entry) = walker.next() {
        match entry {
            Ok(entry) => {
                let is_markdown = entry.path().extension().is_some_and(|ext| ext == "md");
                let is_dir = entry.file_type().is_dir();
                if (entry.depth() == 0 || entry.path_is_symlink())
                    && (is_dir || is_markdown)
                    && outside(entry.path())
                {
                    if is_dir {
                        walker.skip_current_dir();
                    }
                    found.push((entry.into_path(), Some(LINK_OUTSIDE.to_string())));
                    continue;
                }
                let kind = entry.file_type();
                // Something named like an objective that is not a file would
                // otherwise vanish without a word; a named pipe would never end.
                let not_a_file = if kind.is_file() {
                    None
                } else if kind.is_dir() {
                    Some("a folder named like a Markdown file: rename it, or make it a file")
                } else {
                    Some("not a regular file (a named pipe, socket or device), so it is not read")
                };
                if is_markdown && entry.depth() > 0 {
                    found.push((entry.into_path(), not_a_file.map(String::from)));
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let message = match e.loop_ancestor() {
                    Some(_) => "a symbolic link loops back to a folder above it".to_string(),
                    None => format!(
                        "cannot read: {}",
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string())
                    ),
                };
                found.push((path, Some(message)));
            }
        }
    }
    // Reading is most of loading: do it on all cores, keeping the walk's order.
    let read: Vec<Read> = found
        .par_iter()
        .map(|(path, walk_error)| match walk_error {
            Some(message) => Read::Failed(message.clone()),
            None => match std::fs::read(path) {
                Ok(bytes) => match decode(bytes) {
                    Ok(text) => Read::Text(text),
                    Err((valid_up_to, lossy)) => Read::NotUtf8 { valid_up_to, lossy },
                },
                Err(e) => Read::Failed(format!("cannot read: {e}")),
            },
        })
        .collect();
    for ((path, _), read) in found.into_iter().zip(read) {
        let path = relative(&loaded.root, &path);
        loaded.push(path, kind, read);
    }
}

impl Loaded {
    /// Adds one file as read; one that is not text becomes a finding.
    fn push(&mut self, path: String, kind: FileKind, read: Read) {
        match read {
            Read::Text(text) => self.files.push(SourceFile::new(path, kind, text)),
            Read::NotUtf8 { valid_up_to, lossy } => {
                self.files.push(SourceFile::new(path, kind, lossy));
                let id = FileId(self.files.len() - 1);
                self.unreadable.push(id);
                self.diagnostics.push(not_utf8(id, valid_up_to));
            }
            Read::Failed(message) => push_unreadable(self, path, kind, message),
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
        Some(at),
        "the file is not valid UTF-8",
    )
    .with_help("save the file as UTF-8")
}

/// Reads file `id` of `loaded` again from disk, after it changed: its text,
/// and whether it is readable, are replaced; other files are left alone.
pub fn reread(loaded: &mut Loaded, id: FileId) {
    let index = id.0;
    let path = loaded.root.join(&loaded.files[index].path);
    loaded.unreadable.retain(|&u| u != id);
    loaded.diagnostics.retain(|d| d.file != id);
    let (text, problem) = match std::fs::read(&path) {
        Ok(bytes) => match decode(bytes) {
            Ok(text) => (text, None),
            Err((valid_up_to, lossy)) => (lossy, Some(not_utf8(id, valid_up_to))),
        },
        Err(e) => {
            let d = Diagnostic::new(
                Rule::InvalidFrontMatter,
                id,
                None,
                format!("cannot read: {e}"),
            );
            (String::new(), Some(d))
        }
    };
    let old = &loaded.files[index];
    loaded.files[index] = SourceFile::new(old.path.clone(), old.kind, text);
    if let Some(d) = problem {
        loaded.unreadable.push(id);
        loaded.diagnostics.push(d);
    }
}

fn push_unreadable(loaded: &mut Loaded, path: String, kind: FileKind, message: String) {
    loaded
        .files
        .push(SourceFile::new(path, kind, String::new()));
    let id = FileId(loaded.files.len() - 1);
    loaded.unreadable.push(id);
    loaded
        .diagnostics
        .push(Diagnostic::new(Rule::InvalidFrontMatter, id, None, message));
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

/// `path` relative to `root`, with `/` separators, for output that is the same everywhere.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_finds_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBF+++".to_vec()).unwrap(), "+++");
        assert_eq!(
            decode(b"ab\xFFcd".to_vec()),
            Err((2, "ab\u{FFFD}cd".to_string()))
        );
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
