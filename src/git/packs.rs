//! Reading many blobs at once, in the order git's pack files store them.
//!
//! A pack stores most objects as deltas of another, in chains. A server's
//! packs (so a clone's) chain the versions of a repository's files ~10
//! deep and across files, with the newest versions as the bases of older
//! ones; the newest are the working tree's, which the history never reads
//! from git. Asked for one object at a time, gix inflates its whole chain
//! each time: its caches keep the objects asked for, not the bases on the
//! way. Here the blobs wanted and every base they are stored as deltas of
//! are decoded once each, bases first, each from the base decoded before
//! it (as `git index-pack` resolves a pack), and a base is let go once the
//! last delta of it that is needed is decoded.

use super::repo::{Repo, in_parallel};
use gix::odb::pack::{
    self,
    cache::DecodeEntry,
    data::decode::entry::{Outcome, ResolvedBase},
    data::entry::Header,
};
use rayon::prelude::*;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Calls `read(i, blob)` for each blob `ids[i]`, on all cores, and returns
/// what it returned in the order of `ids`; `blob` is `None` when git lacks
/// it or cannot read it. Blobs outside the packs (loose, or in another
/// repository's objects) and any a pack cannot decode here are read as
/// gix reads them.
pub(super) fn read_blobs<R: Send>(
    repo: &Repo,
    ids: &[gix::ObjectId],
    read: impl Fn(usize, Option<&[u8]>) -> R + Sync,
) -> Vec<R> {
    if ids.is_empty() {
        return Vec::new();
    }
    let bundles = bundles(repo);
    let mut wanted: Vec<HashMap<u64, Vec<usize>>> = vec![HashMap::new(); bundles.len()];
    let mut elsewhere = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let place = (bundles.iter().enumerate()).find_map(|(b, bundle)| {
            let entry = bundle.index.lookup(id)?;
            Some((b, bundle.index.pack_offset_at_index(entry)))
        });
        match place {
            Some((b, offset)) => wanted[b].entry(offset).or_default().push(i),
            None => elsewhere.push(i),
        }
    }
    let families: Vec<(usize, Family)> = (bundles.iter().zip(&wanted).enumerate())
        .flat_map(|(b, (bundle, wanted))| families(&bundle.pack, wanted).map(move |f| (b, f)))
        .collect();
    let decoded: Vec<(usize, Option<R>)> = families
        .par_iter()
        .map_init(gix::zlib::Inflate::default, |inflate, (b, family)| {
            decode(&bundles[*b], family, &wanted[*b], inflate, &read)
        })
        .flatten_iter()
        .collect();
    let mut done: Vec<(usize, R)> = Vec::with_capacity(ids.len());
    for (i, result) in decoded {
        match result {
            Some(result) => done.push((i, result)),
            None => elsewhere.push(i),
        }
    }
    // Gix opens a handle per core: only when something is left to it.
    if !elsewhere.is_empty() {
        elsewhere.sort_unstable();
        let shared = repo.repo.clone().into_sync();
        let rest = in_parallel(
            &shared,
            &repo.prefix,
            0,
            &elsewhere,
            |local, &i| match local.repo.find_blob(ids[i]) {
                Ok(blob) => read(i, Some(&blob.data)),
                Err(_) => read(i, None),
            },
        );
        done.extend(elsewhere.into_iter().zip(rest));
    }
    // Each index is in exactly one place: a family's wanted objects or
    // `elsewhere`.
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// The repository's packs, each with its index. A pack that cannot be
/// opened is left to gix's own reading.
fn bundles(repo: &Repo) -> Vec<pack::Bundle> {
    let dir = repo.repo.objects.store_ref().path().join("pack");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = (entries.flatten())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
        .collect();
    paths.sort();
    let kind = repo.repo.object_hash();
    (paths.iter())
        .filter_map(|path| pack::Bundle::at(path, kind).ok())
        .collect()
}

/// Objects of one pack that share a root (an object stored whole, or as a
/// delta of one named by id): those wanted and the bases they need, in the
/// order the pack stores them, which puts every base before its deltas.
#[derive(Default)]
struct Family {
    /// Where each entry starts.
    offsets: Vec<u64>,
    /// How many of `offsets` are stored as deltas of each, by where its
    /// data starts (past the entry's header), as gix's decoder names them.
    deltas: HashMap<u64, u32>,
}

/// The families of the objects at the offsets `wanted` in `pack`: each
/// object's chain is followed down to its root, or to an object another
/// chain reached already, so the whole costs the number of objects needed.
fn families(
    pack: &pack::data::File,
    wanted: &HashMap<u64, Vec<usize>>,
) -> impl Iterator<Item = Family> {
    // Each entry's base, and where its data starts.
    let mut entries: HashMap<u64, (Option<u64>, u64)> = HashMap::new();
    for &start in wanted.keys() {
        let mut at = start;
        while let Entry::Vacant(slot) = entries.entry(at) {
            let Ok(entry) = pack.entry(at) else {
                slot.insert((None, at));
                break;
            };
            // A delta's base lies before it: the chain cannot loop.
            let base = match entry.header {
                Header::OfsDelta { base_distance } => entry.checked_base_pack_offset(base_distance),
                _ => None,
            };
            slot.insert((base, entry.data_offset));
            match base {
                Some(base) => at = base,
                None => break,
            }
        }
    }
    let mut offsets: Vec<u64> = entries.keys().copied().collect();
    offsets.sort_unstable();
    let mut root_of: HashMap<u64, u64> = HashMap::with_capacity(offsets.len());
    let mut families: BTreeMap<u64, Family> = BTreeMap::new();
    for at in offsets {
        let base = entries.get(&at).and_then(|(base, _)| *base);
        // The base comes first in `offsets`, so its root is known.
        let root = match base {
            Some(base) => root_of.get(&base).copied().unwrap_or(base),
            None => at,
        };
        root_of.insert(at, root);
        let family = families.entry(root).or_default();
        family.offsets.push(at);
        if let Some(&(_, data)) = base.and_then(|base| entries.get(&base)) {
            *family.deltas.entry(data).or_default() += 1;
        }
    }
    families.into_values()
}

/// Decodes a family and calls `read` for each wanted object of it:
/// `(i, None)` for those it could not decode as a blob.
fn decode<R>(
    bundle: &pack::Bundle,
    family: &Family,
    wanted: &HashMap<u64, Vec<usize>>,
    inflate: &mut gix::zlib::Inflate,
    read: &impl Fn(usize, Option<&[u8]>) -> R,
) -> Vec<(usize, Option<R>)> {
    let mut done = Vec::new();
    decode_in_order(bundle, family, inflate, |at, decoded| {
        let blob = decoded.filter(|(outcome, _)| outcome.kind == gix::objs::Kind::Blob);
        for &i in wanted.get(&at).into_iter().flatten() {
            done.push((i, blob.map(|(_, data)| read(i, Some(data)))));
        }
    });
    done
}

/// Decodes the objects of a family in the pack's order, each from its base
/// decoded before it, and calls `each` with where the object starts and
/// what it decoded to (`None`: it could not be decoded).
fn decode_in_order(
    bundle: &pack::Bundle,
    family: &Family,
    inflate: &mut gix::zlib::Inflate,
    mut each: impl FnMut(u64, Option<(&Outcome, &[u8])>),
) {
    let pack = &bundle.pack;
    // A delta of an object named by id (only in packs made without
    // offsets): its base is looked up in the same pack.
    let resolve =
        |id: &gix::hash::oid, _: &mut Vec<u8>| -> gix::error::Result<Option<ResolvedBase>> {
            let found = (bundle.index.lookup(id))
                .and_then(|entry| pack.entry(bundle.index.pack_offset_at_index(entry)).ok());
            Ok(found.map(ResolvedBase::InPack))
        };
    let mut bases = Bases {
        waiting: family.deltas.clone(),
        kept: HashMap::new(),
    };
    let mut out = Vec::new();
    for &at in &family.offsets {
        let decoded = pack.entry(at).ok().and_then(|entry| {
            let data = entry.data_offset;
            let outcome = pack
                .decode_entry(entry, &mut out, inflate, &resolve, &mut bases)
                .ok()?;
            bases.put(pack.id, data, &out, outcome.kind, outcome.compressed_size);
            Some(outcome)
        });
        each(
            at,
            decoded.as_ref().map(|outcome| (outcome, out.as_slice())),
        );
    }
}

/// The decoded bases a family still needs: each kept from its decoding
/// until the last of its deltas in the family is decoded. gix's decoder
/// asks for each object of a chain in turn, from the one wanted down, and
/// stops at the first it gets.
struct Bases {
    waiting: HashMap<u64, u32>,
    kept: HashMap<u64, (Vec<u8>, gix::objs::Kind, usize)>,
}

impl DecodeEntry for Bases {
    fn put(
        &mut self,
        _: u32,
        offset: u64,
        data: &[u8],
        kind: gix::objs::Kind,
        compressed_size: usize,
    ) {
        if self.waiting.get(&offset).is_some_and(|&n| n > 0) {
            (self.kept.entry(offset)).or_insert_with(|| (data.to_vec(), kind, compressed_size));
        }
    }

    fn get(&mut self, _: u32, offset: u64, out: &mut Vec<u8>) -> Option<(gix::objs::Kind, usize)> {
        let (data, kind, compressed_size) = self.kept.get(&offset)?;
        let (kind, compressed_size) = (*kind, *compressed_size);
        let waiting = self.waiting.entry(offset).or_default();
        *waiting = waiting.saturating_sub(1);
        if *waiting == 0 {
            // The last delta of it: hand over its bytes rather than copy them.
            *out = self.kept.remove(&offset)?.0;
        } else {
            out.clear();
            out.extend_from_slice(data);
        }
        Some((kind, compressed_size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    /// Runs git in `dir` with a fixed identity and no configuration of the
    /// machine's.
    fn git(dir: &Path, args: &[&str]) -> String {
        let identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];
        let output = Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .args(identity)
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// Five files much alike in 30 versions each, stored by `git
    /// fast-import` (each blob a delta of the one before it, in chains up to
    /// 50 deep, across files), then one commit more whose blobs stay loose.
    fn repository(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("okr-packs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("okrs")).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        let shared: String = (0..80)
            .map(|k| format!("line {k} that every file has\n"))
            .collect();
        let text = |version: usize, file: usize| {
            let checkins: String = (0..=version)
                .map(|k| format!("check-in {k}: {}\n", k * 13 + file))
                .collect();
            format!("value = {}\n{shared}{checkins}", version * 7 + file)
        };
        let data = |text: &str| format!("data {}\n{text}\n", text.len());
        let mut stream = String::new();
        for version in 0..30 {
            stream.push_str("commit refs/heads/main\n");
            stream.push_str(&format!(
                "committer Test <test@example.com> {} +0000\n",
                1_700_000_000 + version
            ));
            stream.push_str(&data(&format!("version {version}")));
            for file in 0..5 {
                stream.push_str(&format!("M 100644 inline okrs/f{file}.md\n"));
                stream.push_str(&data(&text(version, file)));
            }
        }
        let mut import = Command::new("git")
            .current_dir(&dir)
            .env_remove("GIT_DIR")
            .args(["fast-import", "--quiet"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        import
            .stdin
            .take()
            .unwrap()
            .write_all(stream.as_bytes())
            .unwrap();
        assert!(import.wait().unwrap().success());
        git(&dir, &["reset", "-q", "--hard", "main"]);
        for file in 0..5 {
            std::fs::write(dir.join(format!("okrs/f{file}.md")), text(30, file)).unwrap();
        }
        git(&dir, &["commit", "-qam", "version 30"]);
        dir
    }

    /// Every blob of the repository, with its bytes as git prints them.
    fn blobs(dir: &Path) -> Vec<(gix::ObjectId, Vec<u8>)> {
        let objects = git(dir, &["rev-list", "--objects", "--all"]);
        let mut blobs = Vec::new();
        for id in objects.lines().filter_map(|line| line.split(' ').next()) {
            if git(dir, &["cat-file", "-t", id]).trim() == "blob" {
                let bytes = Command::new("git")
                    .current_dir(dir)
                    .args(["cat-file", "blob", id])
                    .output()
                    .unwrap()
                    .stdout;
                blobs.push((gix::ObjectId::from_hex(id.as_bytes()).unwrap(), bytes));
            }
        }
        blobs
    }

    #[test]
    fn every_blob_reads_as_git_prints_it_in_the_order_asked() {
        let dir = repository("read");
        let repo = Repo::open(&dir).unwrap();
        let mut wanted = blobs(&dir);
        assert!(wanted.len() > 150, "{} blobs", wanted.len());
        wanted.reverse();
        // One id git lacks.
        wanted.insert(
            7,
            (gix::ObjectId::from_hex(&[b'e'; 40]).unwrap(), Vec::new()),
        );
        let ids: Vec<gix::ObjectId> = wanted.iter().map(|(id, _)| *id).collect();
        let read = read_blobs(&repo, &ids, |i, blob| (i, blob.map(<[u8]>::to_vec)));
        assert_eq!(read.len(), wanted.len());
        for (n, ((i, blob), (id, bytes))) in read.into_iter().zip(&wanted).enumerate() {
            assert_eq!(i, n);
            match blob {
                Some(blob) => assert_eq!(&blob, bytes, "{id}"),
                None => assert_eq!(n, 7, "{id} was not read"),
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn each_object_is_decoded_from_the_base_decoded_before_it() {
        let dir = repository("order");
        let repo = Repo::open(&dir).unwrap();
        let bundles = bundles(&repo);
        assert_eq!(bundles.len(), 1);
        let bundle = &bundles[0];
        let mut wanted: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, (id, _)) in blobs(&dir).iter().enumerate() {
            if let Some(entry) = bundle.index.lookup(id) {
                wanted
                    .entry(bundle.index.pack_offset_at_index(entry))
                    .or_default()
                    .push(i);
            }
        }
        let mut inflate = gix::zlib::Inflate::default();
        let (mut decoded, mut deltas) = (0usize, 0u32);
        for family in families(&bundle.pack, &wanted) {
            assert!(family.offsets.is_sorted());
            decode_in_order(bundle, &family, &mut inflate, |at, outcome| {
                let (outcome, _) = outcome.unwrap_or_else(|| panic!("{at} not decoded"));
                // A delta read its base from the bases kept: one delta
                // applied, never its chain.
                assert!(
                    outcome.num_deltas <= 1,
                    "{at}: {} deltas",
                    outcome.num_deltas
                );
                decoded += 1;
                deltas += outcome.num_deltas;
            });
        }
        assert!(decoded >= wanted.len());
        let deltas = deltas as usize;
        // The repository is stored mostly as deltas, or this tests nothing.
        assert!(deltas * 2 > decoded, "{deltas} deltas in {decoded} objects");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
