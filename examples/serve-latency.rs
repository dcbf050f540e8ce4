//! Measures how long `okr serve` takes to show a change: edits one objective
//! file's title, then asks for that objective's page until it shows the new
//! title, several times; prints the median in seconds.
//!
//! ```sh
//! okr serve ORG --port 0 &   # prints its address
//! cargo run --release --example serve-latency -- http://127.0.0.1:PORT/ ORG okrs/2026-Q1/company/x.md
//! ```
//!
//! `bench/compare.sh` runs it on the benchmark organisation. The time counts
//! from the file's write to the page's last byte: noticing the change, the
//! rebuild and the page's rendering.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn get(address: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut body = Vec::new();
    stream.read_to_end(&mut body)?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, repo, file] = args.as_slice() else {
        eprintln!("usage: serve-latency URL REPO okrs/PERIOD/OWNER/ID.md [runs]");
        return ExitCode::from(2);
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let parts: Vec<&str> = file.trim_end_matches(".md").split('/').collect();
    let (period, id) = (parts[1], parts[parts.len() - 1]);
    let page = format!("/objectives/{period}/{id}/");
    let path = Path::new(repo).join(file);
    let Ok(original) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {}", path.display());
        return ExitCode::from(2);
    };
    let Some(title_line) = original.lines().find(|l| l.starts_with("title = ")) else {
        eprintln!("{} has no title line", path.display());
        return ExitCode::from(2);
    };
    let mut times = Vec::new();
    for run in 0..runs {
        let marker = format!("Edited title {run}-{}", std::process::id());
        let text = original.replacen(title_line, &format!("title = \"{marker}\""), 1);
        // Let the previous rebuild settle, so each run measures one change.
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        if std::fs::write(&path, text).is_err() {
            eprintln!("cannot write {}", path.display());
            return ExitCode::from(2);
        }
        loop {
            match get(&address, &page) {
                Ok(body) if body.contains(&marker) => break,
                _ if started.elapsed() > Duration::from_secs(30) => {
                    eprintln!("the page did not change within 30 s");
                    let _ = std::fs::write(&path, &original);
                    return ExitCode::FAILURE;
                }
                _ => std::thread::sleep(Duration::from_millis(1)),
            }
        }
        times.push(started.elapsed().as_secs_f64());
    }
    let _ = std::fs::write(&path, &original);
    times.sort_by(f64::total_cmp);
    println!("{:.3}", times[times.len() / 2]);
    ExitCode::SUCCESS
}
