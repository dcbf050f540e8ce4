//! Changing the files of a repository without disturbing them: front matter
//! is edited with `toml_edit` (comments, key order and formatting kept), the
//! result is checked to be the old text with something inserted, and files
//! are replaced atomically or created only where nothing exists yet, under a
//! [`WriteLock`] on the repository and through temporary files no one can
//! plant a link for.

use crate::read::frontmatter;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use toml_edit::DocumentMut;

/// A Markdown file cut around its TOML front matter.
pub struct FrontMatter<'a> {
    /// Everything before the TOML: a byte order mark and the opening fence.
    pub before: &'a str,
    pub toml: &'a str,
    /// The closing fence and the Markdown body.
    pub after: &'a str,
}

impl<'a> FrontMatter<'a> {
    /// `None` when the file has no front matter between `+++` lines.
    pub fn split(text: &'a str) -> Option<FrontMatter<'a>> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let split = frontmatter::split(&text[bom..]).ok()?;
        let start = bom + split.toml_offset;
        let end = start + split.toml.len();
        Some(FrontMatter {
            before: &text[..start],
            toml: split.toml,
            after: &text[end..],
        })
    }

    pub fn parse(&self) -> Option<DocumentMut> {
        self.toml.parse::<DocumentMut>().ok()
    }

    /// The whole file with `toml` in place of the front matter.
    pub fn with_toml(&self, toml: &str) -> String {
        let mut out = String::with_capacity(self.before.len() + toml.len() + self.after.len());
        out.push_str(self.before);
        out.push_str(toml);
        out.push_str(self.after);
        out
    }
}

/// A number as a person would write it in TOML: whole numbers without a
/// decimal point.
pub fn toml_number(value: f64) -> toml_edit::Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        toml_edit::Value::from(value as i64)
    } else {
        toml_edit::Value::from(value)
    }
}

/// Where `new` is `old` with one piece of text inserted: that piece's place
/// in `old` and the piece. `None` when anything else changed. When repeated
/// text makes several places possible, whole lines are preferred, then the
/// first place.
pub fn insertion<'n>(old: &str, new: &'n str) -> Option<(usize, &'n str)> {
    let added = new.len().checked_sub(old.len())?;
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let prefix = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_bytes
        .iter()
        .rev()
        .zip(new_bytes.iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(old.len());
    // Every place between these explains the change.
    let mut places =
        (old.len() - suffix..=prefix).filter_map(|p| Some((p, new.get(p..p + added)?)));
    let whole_lines = |&(p, piece): &(usize, &str)| {
        (p == 0 || new_bytes[p - 1] == b'\n') && piece.ends_with('\n')
    };
    let first = places.clone().next();
    places.find(whole_lines).or(first)
}

/// `text` with `\r\n` line breaks as `\n`, and a map from offsets in the
/// result back to offsets in `text`: `toml_edit` writes `\n` only.
pub fn unix_lines(text: &str) -> (String, impl Fn(usize) -> usize + '_) {
    let unix = text.replace("\r\n", "\n");
    let original = move |offset: usize| {
        // Each `\r\n` before the offset is one byte longer in `text`.
        let mut seen = 0;
        let mut at = 0;
        for (i, b) in text.bytes().enumerate() {
            if seen == offset {
                return i;
            }
            if !(b == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n')) {
                seen += 1;
            }
            at = i + 1;
        }
        at
    };
    (unix, original)
}

/// `piece` with its line breaks written as `\r\n` when `old` uses them, so an
/// insertion into a Windows file matches the lines around it.
pub fn match_line_breaks(old: &str, piece: &str) -> String {
    if !old.contains("\r\n") {
        return piece.to_string();
    }
    let mut out = String::with_capacity(piece.len() + 16);
    let mut previous = '\0';
    for c in piece.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
    out
}

/// A hold on a repository for one command that changes it (`okr checkin`,
/// `okr rollover`, `okr new`), from reading the repository to its last
/// write, so that two such commands never both write what they read before
/// the other wrote: every check-in that reports success is in the file.
/// Files are written only through it.
///
/// It is an advisory lock (`flock`) on the repository's folder itself, not
/// on each file: what a command checks before it writes (the latest
/// check-in, the ids that exist, the files a rollover would create) is read
/// from the whole repository. And locking the folder creates no file, so
/// there is nothing to ignore in git, nothing the loader could take for an
/// objective, and no name a repository could plant a link at.
pub struct WriteLock {
    root: PathBuf,
    /// The open folder that holds the lock; `None` where the system or the
    /// file system has no locks (then commands run as they come).
    held: Option<std::fs::File>,
}

impl WriteLock {
    /// Waits until no other okr command changes the repository at `root`,
    /// then holds it until dropped. A folder that cannot be opened is left
    /// for loading the repository to report.
    pub fn acquire(root: &Path) -> WriteLock {
        WriteLock {
            root: root.to_path_buf(),
            held: lock_folder(root),
        }
    }

    /// Replaces `path` with `bytes` by writing a file beside it and renaming
    /// it over, so a crash leaves the old file or the new one, never half of
    /// one. A link is followed (the file it leads to is replaced, the link
    /// stays) as long as it leads inside the repository.
    pub fn replace(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let path = self.inside(&std::fs::canonicalize(path)?)?;
        let mut temp = self.temp_beside(&path)?;
        temp.write(bytes)?;
        if let Ok(meta) = std::fs::metadata(&path) {
            temp.file.set_permissions(meta.permissions())?;
        }
        temp.finish(Durable::Yes, |from| std::fs::rename(from, &path))
    }

    /// Writes a new file, creating its folder; fails (`AlreadyExists`) if
    /// anything exists at `path`, so nothing is ever overwritten, even by a
    /// file that appeared meanwhile. The file appears whole or not at all.
    pub fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(io::ErrorKind::InvalidInput.into());
        };
        // Folders on the way may be links: they must not lead outside.
        self.inside(&crate::site::output::resolve(dir))?;
        std::fs::create_dir_all(dir)?;
        let path = self.inside(&std::fs::canonicalize(dir)?)?.join(name);
        let mut temp = self.temp_beside(&path)?;
        temp.write(bytes)?;
        temp.finish(Durable::Yes, |from| rename_new(from, &path))
    }

    /// Writes `path` whole, creating or replacing it: the file appears
    /// whole or not at all (for files okr keeps for itself, like caches).
    /// It is not flushed to disk first: after a crash of the system it may
    /// be empty or cut short, which costs only the time to make it again
    /// (a cache reads such a file as damaged), while every build that keeps
    /// a cache of tens of megabytes would wait for the disk.
    pub fn put(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.put_with(path, |out| out.write_all(bytes))
    }

    /// [`WriteLock::put`] with what `write` writes, through a buffer.
    pub fn put_with(
        &self,
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(io::ErrorKind::InvalidInput.into());
        };
        let path = self.inside(&std::fs::canonicalize(dir)?)?.join(name);
        let mut temp = self.temp_beside(&path)?;
        let mut out = io::BufWriter::new(&mut temp.file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        temp.finish(Durable::No, |from| std::fs::rename(from, &path))
    }

    /// `path` if it is inside the repository (both resolved), else an error.
    fn inside(&self, path: &Path) -> io::Result<PathBuf> {
        let root = std::fs::canonicalize(&self.root)?;
        if crate::site::output::resolve(path).starts_with(&root) {
            Ok(path.to_path_buf())
        } else {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "it leads outside the repository",
            ))
        }
    }

    /// A new temporary file beside `path`, after removing those killed
    /// commands left in its folder. Only while the lock is held can no
    /// live command's file be among them.
    fn temp_beside(&self, path: &Path) -> io::Result<TempFile> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(io::ErrorKind::InvalidInput.into());
        };
        if self.held.is_some() {
            remove_leftovers(dir);
        }
        TempFile::create(dir, &name.to_string_lossy())
    }
}

/// An exclusive lock on the folder `root`, waited for.
#[cfg(unix)]
fn lock_folder(root: &Path) -> Option<std::fs::File> {
    use rustix::fs::{FlockOperation, flock};
    let folder = std::fs::File::open(root).ok()?;
    loop {
        match flock(&folder, FlockOperation::LockExclusive) {
            Ok(()) => return Some(folder),
            Err(rustix::io::Errno::INTR) => continue,
            // A file system without locks (some network ones).
            Err(_) => return None,
        }
    }
}

#[cfg(not(unix))]
fn lock_folder(_: &Path) -> Option<std::fs::File> {
    None
}

/// Whether a file is on disk before it takes its name, so that a crash of
/// the system leaves the old file or the new one: what authors wrote must
/// be; what okr keeps for itself need not (see [`WriteLock::put`]).
#[derive(Clone, Copy)]
enum Durable {
    Yes,
    No,
}

/// What marks a temporary file's name: `.<name>.okr-tmp-<16 hex digits>`.
const TEMP: &str = ".okr-tmp-";

/// A file being written beside the one it becomes; removed if dropped
/// before [`TempFile::finish`].
struct TempFile {
    file: std::fs::File,
    path: Option<PathBuf>,
}

impl TempFile {
    /// Creates `.<name>.okr-tmp-<random>` in `dir` where nothing exists
    /// (no link followed), under a name no one can guess: a repository
    /// cannot have a link waiting there.
    fn create(dir: &Path, name: &str) -> io::Result<TempFile> {
        let mut collisions = 0;
        loop {
            let path = dir.join(format!(".{name}{TEMP}{:016x}", random()));
            match create_exclusive(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        file,
                        path: Some(path),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && collisions < 8 => {
                    collisions += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    /// Moves the file into place with `put`, flushed to disk first if it is
    /// to be [`Durable`].
    fn finish(
        mut self,
        durable: Durable,
        put: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        if let Durable::Yes = durable {
            self.file.sync_all()?;
        }
        let path = self.path.take().ok_or(io::ErrorKind::NotFound)?;
        let put = put(&path);
        if put.is_err() {
            let _ = std::fs::remove_file(&path);
        }
        put
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Opens a new file for writing: fails if anything exists at `path`, a
/// link included (`O_EXCL`; `O_NOFOLLOW` says so twice).
fn create_exclusive(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)
}

/// 64 bits no one can guess: std's hasher is keyed from the system's random
/// source, and the process, time and a counter make each call differ.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// Whether `name` is one [`TempFile::create`] makes.
fn is_temp_name(name: &str) -> bool {
    let Some((before, random)) = name.rsplit_once(TEMP) else {
        return false;
    };
    before.len() > 1
        && before.starts_with('.')
        && random.len() == 16
        && random
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Removes the temporary files in `dir` that commands killed while writing
/// left behind. A link is removed, never followed; folders are left alone.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let ours = entry.file_name().to_str().is_some_and(is_temp_name);
        if ours && entry.file_type().is_ok_and(|t| !t.is_dir()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Renames `from` to `to` unless something exists at `to` (`AlreadyExists`).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        // An old kernel, or a file system without it.
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::NOTSUP =>
        {
            link_new(from, to)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    link_new(from, to)
}

/// [`rename_new`] by a hard link, which fails where something exists.
fn link_new(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::hard_link(from, to)?;
    std::fs::remove_file(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insertion_is_found_where_it_was_made() {
        assert_eq!(insertion("ab\ncd\n", "ab\nXY\ncd\n"), Some((3, "XY\n")));
        assert_eq!(insertion("abc", "abc!"), Some((3, "!")));
        assert_eq!(insertion("abc", "abc"), Some((0, "")));
        // Repeated text: the first place that explains the change.
        assert_eq!(insertion("aa", "aaa"), Some((0, "a")));
        assert_eq!(insertion("x\n[a]\n", "x\n[b]\n[a]\n"), Some((2, "[b]\n")));
        // Anything else changed: not an insertion.
        assert_eq!(insertion("abc", "xbc!"), None);
        assert_eq!(insertion("abc", "ab"), None);
        assert_eq!(insertion("a = 1\n", "a = 2\nb = 3\n"), None);
        assert_eq!(insertion("éé", "ééé"), Some((0, "é")));
    }

    #[test]
    fn offsets_map_back_across_windows_line_breaks() {
        let text = "a\r\nbc\r\n\r\nd";
        let (unix, original) = unix_lines(text);
        assert_eq!(unix, "a\nbc\n\nd");
        for (offset, expected) in [(0, 0), (1, 1), (2, 3), (5, 7), (6, 9), (7, 10)] {
            assert_eq!(original(offset), expected, "{offset}");
        }
    }

    #[test]
    fn inserted_lines_follow_the_file_s_line_breaks() {
        assert_eq!(match_line_breaks("a\r\nb\r\n", "x\ny\r\n"), "x\r\ny\r\n");
        assert_eq!(match_line_breaks("a\nb\n", "x\ny\n"), "x\ny\n");
    }

    #[test]
    fn front_matter_keeps_the_byte_order_mark_and_the_body() {
        let text = "\u{feff}+++\ntitle = \"x\"\n+++\nBody\n";
        let fm = FrontMatter::split(text).unwrap();
        assert_eq!(fm.before, "\u{feff}+++\n");
        assert_eq!(fm.toml, "title = \"x\"\n");
        assert_eq!(fm.after, "+++\nBody\n");
        assert_eq!(fm.with_toml(fm.toml), text);
        assert!(FrontMatter::split("no fences").is_none());
    }

    #[test]
    fn temporary_names_are_recognised_and_differ() {
        assert!(is_temp_name(".x.md.okr-tmp-0123456789abcdef"));
        assert!(!is_temp_name(".x.md.okr-tmp-0123456789ABCDEF"));
        assert!(!is_temp_name(".x.md.okr-tmp-0123456789abcde"));
        assert!(!is_temp_name("x.md.okr-tmp-0123456789abcdef"));
        assert!(!is_temp_name(".okr-tmp-0123456789abcdef"));
        assert!(!is_temp_name(".x.md.okr-1234"));
        let names: std::collections::BTreeSet<u64> = (0..1000).map(|_| random()).collect();
        assert_eq!(names.len(), 1000);
    }
}
