//! Which Markdown blobs differ between two trees, reading only where the
//! trees differ.
//!
//! Two versions of a large folder (a period holding thousands of team
//! folders) differ in an entry or a few, and git writes a tree's entries
//! sorted, so the runs of entries between the differences are the same
//! bytes in both. Those are compared as bytes, and only the entries that
//! differ are read and paired, where walking both trees entry by entry cost
//! most of reading a long history.

use super::repo::{BlobChange, HistoryError, Repo, git};
use std::cmp::Ordering;
use std::collections::HashMap;

/// One entry of a tree object: `<octal mode> <name>\0<id>`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    id: &'a [u8],
}

const TYPE_BITS: u32 = 0o170000;

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode & TYPE_BITS == 0o040000
    }

    /// A file, executable or not (not a link, not a submodule).
    fn is_blob(&self) -> bool {
        self.mode & TYPE_BITS == 0o100000
    }

    fn object_id(&self) -> Option<gix::ObjectId> {
        gix::ObjectId::try_from(self.id).ok()
    }
}

fn malformed() -> HistoryError {
    HistoryError::Git("a tree object is malformed".into())
}

/// Where the entry starting at `at` ends.
fn entry_end(data: &[u8], at: usize, id_len: usize) -> Result<usize, HistoryError> {
    let rest = data.get(at..).ok_or_else(malformed)?;
    let nul = memchr::memchr(0, rest).ok_or_else(malformed)?;
    let end = at + nul + 1 + id_len;
    if end > data.len() {
        return Err(malformed());
    }
    Ok(end)
}

/// The entry starting at `at`, and where it ends.
fn entry_at(data: &[u8], at: usize, id_len: usize) -> Result<(Entry<'_>, usize), HistoryError> {
    let end = entry_end(data, at, id_len)?;
    let head = &data[at..end - id_len - 1];
    let space = memchr::memchr(b' ', head).ok_or_else(malformed)?;
    let mut mode = 0u32;
    for &digit in &head[..space] {
        if !(b'0'..=b'7').contains(&digit) || mode > u32::MAX >> 3 {
            return Err(malformed());
        }
        mode = (mode << 3) | u32::from(digit - b'0');
    }
    let entry = Entry {
        mode,
        name: &head[space + 1..],
        id: &data[end - id_len..end],
    };
    Ok((entry, end))
}

/// How many bytes `a` and `b` share from the start: by blocks first (a
/// comparison of a block is one call the library does with vector
/// instructions), then the block where they differ word by word.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 1024;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i + 8 <= n && word(a, i) == word(b, i) {
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many bytes `a` and `b` share at the end.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 1024;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    while i + 8 <= n && word(a, n - i - 8) == word(b, n - i - 8) {
        i += 8;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

/// The eight bytes of `data` at `at`, as one number to compare.
fn word(data: &[u8], at: usize) -> u64 {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(&data[at..at + 8]);
    u64::from_ne_bytes(bytes)
}

/// The entries of `a` and of `b` that are not the same in both, in the
/// trees' order, paired by name (`None`: the name is on one side only). Runs of entries both share are skipped as bytes:
/// where the two differ next is found by comparing blocks, and the entries
/// before it are only stepped over, not read; reading stops where what is
/// left of both is the same bytes from an entry on. A commit that changes
/// files in three team folders of a period thus reads six entries of the
/// period's tree, not the thousands between them.
fn differing<'a, 'b>(
    a: &'a [u8],
    b: &'b [u8],
    id_len: usize,
) -> Result<Vec<Differing<'a, 'b>>, HistoryError> {
    let (n, m) = (a.len(), b.len());
    let tail = common_suffix(a, b);
    let (mut x, mut y) = (0, 0);
    let mut found = Vec::new();
    // Both rests the same bytes, from an entry on: nothing more differs.
    let done = |x: usize, y: usize| n - x == m - y && n - x <= tail;
    while !done(x, y) {
        // Step over the entries both share from here: the same bytes from
        // an entry's start on are the same entries.
        let mut same = common_prefix(&a[x..], &b[y..]);
        while x < n && !done(x, y) {
            let len = entry_end(a, x, id_len)? - x;
            if len > same {
                break;
            }
            (x, y, same) = (x + len, y + len, same - len);
        }
        if done(x, y) {
            break;
        }
        // An entry that differs: one side's alone, or the two paired by name.
        let read_a = || entry_at(a, x, id_len);
        let read_b = || entry_at(b, y, id_len);
        match (x < n, y < m) {
            (true, false) => {
                let (entry, end) = read_a()?;
                found.push((Some(entry), None));
                x = end;
            }
            (false, true) => {
                let (entry, end) = read_b()?;
                found.push((None, Some(entry)));
                y = end;
            }
            _ => {
                let ((ea, end_a), (eb, end_b)) = (read_a()?, read_b()?);
                match tree_order(&ea, &eb) {
                    Ordering::Less => {
                        found.push((Some(ea), None));
                        x = end_a;
                    }
                    Ordering::Greater => {
                        found.push((None, Some(eb)));
                        y = end_b;
                    }
                    Ordering::Equal => {
                        found.push((Some(ea), Some(eb)));
                        (x, y) = (end_a, end_b);
                    }
                }
            }
        }
    }
    Ok(found)
}

/// An entry that differs between two trees: the old and the new one of a
/// name, or one of them alone.
type Differing<'a, 'b> = (Option<Entry<'a>>, Option<Entry<'b>>);

/// Git's order of a tree's entries: by name, a folder's name as if it ended
/// in `/`.
fn tree_order(x: &Entry, y: &Entry) -> Ordering {
    let common = x.name.len().min(y.name.len());
    x.name[..common].cmp(&y.name[..common]).then_with(|| {
        let next = |e: &Entry| e.name.get(common).copied().or(e.is_tree().then_some(b'/'));
        next(x).cmp(&next(y))
    })
}

/// The trees one diff of two commits read, kept for the next diff: diffs of
/// consecutive commits share a side (the newer side of one is the older of
/// the next, or the other way round when commits are diffed newest first).
/// A tree of a large folder is tens of kilobytes, and reading one from
/// git's caches copies it.
#[derive(Default)]
pub(super) struct Trees {
    /// The trees of the last diff (a commit may add thousands).
    last: HashMap<gix::ObjectId, Vec<u8>>,
    /// The trees of this one.
    this: HashMap<gix::ObjectId, Vec<u8>>,
    /// Buffers to read trees into.
    spare: Vec<Vec<u8>>,
}

/// Buffers kept to read trees into: a diff reads a few trees on each side,
/// and a commit that added thousands of folders leaves as many behind.
const SPARE: usize = 16;

impl Repo {
    /// The Markdown blobs that differ between two trees (`None`: empty), as
    /// `(path below the trees, old blob, new blob)`, in the trees' order.
    /// Cheapest called for consecutive commits, in either order.
    pub(super) fn changed_blobs(
        &self,
        old: Option<gix::ObjectId>,
        new: Option<gix::ObjectId>,
    ) -> Result<Vec<BlobChange>, HistoryError> {
        let mut out = Vec::new();
        let found = self.diff_trees(old, new, &mut Vec::new(), &mut out);
        let mut trees = self.trees.borrow_mut();
        let Trees { last, this, spare } = &mut *trees;
        spare.extend(last.drain().map(|(_, buffer)| buffer));
        spare.truncate(SPARE);
        std::mem::swap(last, this);
        found.map(|()| out)
    }

    /// The tree `id` (`None`: empty), from the last diff or from git.
    fn tree_data(&self, id: Option<gix::ObjectId>) -> Result<Vec<u8>, HistoryError> {
        use gix::objs::Find;
        let mut trees = self.trees.borrow_mut();
        if let Some(kept) = id.and_then(|id| trees.last.remove(&id)) {
            return Ok(kept);
        }
        let mut buffer = trees.spare.pop().unwrap_or_default();
        drop(trees);
        buffer.clear();
        let Some(id) = id else {
            return Ok(buffer);
        };
        let found = self.repo.objects.try_find(&id, &mut buffer).map_err(git)?;
        let Some((kind, len)) = found.map(|data| (data.kind, data.data.len())) else {
            return Err(HistoryError::Git(format!("the repository lacks tree {id}")));
        };
        if kind != gix::objs::Kind::Tree {
            return Err(malformed());
        }
        buffer.truncate(len);
        Ok(buffer)
    }

    fn diff_trees(
        &self,
        old: Option<gix::ObjectId>,
        new: Option<gix::ObjectId>,
        path: &mut Vec<u8>,
        out: &mut Vec<BlobChange>,
    ) -> Result<(), HistoryError> {
        if old == new {
            return Ok(());
        }
        let (a, b) = (self.tree_data(old)?, self.tree_data(new)?);
        let found = self.diff_entries(&a, &b, path, out);
        let mut trees = self.trees.borrow_mut();
        let Trees { this, spare, .. } = &mut *trees;
        for (id, data) in [(old, a), (new, b)] {
            match id {
                Some(id) => spare.extend(this.insert(id, data)),
                None => spare.push(data),
            }
        }
        found
    }

    /// Pairs the entries of two tree objects that differ and records what
    /// changed at each name.
    fn diff_entries(
        &self,
        a: &[u8],
        b: &[u8],
        path: &mut Vec<u8>,
        out: &mut Vec<BlobChange>,
    ) -> Result<(), HistoryError> {
        for (old, new) in differing(a, b, self.repo.object_hash().len_in_bytes())? {
            self.entry_changed(old.as_ref(), new.as_ref(), path, out)?;
        }
        Ok(())
    }

    /// Records what changed at one name: a folder's files, or a file.
    fn entry_changed(
        &self,
        old: Option<&Entry>,
        new: Option<&Entry>,
        path: &mut Vec<u8>,
        out: &mut Vec<BlobChange>,
    ) -> Result<(), HistoryError> {
        if old.is_some() && old == new {
            return Ok(());
        }
        let Some(name) = old.or(new).map(|e| e.name) else {
            return Ok(());
        };
        let id = |e: Option<&Entry>, tree: bool| {
            let wanted = |e: &&Entry| if tree { e.is_tree() } else { e.is_blob() };
            e.filter(wanted).and_then(Entry::object_id)
        };
        let len = path.len();
        path.extend_from_slice(name);
        let (old_tree, new_tree) = (id(old, true), id(new, true));
        if old_tree.is_some() || new_tree.is_some() {
            path.push(b'/');
            let found = self.diff_trees(old_tree, new_tree, path, out);
            path.truncate(len);
            return found;
        }
        let (old_blob, new_blob) = (id(old, false), id(new, false));
        if (old_blob.is_some() || new_blob.is_some())
            && path.ends_with(b".md")
            && let Ok(text) = std::str::from_utf8(path)
        {
            out.push((text.to_string(), old_blob, new_blob));
        }
        path.truncate(len);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree object of `(mode, name, id byte)` entries, sorted as git sorts.
    fn tree(entries: &[(&str, &str, u8)]) -> Vec<u8> {
        let mut sorted: Vec<(&str, &str, u8)> = entries.to_vec();
        let key = |(mode, name, _): &(&str, &str, u8)| {
            let mut k = name.as_bytes().to_vec();
            if *mode == "40000" {
                k.push(b'/');
            }
            k
        };
        sorted.sort_by_key(key);
        let mut out = Vec::new();
        for (mode, name, id) in sorted {
            out.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            out.extend_from_slice(&[id; 20]);
        }
        out
    }

    /// The old entries and the new ones of pairs, each side in its order.
    fn sides<'a, 'b>(found: Vec<Differing<'a, 'b>>) -> (Vec<Entry<'a>>, Vec<Entry<'b>>) {
        let old = found.iter().filter_map(|(old, _)| *old).collect();
        let new = found.iter().filter_map(|(_, new)| *new).collect();
        (old, new)
    }

    fn names(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| format!("{}:{}", String::from_utf8_lossy(e.name), e.id[0]))
            .collect()
    }

    /// What an entry-by-entry comparison of all of both trees finds.
    fn naive(a: &[u8], b: &[u8]) -> (Vec<String>, Vec<String>) {
        let all = |data: &[u8]| {
            let mut out = Vec::new();
            let mut at = 0;
            while at < data.len() {
                let (e, end) = entry_at(data, at, 20).unwrap();
                out.push(format!("{}:{}", String::from_utf8_lossy(e.name), e.id[0]));
                at = end;
            }
            out
        };
        let (a, b) = (all(a), all(b));
        let old = a.iter().filter(|e| !b.contains(e)).cloned().collect();
        let new = b.iter().filter(|e| !a.contains(e)).cloned().collect();
        (old, new)
    }

    #[test]
    fn only_the_entries_that_differ_are_read() {
        let before: Vec<(&str, String, u8)> = (0..300)
            .map(|n| ("40000", format!("team-{n:04}"), (n % 200) as u8))
            .collect();
        let entries = |v: &[(&str, String, u8)]| -> Vec<u8> {
            let refs: Vec<(&str, &str, u8)> =
                v.iter().map(|(m, n, i)| (*m, n.as_str(), *i)).collect();
            tree(&refs)
        };
        let a = entries(&before);
        let mut changed = before.clone();
        changed[150].2 = 250;
        changed.push(("100644", "readme.md".into(), 7));
        changed.remove(10);
        let b = entries(&changed);
        let (old, new) = sides(differing(&a, &b, 20).unwrap());
        // Only the entries that differ are read, though the differences are
        // far apart: the runs between them are stepped over.
        assert_eq!(names(&old), ["team-0010:10", "team-0150:150"]);
        assert_eq!(names(&new), ["readme.md:7", "team-0150:250"]);
        assert_eq!((names(&old), names(&new)), naive(&a, &b));
        // One change in the middle: only it.
        let mut one = before.clone();
        one[150].2 = 250;
        let one = entries(&one);
        let (old, new) = sides(differing(&a, &one, 20).unwrap());
        assert_eq!(names(&old), ["team-0150:150"]);
        assert_eq!(names(&new), ["team-0150:250"]);
        // Nothing in common, and one side empty.
        let (old, new) = sides(differing(&a, &[], 20).unwrap());
        assert_eq!((old.len(), new.len()), (300, 0));
        let (old, new) = sides(differing(&[], &b, 20).unwrap());
        assert_eq!((old.len(), new.len()), (0, 300));
    }

    #[test]
    fn differing_finds_what_a_whole_comparison_finds() {
        // Pseudo-random trees from a fixed seed: shared runs, changed ids,
        // entries added and removed anywhere, names that prefix each other.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..500 {
            let count = (next() % 40) as usize;
            let pool: Vec<(String, &str)> = (0..count)
                .map(|n| {
                    let name = match next() % 3 {
                        0 => format!("a{n}"),
                        1 => format!("a{n}.md"),
                        _ => format!("a{}", n / 2),
                    };
                    (name, if next() % 4 == 0 { "40000" } else { "100644" })
                })
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            let base: Vec<(&str, &str, u8)> = pool
                .iter()
                .filter(|(name, _)| seen.insert(name.clone()) && seen.len() < 64)
                .map(|(name, mode)| (*mode, name.as_str(), (next() % 3) as u8))
                .collect();
            let mut other: Vec<(&str, &str, u8)> = Vec::new();
            for &(m, n, id) in &base {
                match next() % 8 {
                    0 => {}
                    1 | 2 => other.push((m, n, id + 1)),
                    _ => other.push((m, n, id)),
                }
            }
            let (base, other) = (tree(&base), tree(&other));
            // Entries dropped one way are entries added the other.
            for (a, b) in [(&base, &other), (&other, &base)] {
                let (old, new) = sides(differing(a, b, 20).unwrap());
                assert_eq!((names(&old), names(&new)), naive(a, b));
            }
        }
    }

    #[test]
    fn shared_starts_and_ends_are_measured_across_blocks_and_words() {
        for len in [0usize, 1, 7, 8, 9, 1023, 1024, 1025, 3000] {
            let a: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for at in [0, len / 3, len.saturating_sub(1)]
                .into_iter()
                .filter(|&at| at < len)
            {
                let mut b = a.clone();
                b[at] ^= 0xff;
                assert_eq!(common_prefix(&a, &b), at, "len {len}, at {at}");
                assert_eq!(common_suffix(&a, &b), len - at - 1, "len {len}, at {at}");
            }
            assert_eq!(common_prefix(&a, &a), len);
            assert_eq!(common_suffix(&a, &a), len);
            let longer = [a.as_slice(), b"xyz"].concat();
            assert_eq!(common_prefix(&a, &longer), len);
            assert_eq!(common_suffix(&a[1.min(len)..], &a), len - 1.min(len));
        }
    }

    #[test]
    fn malformed_trees_are_errors_not_panics() {
        let good = tree(&[("100644", "a.md", 1), ("100644", "b.md", 2)]);
        for cut in 0..good.len() {
            let _ = differing(&good[..cut], &good, 20);
            let _ = differing(&good, &good[..cut], 20);
        }
        assert!(entry_at(b"1x0644 a.md\0", 0, 0).is_err());
        assert!(entry_at(b"99999999999999 a.md\0", 0, 0).is_err());
    }

    #[test]
    fn folders_sort_as_if_their_name_ended_in_a_slash() {
        let e = |mode: u32, name: &'static str| Entry {
            mode,
            name: name.as_bytes(),
            id: &[],
        };
        assert_eq!(
            tree_order(&e(0o40000, "a"), &e(0o100644, "a.md")),
            Ordering::Greater
        );
        assert_eq!(
            tree_order(&e(0o100644, "a"), &e(0o100644, "a.md")),
            Ordering::Less
        );
        assert_eq!(
            tree_order(&e(0o40000, "a"), &e(0o100644, "a0")),
            Ordering::Less
        );
    }
}
