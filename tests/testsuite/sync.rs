//! `okr sync`: key results fed from CSV and JSON files in the repository and
//! from JSON over HTTP (a server on 127.0.0.1 run by the test), new values
//! added once, a dry run that writes nothing, one failing source that stops
//! no other, and a killed sync that leaves every file whole.

use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const OBJECTIVE: &str = "okrs/2026-Q1/company/grow.md";

const METRICS_CSV: &str = "week,wau,nps\n\
    2025-12-29,1150,31\n\
    2026-01-05,1200,32\n\
    2026-01-12,1350,\n\
    2026-01-19,1500,35\n\
    2026-02-23,1900,36\n";

const METRICS_JSON: &str = r#"{"retention": {"weekly": [
    {"date": "2026-01-05", "value": 40}, {"date": "2026-01-26", "value": 44}]},
  "churn": 2.5}"#;

/// An objective whose key results, one per `(id, source)`, each have one
/// check-in of 10 on 2026-01-05.
fn objective(sources: &[(&str, &str)]) -> String {
    let mut text =
        String::from("+++\ntitle = \"Customers use the app every week\"\nperiod = \"2026-Q1\"\n");
    for (id, source) in sources {
        text.push_str(&format!(
            "\n[[key_results]]\nid = \"{id}\"\ntitle = \"Weekly {id} from 10 to 5,000\"\n\
             start = 10\ntarget = 5000\n\n[key_results.source]\n{source}\n\n\
             [[key_results.checkins]]\ndate = 2026-01-05\nvalue = 10\n"
        ));
    }
    text.push_str("+++\nWhy it matters.\n");
    text
}

fn repository(sources: &[(&str, &str)]) -> TempDir {
    let repo = TempDir::new("sync");
    repo.write("okr.toml", "title = \"Sync OKRs\"\n");
    repo.write("data/metrics.csv", METRICS_CSV);
    repo.write("data/metrics.json", METRICS_JSON);
    repo.write(OBJECTIVE, objective(sources));
    repo
}

fn sync(repo: &Path, extra: &[&str]) -> Run {
    run(okr()
        .arg("sync")
        .arg(repo)
        .args(["--as-of", AS_OF])
        .args(extra))
}

fn read(repo: &Path, file: &str) -> String {
    std::fs::read_to_string(repo.join(file)).unwrap()
}

const FILE_SOURCES: &[(&str, &str)] = &[
    (
        "wau",
        "file = \"data/metrics.csv\"\ncolumn = \"wau\"\ndate_column = \"week\"",
    ),
    ("nps", "file = \"data/metrics.csv\"\ncolumn = \"nps\""),
    (
        "retention",
        "file = \"data/metrics.json\"\npointer = \"/retention/weekly\"",
    ),
    (
        "churn",
        "file = \"data/metrics.json\"\npointer = \"/churn\"",
    ),
];

#[test]
fn new_values_from_csv_and_json_are_added_once() {
    let repo = repository(FILE_SOURCES);
    let before = read(&repo.path, OBJECTIVE);
    let first = sync(&repo.path, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // A series adds its rows after the latest check-in, within the period and
    // up to the as-of date; a single value is checked in on the as-of date.
    assert_eq!(
        first.stdout,
        "added 2026-Q1/grow#wau = 1,350 on 2026-01-12 (data/metrics.csv, column wau)\n\
         added 2026-Q1/grow#wau = 1,500 on 2026-01-19 (data/metrics.csv, column wau)\n\
         added 2026-Q1/grow#nps = 36 on 2026-02-15 (data/metrics.csv, column nps)\n\
         added 2026-Q1/grow#retention = 44 on 2026-01-26 (data/metrics.json, pointer /retention/weekly)\n\
         added 2026-Q1/grow#churn = 2.5 on 2026-02-15 (data/metrics.json, pointer /churn)\n\
         okr sync: 5 check-ins added, 0 key results unchanged, 0 failed\n"
    );
    let after = read(&repo.path, OBJECTIVE);
    let wau_entries = "date = 2026-01-05\nvalue = 10\n\n\
         [[key_results.checkins]]\ndate = 2026-01-12\nvalue = 1350\nnote = \"from data/metrics.csv, column wau\"\n\n\
         [[key_results.checkins]]\ndate = 2026-01-19\nvalue = 1500\nnote = \"from data/metrics.csv, column wau\"\n";
    assert!(after.contains(wau_entries), "{after}");
    // Only check-ins were added: the old text is all there, in order.
    let mut rest = after.as_str();
    for line in before.lines() {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("`{line}` is gone: {after}"));
        rest = &rest[at + line.len()..];
    }
    assert_eq!(report_of(&repo.path).summary.errors, 0);

    let second = sync(&repo.path, &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(!second.stdout.contains("added 2026"), "{}", second.stdout);
    assert_eq!(
        second.stdout.matches("unchanged ").count(),
        4,
        "{}",
        second.stdout
    );
    assert_eq!(
        read(&repo.path, OBJECTIVE),
        after,
        "a second sync writes nothing"
    );
}

#[test]
fn a_dry_run_says_what_it_would_add_and_writes_nothing() {
    let repo = repository(FILE_SOURCES);
    let before = read(&repo.path, OBJECTIVE);
    let run = sync(&repo.path, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("would add 2026-Q1/grow#wau = 1,350 on 2026-01-12"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("okr sync: 5 check-ins to add, 0 key results unchanged, 0 failed\n"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&repo.path, OBJECTIVE), before);
    assert_eq!(files_below(&repo.path).len(), 4, "nothing new beside them");
}

#[test]
fn only_syncs_the_key_results_named_and_an_unknown_one_is_a_usage_error() {
    let repo = repository(FILE_SOURCES);
    let objective = sync(&repo.path, &["--only", "grow", "--dry-run"]);
    assert_eq!(
        objective.stdout.matches("would add ").count(),
        5,
        "{}",
        objective.stdout
    );
    let run = sync(&repo.path, &["--only", "grow#nps", "2026-Q1/grow#churn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("added ").count(), 2, "{}", run.stdout);
    assert!(!run.stdout.contains("grow#wau"), "{}", run.stdout);
    let before = read(&repo.path, OBJECTIVE);
    let unknown = sync(&repo.path, &["--only", "grow#nope"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("`grow#nope` names no key result with a `[key_results.source]`"),
        "{}",
        unknown.stderr
    );
    assert_eq!(read(&repo.path, OBJECTIVE), before);
}

/// Serves `replies` on 127.0.0.1, one connection each in turn, by path:
/// `(path, status line and extra headers, body)`. Returns the base URL and
/// the requests' heads as they arrive.
fn serve(
    replies: Vec<(&'static str, &'static str, String)>,
) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (heads, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..replies.len() {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let path = head.split(' ').nth(1).unwrap_or("").to_string();
            let (_, status, body) = replies
                .iter()
                .find(|(p, _, _)| *p == path)
                .expect("a reply for every path asked");
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
            let _ = heads.send(head);
        }
    });
    (base, received)
}

#[test]
fn urls_are_fetched_and_a_failing_source_stops_no_other() {
    let (base, heads) = serve(vec![
        (
            "/wau.json",
            "200 OK",
            r#"{"metrics": {"wau": 2400}}"#.to_string(),
        ),
        ("/gone.json", "404 Not Found", "gone".to_string()),
        (
            "/moved.json",
            "301 Moved Permanently\r\nLocation: http://metrics.example.com/wau.json",
            String::new(),
        ),
    ]);
    let url = |path: &str| format!("url = \"{base}{path}\"\npointer = \"/metrics/wau\"");
    let headers = "headers = { Authorization = \"Bearer ${OKR_TEST_TOKEN}\" }";
    let sources = [
        format!("{}\n{headers}", url("/wau.json")),
        format!("{}\n{headers}", url("/gone.json")),
        url("/moved.json"),
        format!(
            "{}\n{}",
            url("/wau.json"),
            "headers = { X-Api-Key = \"${OKR_TEST_UNSET}\" }"
        ),
        "file = \"data/metrics.csv\"\ncolumn = \"nps\"".to_string(),
    ];
    let ids = ["wau", "gone", "moved", "unset", "nps"];
    let named: Vec<(&str, &str)> = ids
        .iter()
        .copied()
        .zip(sources.iter().map(String::as_str))
        .collect();
    let repo = repository(&named);
    let token = "s3cret-0123456789";
    let run = run(okr()
        .arg("sync")
        .arg(&repo.path)
        .args(["--as-of", AS_OF])
        .env("OKR_TEST_TOKEN", token)
        .env_remove("OKR_TEST_UNSET"));
    assert_eq!(run.code, 1, "some sources failed: {}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "added 2026-Q1/grow#wau = 2,400 on 2026-02-15 ({base}/wau.json, pointer /metrics/wau)"
        )
    );
    assert!(
        lines[1].starts_with("failed 2026-Q1/grow#gone (")
            && lines[1].ends_with("answered 404 Not Found"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(
            "redirects (301) to http://metrics.example.com/wau.json; okr follows no redirects"
        ),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("the environment variable OKR_TEST_UNSET is not set"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("added 2026-Q1/grow#nps = 36"),
        "{}",
        lines[4]
    );
    assert_eq!(
        lines[5],
        "okr sync: 2 check-ins added, 0 key results unchanged, 3 failed"
    );
    assert!(!run.stdout.contains(token) && !run.stderr.contains(token));
    let text = read(&repo.path, OBJECTIVE);
    assert!(!text.contains(token), "the token is never written");
    assert!(text.contains("value = 2400\nnote = \"from "), "{text}");
    let first = heads.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(
        first.contains(&format!("Bearer {token}")),
        "the header is sent: {first}"
    );
}

/// A sync killed while it writes leaves every file whole: each objective as
/// it was or with its new check-in, never half of one; the next sync adds
/// the rest, and the one after that nothing.
#[cfg(unix)]
#[test]
fn a_killed_sync_leaves_every_file_whole() {
    use std::os::unix::process::ExitStatusExt;
    const OBJECTIVES: usize = 120;
    let make = |label: &str| {
        let repo = TempDir::new(label);
        repo.write("okr.toml", "title = \"Sync OKRs\"\n");
        repo.write("data/m.csv", "day,v\n2026-02-01,7\n");
        for i in 0..OBJECTIVES {
            repo.write(
                &format!("okrs/2026-Q1/company/o{i:03}.md"),
                format!(
                    "+++\ntitle = \"Objective {i}\"\nperiod = \"2026-Q1\"\n\n[[key_results]]\n\
                     title = \"Weekly users from 0 to 10\"\ntarget = 10\n\n[key_results.source]\n\
                     file = \"data/m.csv\"\ncolumn = \"v\"\n+++\n"
                ),
            );
        }
        repo
    };
    let path = |i: usize| format!("okrs/2026-Q1/company/o{i:03}.md");
    let reference = make("sync-reference");
    assert_eq!(sync(&reference.path, &[]).code, 0);
    let repo = make("sync-killed");
    let before: Vec<String> = (0..OBJECTIVES)
        .map(|i| read(&repo.path, &path(i)))
        .collect();
    let after: Vec<String> = (0..OBJECTIVES)
        .map(|i| read(&reference.path, &path(i)))
        .collect();

    let mut child = okr()
        .arg("sync")
        .arg(&repo.path)
        .args(["--as-of", AS_OF])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start okr");
    let deadline = Instant::now() + Duration::from_secs(120);
    while read(&repo.path, &path(2)) == before[2] {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("the sync ended ({status}) before it could be killed");
        }
        assert!(Instant::now() < deadline, "nothing written after 2 minutes");
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill okr"); // SIGKILL: no clean-up code runs
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "{status}");
    let mut synced = 0;
    for i in 0..OBJECTIVES {
        let text = read(&repo.path, &path(i));
        assert!(
            text == before[i] || text == after[i],
            "{} is broken: {text}",
            path(i)
        );
        synced += usize::from(text == after[i]);
    }
    assert!(synced < OBJECTIVES, "the sync ended before it was killed");

    let rest = sync(&repo.path, &[]);
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    assert_eq!(rest.stdout.matches("added ").count(), OBJECTIVES - synced);
    for (i, expected) in after.iter().enumerate() {
        assert_eq!(&read(&repo.path, &path(i)), expected);
    }
    let again = sync(&repo.path, &[]);
    assert!(!again.stdout.contains("added "), "{}", again.stdout);
}

/// The example's check-ins are what its data files say up to 2026-11-23.
#[test]
fn the_example_is_in_step_with_its_data() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let run = run(okr()
        .arg("sync")
        .arg(&example)
        .args(["--as-of", "2026-11-23", "--dry-run"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("okr sync: 0 check-ins to add, 3 key results unchanged, 0 failed\n"),
        "{}",
        run.stdout
    );
}
