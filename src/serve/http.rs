//! HTTP, the little a browser on this machine needs, written here so that
//! every bound is ours: one request per connection (`GET` and `HEAD`), its
//! head read up to a fixed size within a fixed time, only requests naming
//! this machine answered, and a bounded number of connections and event
//! streams at once.

use super::*;

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

/// What the threads answering requests share.
pub(super) struct Shared {
    pub(super) live: Arc<RwLock<Live>>,
    pub(super) listeners: Arc<Mutex<Vec<Sender<()>>>>,
    pub(super) verbosity: Verbosity,
    pub(super) port: u16,
    pub(super) connections: Arc<AtomicUsize>,
    pub(super) streams: Arc<AtomicUsize>,
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
pub(super) fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
