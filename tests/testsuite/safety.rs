//! What `okr build` does to the file system when things go wrong or input is
//! hostile: a killed build, a full disk or a write error leave the previous
//! site whole; no id, file name, theme path or link makes a write (or a read)
//! land outside where it belongs; and the output does not depend on the
//! directory order or the place of the repository.

use crate::common::{AS_OF, Run, TempDir, copy_tree, fixture, gen_org, okr, run};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a path holds, links not followed.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
    /// A named pipe, socket or device: never opened, a pipe would block.
    Special(&'static str),
}

/// What kind of special file `meta` describes.
fn special(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "named pipe"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "device"
    } else {
        "other"
    }
}

/// Everything below `dir` by relative path, except `skip` and what is below it.
fn snapshot_except(dir: &Path, skip: Option<&Path>) -> BTreeMap<String, Entry> {
    fn walk(root: &Path, dir: &Path, skip: Option<&Path>, out: &mut BTreeMap<String, Entry>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if Some(path.as_path()) == skip {
                continue;
            }
            let rel = path.strip_prefix(root).expect("below root");
            let rel = rel.to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("read link");
                out.insert(rel, Entry::Link(target));
            } else if meta.is_dir() {
                out.insert(rel, Entry::Dir);
                walk(root, &path, skip, out);
            } else if meta.is_file() {
                out.insert(rel, Entry::File(std::fs::read(&path).expect("read")));
            } else {
                out.insert(rel, Entry::Special(special(&meta)));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, skip, &mut out);
    out
}

fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    snapshot_except(dir, None)
}

fn build_command(repo: &Path, out: &Path) -> Command {
    let mut command = okr();
    command
        .arg("build")
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(["--as-of", AS_OF]);
    command
}

fn build(repo: &Path, out: &Path) -> Run {
    run(&mut build_command(repo, out))
}

fn assert_built(run: &Run) {
    assert_eq!(run.code, 0, "the build failed: {}", run.stderr);
}

/// The staging and retired folders builds keep beside `out` while they run.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().expect("a name").to_string_lossy();
    let prefix = format!(".{name}.okr-");
    let parent = out.parent().expect("a parent");
    let mut found: Vec<String> = std::fs::read_dir(parent)
        .expect("read the parent")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    found.sort();
    found
}

/// A repository beside a folder for its site: the small one of the site tests.
fn small_repo(dir: &Path) -> PathBuf {
    let repo = dir.join("small");
    copy_tree(&fixture("site/basic"), &repo);
    repo
}

/// A generated organisation of `teams` teams of 4: per team about 16
/// objectives and 21 pages (400 KB of site).
fn big_repo(dir: &Path, teams: usize) -> PathBuf {
    let repo = dir.join("big");
    gen_org::write(&repo, &gen_org::generate(teams, 4, 1)).expect("write the organisation");
    repo
}

/// How many entries `dir` has right now (0 if it does not exist).
fn count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}

#[test]
fn a_killed_build_leaves_the_previous_site_whole_and_the_next_build_cleans_up() {
    use std::os::unix::process::ExitStatusExt;
    let dir = TempDir::new("killed");
    // Big enough that writing takes a while: 640 pages, 12 MB.
    let (small, big) = (small_repo(&dir.path), big_repo(&dir.path, 30));
    let out = dir.path.join("site");
    assert_built(&build(&small, &out));
    let before = snapshot(&out);

    let mut child = build_command(&big, &out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start okr");
    let staging = dir.path.join(format!(".site.okr-new-{}", child.id()));
    let pages = staging.join("objectives/2026-Q1");
    // Kill it while it writes: once some objective pages are in the staging folder.
    let deadline = Instant::now() + Duration::from_secs(120);
    while count(&pages) < 40 {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!(
                "the build ended ({status}) before it could be killed; make the organisation bigger"
            );
        }
        assert!(
            Instant::now() < deadline,
            "no pages written after 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("kill okr"); // SIGKILL: no clean-up code runs
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "{status}");

    assert!(staging.is_dir(), "the killed build left its staging folder");
    assert!(
        snapshot(&out) == before,
        "the previous site is not byte for byte what it was"
    );

    // The next build removes the leftover and puts its own site in place.
    assert_built(&build(&small, &out));
    assert_eq!(leftovers(&out), Vec::<String>::new());
    assert!(snapshot(&out) == before, "a rebuild gives the same site");
}

/// Builds the small repository into `out`, then runs `failing` (a build that
/// cannot finish writing) and checks that it exits 2 with a message naming the
/// file it could not write and `reason`, that the previous site is whole and
/// that nothing is left beside it.
fn assert_a_failed_write_keeps_the_site(
    small: &Path,
    out: &Path,
    failing: &mut Command,
    reason: &str,
) {
    assert_built(&build(small, out));
    let before = snapshot(out);
    let failed = run(failing);
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    // The last two lines, after any warnings the checks printed.
    let lines: Vec<&str> = failed.stderr.lines().rev().take(2).collect();
    let parent = out.parent().expect("a parent").display().to_string();
    assert!(
        lines.len() == 2
            && lines[1].starts_with(&format!("okr: cannot write {parent}/"))
            && lines[1].contains(reason),
        "{}",
        failed.stderr
    );
    assert_eq!(
        lines[0],
        format!("okr: {} was left as it was", out.display())
    );
    assert!(snapshot(out) == before, "the previous site changed");
    assert_eq!(leftovers(out), Vec::<String>::new());
}

/// A tmpfs mounted for a test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// `None` where this process may not mount (not root, or in a container without the right).
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("create the mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "okr-test"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount").arg(&self.0).status();
        if !unmounted.is_ok_and(|s| s.success()) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// `okr build` of `repo` with writes limited to 4 KB a file: a page longer
/// than that fails with EFBIG mid-write, as on a full disk (the signal the
/// kernel sends first is ignored, as a shell would pass it on).
fn size_limited_build(repo: &Path, out: &Path) -> Command {
    let mut command = Command::new("sh");
    command
        .args(["-c", "trap '' XFSZ; ulimit -f 8 && exec \"$@\"", "sh"])
        .arg(env!("CARGO_BIN_EXE_okr"))
        .arg("build")
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(["--as-of", AS_OF])
        .env_remove("SOURCE_DATE_EPOCH");
    command
}

#[test]
fn a_full_disk_leaves_the_previous_site_whole() {
    let dir = TempDir::new("disk-full");
    let (small, big) = (small_repo(&dir.path), big_repo(&dir.path, 8));
    let disk = dir.path.join("disk");
    // 1 MB holds the small site, not the big one (3 MB).
    // Declared after `dir`, so dropped (unmounted) before it is removed.
    let tmpfs = Tmpfs::mount(&disk, "1m");
    let out = disk.join("site");
    match &tmpfs {
        Some(_) => assert_a_failed_write_keeps_the_site(
            &small,
            &out,
            &mut build_command(&big, &out),
            "No space left on device",
        ),
        None => {
            eprintln!("cannot mount a tmpfs here: a file size limit stands in for the full disk");
            assert_a_write_cut_short_keeps_the_site(&small, &big, &out);
        }
    }
}

fn assert_a_write_cut_short_keeps_the_site(small: &Path, big: &Path, out: &Path) {
    let mut failing = size_limited_build(big, out);
    assert_a_failed_write_keeps_the_site(small, out, &mut failing, "File too large");
}

#[test]
fn a_write_cut_short_leaves_the_previous_site_whole() {
    let dir = TempDir::new("file-size");
    let (small, big) = (small_repo(&dir.path), big_repo(&dir.path, 8));
    assert_a_write_cut_short_keeps_the_site(&small, &big, &dir.path.join("site"));
}

#[test]
fn a_static_file_in_the_way_of_a_page_leaves_the_previous_site_whole() {
    let dir = TempDir::new("in-the-way");
    let small = small_repo(&dir.path);
    let clashing = dir.path.join("clashing");
    copy_tree(&small, &clashing);
    // `teams/` is a folder of pages; a file of that name cannot be written.
    std::fs::create_dir_all(clashing.join("static")).expect("create");
    std::fs::write(clashing.join("static/teams"), "not a folder").expect("write");
    let out = dir.path.join("site");
    assert_a_failed_write_keeps_the_site(
        &small,
        &out,
        &mut build_command(&clashing, &out),
        "/teams: Is a directory",
    );
}

/// A repository in a folder of its own, with room beside it for what must
/// stay untouched, and the site's folder.
struct Sandbox {
    dir: TempDir,
    repo: PathBuf,
    out: PathBuf,
}

impl Sandbox {
    fn new(label: &str) -> Sandbox {
        let dir = TempDir::new(label);
        let repo = dir.path.join("repo");
        copy_tree(&fixture("site/basic"), &repo);
        std::fs::create_dir_all(dir.path.join("outside")).expect("create");
        std::fs::write(dir.path.join("outside/secret.txt"), "not for the site").expect("write");
        let out = dir.path.join("site");
        Sandbox { dir, repo, out }
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.repo.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create");
        std::fs::write(path, text).expect("write");
    }

    fn link(&self, rel: &str, target: &str) {
        let path = self.repo.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create");
        std::os::unix::fs::symlink(target, path).expect("link");
    }

    fn configure(&self, extra: &str) {
        let config = std::fs::read_to_string(self.repo.join("okr.toml")).expect("read");
        std::fs::write(self.repo.join("okr.toml"), config + extra).expect("write");
    }

    /// Everything in the sandbox but the output folder.
    fn outside_the_site(&self) -> BTreeMap<String, Entry> {
        snapshot_except(&self.dir.path, Some(&self.out))
    }

    /// Builds; returns the run after checking nothing outside the output folder changed.
    fn build(&self) -> Run {
        let before = self.outside_the_site();
        let run = build(&self.repo, &self.out);
        assert!(
            self.outside_the_site() == before,
            "the build changed something outside its output folder: {:?}",
            self.outside_the_site()
                .keys()
                .filter(|k| !before.contains_key(*k))
                .collect::<Vec<_>>()
        );
        run
    }

    /// Builds, which must fail with exit 2 and a message holding every one of `words`.
    fn refused(&self, words: &[&str]) {
        let run = self.build();
        assert_eq!(run.code, 2, "{}", run.stderr);
        for word in words {
            assert!(run.stderr.contains(word), "{word:?} not in {}", run.stderr);
        }
        assert!(!self.out.exists(), "nothing was written");
    }

    fn built(&self) -> &Path {
        let run = self.build();
        assert_built(&run);
        &self.out
    }
}

/// Rules that would stop these builds earlier are turned off: the build must
/// hold even when the checks let a name through.
const LENIENT: &str = "[checks.rules]\ninvalid-id = \"off\"\nunknown-period = \"off\"\n\
                       unknown-reference = \"off\"\nunknown-owner = \"off\"\n";

fn objective(front: &str) -> String {
    format!(
        "+++\n{front}\n[[key_results]]\ntitle = \"Signups from 0 to 10\"\ntarget = 10\n\
         [[key_results]]\ntitle = \"Churn from 5 to 2\"\nstart = 5\ntarget = 2\n+++\n"
    )
}

#[test]
fn ids_cannot_lead_a_page_outside_the_output_folder() {
    for (id, file) in [
        ("../../../escaped", "okrs/2026-Q1/dots.md"),
        ("..", "okrs/2026-Q1/up.md"),
        ("a/../../../b", "okrs/2026-Q1/slash.md"),
        ("/tmp/absolute", "okrs/2026-Q1/absolute.md"),
        ("", "okrs/2026-Q1/empty.md"),
    ] {
        let sandbox = Sandbox::new("id");
        sandbox.configure(LENIENT);
        sandbox.write(
            file,
            &objective(&format!(
                "id = {id:?}\ntitle = \"Escape\"\nperiod = \"2026-Q1\"\nteam = \"sales\""
            )),
        );
        sandbox.refused(&[
            &format!("okr: {file}: the objective id `{id}` cannot be a folder name in the site"),
            "okr: nothing was written to",
        ]);
    }
}

#[test]
fn periods_and_people_named_only_in_a_team_cannot_lead_outside() {
    let sandbox = Sandbox::new("period");
    sandbox.configure(LENIENT);
    sandbox.write(
        "okrs/2026-Q1/odd-period.md",
        &objective("title = \"Escape\"\nperiod = \"../../../up\"\nteam = \"sales\""),
    );
    sandbox.refused(&["okrs/2026-Q1/odd-period.md: the period `../../../up`"]);

    let sandbox = Sandbox::new("member");
    sandbox.configure(LENIENT);
    let team = std::fs::read_to_string(sandbox.repo.join("teams/sales.md")).expect("read");
    sandbox.write(
        "teams/sales.md",
        &team.replacen("members = [", "members = [\"../../../member\", ", 1),
    );
    sandbox.refused(&["teams/sales.md: the person id `../../../member`"]);
}

#[test]
fn a_file_named_dot_dot_md_writes_nothing_outside() {
    let sandbox = Sandbox::new("dotdot-file");
    sandbox.configure(LENIENT);
    sandbox.write(
        "okrs/2026-Q1/..md",
        &objective("title = \"Escape\"\nperiod = \"2026-Q1\"\nteam = \"sales\""),
    );
    // Hidden files are not read: the build goes on without it.
    let out = sandbox.built();
    assert!(!out.join("objectives/2026-Q1/index.html").exists());
}

#[test]
fn static_links_are_copied_only_from_inside_the_repository() {
    // A link to a file or a folder inside the repository: its content is copied.
    let sandbox = Sandbox::new("static-inside");
    sandbox.write("docs/handbook.txt", "how we set OKRs");
    sandbox.link("static/handbook.txt", "../docs/handbook.txt");
    sandbox.link("static/docs", "../docs");
    let out = sandbox.built();
    for copied in ["handbook.txt", "docs/handbook.txt"] {
        let meta = std::fs::symlink_metadata(out.join(copied)).expect(copied);
        assert!(meta.is_file(), "{copied} is a plain file, not a link");
        assert_eq!(
            std::fs::read_to_string(out.join(copied)).expect("read"),
            "how we set OKRs"
        );
    }

    // A link to a file or a folder outside it: refused, nothing published.
    for (link, target) in [
        ("static/secret.txt", "../../outside/secret.txt"),
        ("static/leak", "../../outside"),
        ("static/deep/etc", "/etc"),
    ] {
        let sandbox = Sandbox::new("static-outside");
        sandbox.link(link, target);
        sandbox.refused(&[link, "leads outside the repository"]);
    }
}

#[test]
fn themes_and_templates_are_read_only_from_inside_the_repository() {
    let theme = "templates/404.html";
    let page = "{% extends \"base.html\" %}{% block content %}<p>Custom lost</p>{% endblock %}";

    let sandbox = Sandbox::new("theme-inside");
    sandbox.write(&format!("brand/{theme}"), page);
    sandbox.configure("theme = \"brand/../brand\"\n");
    let out = sandbox.built();
    assert!(
        std::fs::read_to_string(out.join("404.html"))
            .expect("read")
            .contains("Custom lost")
    );

    for path in ["../outside/brand", "/etc"] {
        let sandbox = Sandbox::new("theme-outside");
        std::fs::create_dir_all(sandbox.dir.path.join("outside/brand/templates")).expect("create");
        std::fs::write(sandbox.dir.path.join("outside/brand").join(theme), page).expect("write");
        sandbox.configure(&format!("theme = {path:?}\n"));
        sandbox.refused(&["leads outside the repository"]);
    }

    // `templates/` itself a link: followed inside the repository only.
    let sandbox = Sandbox::new("templates-inside");
    sandbox.write("shared/404.html", page);
    sandbox.link("templates", "shared");
    assert!(
        std::fs::read_to_string(sandbox.built().join("404.html"))
            .expect("read")
            .contains("Custom lost")
    );
    let sandbox = Sandbox::new("templates-outside");
    std::fs::write(sandbox.dir.path.join("outside/404.html"), page).expect("write");
    sandbox.link("templates", "../outside");
    sandbox.refused(&["templates leads outside the repository"]);
}

#[test]
fn replacing_a_site_never_follows_its_links() {
    let sandbox = Sandbox::new("old-links");
    let out = sandbox.built().to_path_buf();
    let outside = sandbox.dir.path.join("outside");
    // Links someone put into the old site, and a staging folder name taken by a link.
    std::os::unix::fs::symlink(&outside, out.join("folder-link")).expect("link");
    std::os::unix::fs::symlink(outside.join("secret.txt"), out.join("file-link")).expect("link");
    std::os::unix::fs::symlink(&outside, sandbox.dir.path.join(".site.okr-new-1")).expect("link");
    std::os::unix::fs::symlink(&outside, sandbox.dir.path.join(".site.okr-old-2")).expect("link");
    let run = build(&sandbox.repo, &out);
    assert_built(&run);
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).expect("the file outside is kept"),
        "not for the site"
    );
    assert!(!out.join("folder-link").exists() && out.join("index.html").is_file());
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

/// A special file for `--out` to meet: a named pipe, a socket, and (where
/// this process may make one, as root) a device with the numbers of
/// `/dev/null`, all in the sandbox. The listener keeps the socket open.
fn special_files(
    dir: &Path,
) -> (
    Vec<(PathBuf, &'static str)>,
    std::os::unix::net::UnixListener,
) {
    use rustix::fs::{CWD, FileType, Mode, makedev, mknodat};
    let pipe = dir.join("pipe");
    mknodat(CWD, &pipe, FileType::Fifo, Mode::from_raw_mode(0o644), 0).expect("mkfifo");
    let socket = dir.join("socket");
    let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind a socket");
    let mut files = vec![(pipe, "a named pipe"), (socket, "a socket")];
    let device = dir.join("null");
    let null = makedev(1, 3);
    match mknodat(
        CWD,
        &device,
        FileType::CharacterDevice,
        Mode::from_raw_mode(0o666),
        null,
    ) {
        Ok(()) => files.push((device, "a device")),
        Err(e) => eprintln!("no device node test: {e} (not root?)"),
    }
    (files, listener)
}

/// Whatever exists at `--out` and is not a folder is refused (exit 2, one
/// line, nothing anywhere changed), decided without following links: a link
/// to a folder, or one that leads nowhere yet, is not replaced either.
#[test]
fn an_output_path_that_is_not_a_folder_is_refused_and_left_as_it_is() {
    let sandbox = Sandbox::new("not-a-folder");
    let dir = &sandbox.dir.path;
    let (mut cases, _listener) = special_files(dir);
    std::fs::write(dir.join("file"), "a file of someone's").expect("write");
    std::os::unix::fs::symlink(dir.join("outside"), dir.join("folder-link")).expect("link");
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling")).expect("link");
    std::os::unix::fs::symlink("pipe", dir.join("pipe-link")).expect("link");
    cases.extend([
        (dir.join("file"), "a file"),
        (dir.join("folder-link"), "a symbolic link"),
        (dir.join("dangling"), "a symbolic link"),
        (dir.join("pipe-link"), "a symbolic link"),
    ]);
    for (out, what) in &cases {
        let before = snapshot(dir);
        for force in [false, true] {
            let mut command = build_command(&sandbox.repo, out);
            if force {
                command.arg("--force");
            }
            let run = run(&mut command);
            assert_eq!(run.code, 2, "{}: {}", out.display(), run.stderr);
            assert!(
                run.stderr.contains(&format!("it is {what}, not a folder")),
                "{}: {}",
                out.display(),
                run.stderr
            );
            assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
            assert!(snapshot(dir) == before, "{} was changed", out.display());
        }
    }
    // The same path with a slash at the end is still the link, not where it leads.
    let slashed = PathBuf::from(format!("{}/", dir.join("folder-link").display()));
    let run = build(&sandbox.repo, &slashed);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(dir.join("outside/secret.txt").is_file());
}

/// A folder that holds the home folder is never replaced, even with
/// `--force`: the home folder is found from `HOME` after links and `..`.
#[test]
fn a_folder_containing_the_home_folder_is_refused_even_with_force() {
    let sandbox = Sandbox::new("home-inside");
    let home = sandbox.out.join("home/someone");
    std::fs::create_dir_all(&home).expect("create");
    std::fs::write(home.join("notes.txt"), "my notes").expect("write");
    let dir = &sandbox.dir.path;
    std::os::unix::fs::symlink(&home, dir.join("home-link")).expect("link");
    let homes = [
        home.clone(),
        dir.join("home-link"),
        sandbox.out.join("home/../home/someone/"),
    ];
    let before = snapshot(dir);
    for home in &homes {
        for (out, reason) in [
            (&sandbox.out, "it contains the home folder"),
            (&sandbox.out.join("home"), "it contains the home folder"),
            (&sandbox.out.join("home/someone"), "it is the home folder"),
        ] {
            let run = run(build_command(&sandbox.repo, out)
                .arg("--force")
                .env("HOME", home));
            assert_eq!(run.code, 2, "HOME={}: {}", home.display(), run.stderr);
            assert!(run.stderr.contains(reason), "{}", run.stderr);
            assert!(
                snapshot(dir) == before,
                "HOME={} was touched",
                home.display()
            );
        }
    }
    // A folder beside the home folder is fine.
    let run = run(build_command(&sandbox.repo, &sandbox.out.join("www"))
        .arg("--force")
        .env("HOME", &home));
    assert_built(&run);
}

/// Copies every file of `from` into `to` in the order `order` gives the sorted list.
fn copy_in_order(from: &Path, to: &Path, order: impl Fn(&mut Vec<PathBuf>)) {
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut all = Vec::new();
    files(from, &mut all);
    all.sort();
    order(&mut all);
    for path in all {
        let target = to.join(path.strip_prefix(from).expect("below"));
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("create");
        std::fs::copy(&path, &target).expect("copy");
    }
}

/// A folder on a RAM disk where there is one: tmpfs lists a folder's entries
/// newest first, so files created in another order are also read in another
/// order (most disk file systems list by a hash of the name instead).
fn ram_dir(label: &str) -> TempDir {
    let shm = Path::new("/dev/shm");
    if !shm.is_dir() {
        return TempDir::new(label);
    }
    let path = shm.join(format!("okr-test-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).expect("create");
    TempDir { path }
}

#[test]
fn output_is_the_same_bytes_whatever_the_order_and_place_of_the_files() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let forward = ram_dir("forward");
    let reversed = ram_dir("reversed");
    let shuffled = TempDir::new("shuffled");
    copy_in_order(&example, &forward.path, |_| {});
    copy_in_order(&example, &reversed.path, |files| files.reverse());
    // A fixed shuffle: every third file first, then the rest backwards.
    copy_in_order(&example, &shuffled.path, |files| {
        let (mut a, mut b): (Vec<_>, Vec<_>) =
            files.drain(..).enumerate().partition(|(i, _)| i % 3 == 0);
        b.reverse();
        a.append(&mut b);
        files.extend(a.into_iter().map(|(_, f)| f));
    });

    let sites: Vec<(PathBuf, BTreeMap<String, Entry>)> = [
        forward.path.join("site-1"),
        forward.path.join("site-2"),
        reversed.path.join("public"),
        shuffled.path.join("elsewhere/out"),
    ]
    .into_iter()
    .map(|out| {
        let repo = out
            .ancestors()
            .nth(if out.ends_with("elsewhere/out") { 2 } else { 1 });
        assert_built(&build(repo.expect("a repository"), &out));
        let files = snapshot(&out);
        (out, files)
    })
    .collect();
    let (first, files) = &sites[0];
    assert!(files.len() > 40, "only {} files", files.len());
    for (other, other_files) in &sites[1..] {
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            other_files.keys().collect::<Vec<_>>()
        );
        for (name, entry) in files {
            assert!(
                other_files.get(name) == Some(entry),
                "{name} differs between {} and {}",
                first.display(),
                other.display()
            );
        }
    }

    // Nothing of the machine the site was built on: no path of the
    // repositories, the output folders or the temporary folder.
    let mut places: Vec<String> = [&forward.path, &reversed.path, &shuffled.path]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    places.push(std::env::temp_dir().display().to_string());
    places.push(env!("CARGO_MANIFEST_DIR").to_string());
    places.retain(|p| p.len() > 1);
    for (name, entry) in files {
        if let Entry::File(bytes) = entry {
            let text = String::from_utf8_lossy(bytes);
            for place in &places {
                assert!(!text.contains(place.as_str()), "{name} contains {place}");
            }
        }
    }
}

#[test]
fn links_in_the_okr_folders_are_not_read_outside_the_repository() {
    let sandbox = Sandbox::new("okr-links");
    let outside = sandbox.dir.path.join("outside");
    std::fs::write(
        outside.join("private.md"),
        "+++\ntitle = \"PRIVATE-TITLE\"\nperiod = \"2026-Q1\"\nteam = \"PRIVATE-TEAM\"\n+++\n",
    )
    .expect("write");
    std::fs::create_dir_all(outside.join("folder")).expect("create");
    std::fs::write(outside.join("folder/x.md"), "PRIVATE-FOLDER").expect("write");
    // Where there is one: the environment of the process reading the link.
    let environ = Path::new("/proc/self/environ").exists();
    if environ {
        sandbox.link("okrs/environment.md", "/proc/self/environ");
    }
    sandbox.link(
        "okrs/2026-Q1/private.md",
        &outside.join("private.md").display().to_string(),
    );
    sandbox.link("okrs/2026-Q1/folder", "../../../outside/folder");
    // Links that stay inside are refused too, but not as leading outside.
    sandbox.write(
        "drafts/inside.md",
        &objective("title = \"Inside\"\nperiod = \"2026-Q1\""),
    );
    sandbox.link("okrs/2026-Q1/inside.md", "../../drafts/inside.md");

    let checked = run(okr()
        .arg("check")
        .arg(&sandbox.repo)
        .args(["--as-of", AS_OF, "--format", "json"])
        .env("OKR_TEST_SECRET", "PRIVATE-ENVIRONMENT"));
    assert!(
        !format!("{}{}", checked.stdout, checked.stderr).contains("PRIVATE"),
        "{}",
        checked.stdout
    );
    let report = crate::common::parse_report(checked.code, &checked.stdout);
    let refused: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("outside the repository"))
        .map(|d| d.file.as_str())
        .collect();
    let mut expected = vec!["okrs/2026-Q1/folder", "okrs/2026-Q1/private.md"];
    if environ {
        expected.push("okrs/environment.md");
    }
    assert_eq!(refused, expected);
    assert_eq!(
        report.summary.objectives, 4,
        "the linked one inside is not read either"
    );
}
