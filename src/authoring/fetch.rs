//! Fetching a source's JSON over HTTPS for `okr sync`: one GET, no retry,
//! no redirect followed, bounded in time and size, and no header value
//! (a token) in any message.

use std::time::Duration;

/// The largest response read.
pub const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// How long a fetch may take.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub connect: Duration,
    pub total: Duration,
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect: Duration::from_secs(10),
            total: Duration::from_secs(30),
            max_bytes: MAX_RESPONSE_BYTES,
        }
    }
}

/// The body of `url`, fetched with `headers` (values expanded); the error
/// says why in one line, with the URL shown without its query and every
/// header value redacted: either may hold a key.
pub fn get(url: &str, headers: &[(String, String)], limits: Limits) -> Result<Vec<u8>, String> {
    fetch(url, headers, limits).map_err(|why| {
        let shown = url.split(['?', '#']).next().unwrap_or(url);
        redact(&why.replace(url, shown), headers)
    })
}

/// `message` with every header value in it replaced by `***`.
fn redact(message: &str, headers: &[(String, String)]) -> String {
    let mut out = crate::read::load::one_line(message);
    for (_, value) in headers.iter().filter(|(_, v)| !v.is_empty()) {
        out = out.replace(value.as_str(), "***");
    }
    out
}

#[cfg(feature = "http")]
fn fetch(url: &str, headers: &[(String, String)], limits: Limits) -> Result<Vec<u8>, String> {
    let loopback = crate::read::data::is_loopback(url);
    let mut config = ureq::Agent::config_builder()
        .timeout_connect(Some(limits.connect))
        .timeout_global(Some(limits.total))
        // A redirect is reported, never followed: it could lead to plain
        // http or elsewhere with the token.
        .max_redirects(0)
        .http_status_as_error(false)
        .https_only(!loopback)
        .user_agent(concat!("okr/", env!("CARGO_PKG_VERSION")));
    if loopback {
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request.call().map_err(|e| match e {
        ureq::Error::Timeout(_) => format!("{url} did not answer within {:?}", limits.total),
        other => format!("cannot fetch {url}: {other}"),
    })?;
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(|l| crate::text::prefix(l, 200).to_string())
            .unwrap_or_default();
        return Err(format!(
            "{url} redirects ({}) to {location}; okr follows no redirects: write the new address as `url` if you trust it",
            status.as_u16()
        ));
    }
    if !status.is_success() {
        return Err(format!("{url} answered {status}"));
    }
    response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => format!(
                "{url} sent more than {}; okr reads at most that",
                size(limits.max_bytes)
            ),
            ureq::Error::Timeout(_) => format!("{url} did not answer within {:?}", limits.total),
            other => format!("cannot read {url}: {other}"),
        })
}

/// A size for people: `4 MB`, or bytes below a megabyte.
#[cfg(feature = "http")]
fn size(bytes: u64) -> String {
    match bytes >> 20 {
        0 => format!("{bytes} bytes"),
        mb => format!("{mb} MB"),
    }
}

#[cfg(not(feature = "http"))]
fn fetch(url: &str, _: &[(String, String)], _: Limits) -> Result<Vec<u8>, String> {
    Err(format!(
        "cannot fetch {url}: this okr was built without its `http` feature"
    ))
}

#[cfg(all(test, feature = "http"))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Serves one connection on 127.0.0.1 with `reply` (after `delay`), and
    /// returns the address and what the request said.
    fn serve_once(reply: Vec<u8>, delay: Duration) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            std::thread::sleep(delay);
            let _ = stream.write_all(&reply);
            String::from_utf8_lossy(&head).into_owned()
        });
        (address, handle)
    }

    fn response(status: &str, extra: &str, body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    const TOKEN: &str = "s3cret-token";

    fn headers() -> Vec<(String, String)> {
        vec![("Authorization".to_string(), format!("Bearer {TOKEN}"))]
    }

    #[test]
    fn a_local_server_answers_and_the_headers_are_sent() {
        let (address, server) = serve_once(response("200 OK", "", "{\"wau\": 5}"), Duration::ZERO);
        let body = get(&format!("{address}/m.json"), &headers(), Limits::default());
        assert_eq!(body.unwrap(), b"{\"wau\": 5}");
        let request = server.join().unwrap();
        assert!(request.starts_with("GET /m.json HTTP/1.1"), "{request}");
        assert!(request.contains(&format!("Bearer {TOKEN}")), "{request}");
    }

    #[test]
    fn an_error_status_is_a_failure_without_the_token() {
        let (address, _server) = serve_once(response("404 Not Found", "", "gone"), Duration::ZERO);
        let url = format!("{address}/m.json?key={TOKEN}");
        let error = get(&url, &headers(), Limits::default()).unwrap_err();
        assert!(error.contains("answered 404 Not Found"), "{error}");
        assert!(!error.contains(TOKEN), "{error}");
    }

    #[test]
    fn a_redirect_is_not_followed_and_names_where_it_leads() {
        let reply = response("302 Found", "Location: http://example.com/m.json\r\n", "");
        let (address, _server) = serve_once(reply, Duration::ZERO);
        let error = get(&format!("{address}/m.json"), &headers(), Limits::default()).unwrap_err();
        assert!(
            error.contains("redirects (302) to http://example.com/m.json"),
            "{error}"
        );
    }

    #[test]
    fn a_slow_server_times_out() {
        let reply = response("200 OK", "", "{}");
        let (address, _server) = serve_once(reply, Duration::from_secs(3));
        let limits = Limits {
            total: Duration::from_millis(300),
            ..Limits::default()
        };
        let started = std::time::Instant::now();
        let error = get(&format!("{address}/m.json"), &headers(), limits).unwrap_err();
        assert!(error.contains("did not answer within"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn an_oversized_answer_is_refused() {
        let body = "1".repeat(2048);
        let (address, _server) = serve_once(response("200 OK", "", &body), Duration::ZERO);
        let limits = Limits {
            max_bytes: 1024,
            ..Limits::default()
        };
        let error = get(&format!("{address}/m.json"), &headers(), limits).unwrap_err();
        assert!(error.contains("sent more than"), "{error}");
    }
}
