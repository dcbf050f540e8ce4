//! `okr serve`: answers on a free port of 127.0.0.1, shows a change to a file
//! within a bounded wait, shows errors in the browser and recovers, tells open
//! pages to reload, refuses paths outside the site and writes nothing.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any one thing may take before the test fails: generous, since
/// tests run in parallel on small machines.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `okr serve`, stopped when dropped.
struct Server {
    child: Child,
    address: String,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(repo: &Path) -> Server {
        let mut child = okr()
            .arg("serve")
            .arg(repo)
            .args(["--port", "0", "--as-of", AS_OF])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("okr serve starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let mut server = Server {
            child,
            address: String::new(),
            stderr,
        };
        let url = rx
            .recv_timeout(PATIENCE)
            .expect("okr serve prints its address");
        server.address = url
            .trim()
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not an address: {url:?}"))
            .to_string();
        assert!(server.address.starts_with("127.0.0.1:"), "{url}");
        server
    }

    /// `(status, body)` of a GET of `path`, sent exactly as written.
    fn get(&self, path: &str) -> (u16, String) {
        let (status, response) = self.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        ));
        let body = response
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_string());
        (status, body)
    }

    /// `(status, whole response)` of a request sent exactly as written.
    fn send(&self, request: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("a response");
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {text:?}"));
        (status, text)
    }

    /// The port the server listens on.
    fn port(&self) -> &str {
        self.address.rsplit(':').next().unwrap()
    }

    /// Waits until `path` answers with `status` and a body containing `text`.
    fn wait_for(&self, path: &str, status: u16, text: &str) -> String {
        let started = Instant::now();
        loop {
            let (got, body) = self.get(path);
            if got == status && body.contains(text) {
                return body;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{path} did not answer {status} with {text:?}; last {got}:\n{body}\nstderr:\n{}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Every file below `dir` with its contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_below(dir)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

const OBJECTIVE: &str = "okrs/2026-Q1/product/effortless-first-week.md";
const PAGE: &str = "/objectives/2026-Q1/effortless-first-week/";

#[test]
fn serves_rebuilds_and_recovers_from_a_broken_file() {
    let repo = initialised("serve");
    let server = Server::start(&repo.path);
    let index = server.wait_for("/", 200, "Win the loyalty of our first customers");
    assert!(
        index.contains("EventSource(\"/__okr/events\")"),
        "reload script"
    );
    server.wait_for("/assets/style.css", 200, "");
    server.wait_for("/okrs.json", 200, "\"generated_at\":\"2026-02-15\"");
    let before = snapshot(&repo.path);

    // An edit shows up.
    let path = repo.path.join(OBJECTIVE);
    let original = std::fs::read_to_string(&path).unwrap();
    let edited = original.replace(
        "Make the first week with our product effortless",
        "Make the first week with our product a joy",
    );
    std::fs::write(&path, &edited).unwrap();
    server.wait_for(PAGE, 200, "Make the first week with our product a joy");
    server.wait_for("/", 200, "Make the first week with our product a joy");

    // A broken file: the error in the browser and on stderr, the server stays up.
    std::fs::write(
        &path,
        edited.replace("period = \"2026-Q1\"", "period = 2026-Q1"),
    )
    .unwrap();
    let error = server.wait_for(PAGE, 500, "The OKRs have errors");
    assert!(error.contains(OBJECTIVE), "{error}");
    assert!(error.contains("EventSource"), "the error page reloads too");
    let started = Instant::now();
    while !server.stderr.lock().unwrap().contains(OBJECTIVE) {
        assert!(started.elapsed() < PATIENCE, "the error is not on stderr");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Fixing it brings the site back.
    std::fs::write(&path, &original).unwrap();
    server.wait_for(PAGE, 200, "Make the first week with our product effortless");

    // A new file appears, and goes again.
    let extra = repo.path.join("okrs/2026-Q1/company/second.md");
    std::fs::write(
        &extra,
        "+++\ntitle = \"A second company objective\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"a\"\ntarget = 2\n[[key_results]]\ntitle = \"b\"\ntarget = 2\n+++\n",
    )
    .unwrap();
    server.wait_for(
        "/objectives/2026-Q1/second/",
        200,
        "A second company objective",
    );
    std::fs::remove_file(&extra).unwrap();
    server.wait_for("/objectives/2026-Q1/second/", 404, "");

    // Nothing was written into the repository.
    assert_eq!(snapshot(&repo.path), before);

    // Templates and static files are picked up too.
    repo.write("static/hello.txt", "hello");
    server.wait_for("/hello.txt", 200, "hello");
    repo.write(
        "templates/404.html",
        "<!DOCTYPE html><html><body><p>Nothing here, {{ site.company }}</p></body></html>",
    );
    server.wait_for("/nope/", 404, "Nothing here, Acme");
    server.wait_for(PAGE, 200, "Make the first week with our product effortless");
}

/// Reading the history walks every commit, too slow for a rebuild on every
/// save: the objective, Changes and health pages say it is left out and how
/// to see it, rather than that the site has none.
#[test]
fn pages_say_the_history_is_left_out_and_how_to_see_it() {
    let repo = initialised("serve-history");
    let server = Server::start(&repo.path);
    let note = "The change history is left out of this preview, so that it rebuilds quickly \
                on every save: run okr build to see it.";
    for page in [PAGE, "/changes/", "/health/"] {
        let body = server.wait_for(page, 200, note);
        assert!(
            !body.contains("built without its change history"),
            "{page}: {body}"
        );
    }
}

#[test]
fn refuses_paths_outside_the_site() {
    let repo = initialised("serve");
    let server = Server::start(&repo.path);
    server.wait_for("/", 200, "");
    for path in [
        "/../okr.toml",
        "/teams/../../okr.toml",
        "/%2e%2e/okr.toml",
        "/%2E%2E%2Fokr.toml",
        "/..%2f..%2fetc%2fpasswd",
        "/assets/..%5c..%5cokr.toml",
        "/okr.toml",
        "/teams/product.md",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("title = "), "{path} leaked a file: {body}");
    }
    // A page without its slash is redirected to it.
    let (status, _) = server.get("/teams/product");
    assert_eq!(status, 301);
}

#[test]
fn open_pages_are_told_to_reload() {
    let repo = initialised("serve");
    let server = Server::start(&repo.path);
    server.wait_for("/", 200, "");
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /__okr/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut seen = String::new();
    while !seen.contains(": connected") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
        seen.push_str(&line);
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
    let path = repo.path.join(OBJECTIVE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("effortless", "smooth")).unwrap();
    let mut line = String::new();
    while !line.starts_with("data: reload") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
    }
}

/// Files whose names are not UTF-8 are reported, not read, and the site is
/// served around them, also after one of them is edited.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_leave_the_site_served() {
    use std::os::unix::ffi::OsStrExt;
    let repo = initialised("serve-names");
    let folder = repo.path.join(OBJECTIVE).parent().unwrap().to_path_buf();
    let text = std::fs::read_to_string(repo.path.join(OBJECTIVE)).unwrap();
    let odd = |name: &[u8]| folder.join(std::ffi::OsStr::from_bytes(name));
    std::fs::write(odd(b"caf\xE9.md"), &text).unwrap();
    std::fs::write(odd(b"caf\xFC.md"), &text).unwrap();
    let server = Server::start(&repo.path);
    server.wait_for(PAGE, 200, "Make the first week with our product effortless");
    std::fs::write(odd(b"caf\xE9.md"), text.replace("effortless", "smooth")).unwrap();
    let started = Instant::now();
    while !server.stderr.lock().unwrap().contains("rebuilt") {
        assert!(started.elapsed() < PATIENCE, "no rebuild after the edit");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.wait_for(PAGE, 200, "Make the first week with our product effortless");
}

/// A GET of `/` naming `host`, or no Host at all.
fn get_as(host: Option<&str>) -> String {
    let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
    format!("GET / HTTP/1.1\r\n{host}Connection: close\r\n\r\n")
}

/// Only pages asked for as 127.0.0.1, localhost or [::1] are answered: a
/// site of the web whose name was made to point at 127.0.0.1 (DNS
/// rebinding) must not read the OKRs.
#[test]
fn requests_naming_another_host_are_refused() {
    let repo = initialised("serve-host");
    let server = Server::start(&repo.path);
    server.wait_for("/", 200, "");
    let port = server.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
        "127.0.0.1".to_string(),
    ] {
        let (status, _) = server.send(&get_as(Some(&host)));
        assert_eq!(status, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "127.0.0.1:1".to_string(),
        format!("127.0.0.1:{port}0"),
    ] {
        let (status, response) = server.send(&get_as(Some(&host)));
        assert_eq!(status, 421, "{host}: {response}");
        assert!(!response.contains("Win the loyalty"), "{host}: {response}");
    }
    let (status, _) = server.send(&get_as(None));
    assert_eq!(status, 400, "no Host");
}

/// Opens a live-reload stream; `None` when the server refused it.
fn listen(server: &Server) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /__okr/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    if status.starts_with("HTTP/1.1 503") {
        return None;
    }
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    Some(stream)
}

/// Live-reload streams each hold a connection open: their number is
/// bounded, and pages are answered whatever the number of streams.
#[test]
fn live_reload_streams_are_bounded() {
    let repo = initialised("serve-streams");
    let server = Server::start(&repo.path);
    server.wait_for("/", 200, "");
    let open: Vec<TcpStream> = (0..16)
        .map(|i| listen(&server).unwrap_or_else(|| panic!("stream {i} refused")))
        .collect();
    assert!(listen(&server).is_none(), "a 17th stream is refused");
    server.wait_for("/", 200, "Win the loyalty of our first customers");
    // A page that goes away gives its place back.
    drop(open);
    let started = Instant::now();
    while listen(&server).is_none() {
        assert!(
            started.elapsed() < PATIENCE,
            "closed streams keep their places"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A request line or head too long to be a browser's is refused without
/// being read to its end, and the server goes on answering.
#[test]
fn overlong_requests_are_refused() {
    let repo = initialised("serve-long");
    let server = Server::start(&repo.path);
    server.wait_for("/", 200, "");
    let long = "a".repeat(100_000);
    let (status, _) = server.send(&format!(
        "GET /{long} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    ));
    assert_eq!(status, 414);
    let headers = "X-Filler: 0123456789\r\n".repeat(5_000);
    let (status, _) = server.send(&format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{headers}\r\n",
        server.address
    ));
    assert_eq!(status, 431);
    server.wait_for("/", 200, "Win the loyalty of our first customers");
}

/// `/x#frag` is `/x/`, never `/x#frag/`; `/x%23frag` names no page.
#[test]
fn a_fragment_is_never_redirected_into() {
    let repo = initialised("serve-fragment");
    let server = Server::start(&repo.path);
    server.wait_for("/", 200, "");
    let (status, response) = server.send(&format!(
        "GET /teams/product#frag HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    ));
    assert_eq!(status, 301, "{response}");
    assert!(
        response.contains("\r\nLocation: /teams/product/\r\n"),
        "{response}"
    );
    let (status, response) = server.send(&format!(
        "GET /teams/product%23frag HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    ));
    assert_eq!(status, 404, "{response}");
}

/// The check reads the data files that sources name (`invalid-source`): a
/// change to one is checked again, as a change to an objective is.
#[test]
fn a_changed_data_file_is_checked_again() {
    let repo = initialised("serve-data");
    let path = repo.path.join(OBJECTIVE);
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "unit = \"days\"\n",
        "unit = \"days\"\n\n[key_results.source]\nfile = \"./data/usage.csv\"\ncolumn = \"days\"\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    repo.write("data/usage.csv", "week,users\n2026-02-09,3\n");
    let server = Server::start(&repo.path);
    let error = server.wait_for(PAGE, 500, "The OKRs have errors");
    assert!(error.contains("invalid-source"), "{error}");
    repo.write("data/usage.csv", "week,days\n2026-02-09,3\n");
    server.wait_for(PAGE, 200, "Median days to first finished project");
}
