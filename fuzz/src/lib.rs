//! What the fuzz targets run. `tests/fuzz_corpus.rs` in the main package
//! includes this file too and feeds it the committed seeds and regression
//! inputs, so that every input that once crashed is replayed by `cargo test`
//! on a stable toolchain.
//!
//! Both functions take any bytes and must return normally: a panic, an
//! endless loop or a stack overflow is a bug in `okr`.

use chrono::NaiveDate;
use okr::source::{FileId, FileKind, SourceFile};
use okr::{check, export, frontmatter, load, parse, report, site, text, toml_doc};

/// Separates the files of a repository in a pipeline input: never part of UTF-8 text.
pub const FILE_SEPARATOR: u8 = 0xFF;

/// The day every pipeline input is checked at, as the fixture tests do.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 15).unwrap_or_default()
}

/// One Markdown file: split into front matter and body, then parsed as a
/// team, a person and an objective, each finding placed on a line.
pub fn front_matter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // okr's own TOML reader takes nothing `toml` refuses and reads the rest
    // into the same tree, spans included: the input as TOML, then its front matter.
    if let Some(problem) = toml_doc::disagreement_with_toml(&text) {
        panic!("{problem}");
    }
    if let Ok(split) = frontmatter::split(&text) {
        if let Some(problem) = toml_doc::disagreement_with_toml(split.toml) {
            panic!("{problem}");
        }
        let toml_end = split.toml_offset + split.toml.len();
        assert_eq!(&text[split.toml_offset..toml_end], split.toml);
        assert!(text.ends_with(split.body) && toml_end + split.body.len() <= text.len());
        // okr's own fast reader must refuse whatever `toml` refuses.
        let ours = toml_doc::parse(split.toml).is_ok();
        let (_, errors) = toml::de::DeTable::parse_recoverable(split.toml);
        assert_eq!(
            ours,
            errors.is_empty(),
            "okr and toml disagree on {:?}",
            split.toml
        );
    }
    for (path, kind) in [
        ("teams/team.md", FileKind::Team),
        ("people/person.md", FileKind::Person),
        ("okrs/2026-Q1/objective.md", FileKind::Objective),
    ] {
        let file = SourceFile::new(path, kind, text.to_string());
        let diagnostics = match kind {
            FileKind::Team => parse::parse_team(&file, FileId(0)).diagnostics,
            FileKind::Person => parse::parse_person(&file, FileId(0)).diagnostics,
            _ => parse::parse_objective(&file, FileId(0)).diagnostics,
        };
        for d in diagnostics {
            if let Some(span) = d.span {
                file.line_col(span.start());
            }
        }
    }
}

/// A whole repository, as `okr check` and `okr build` see it: loaded, checked,
/// reported in every format and, when there are no errors, rendered.
pub fn pipeline(data: &[u8]) {
    let files = repository(data);
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut loaded = match load::from_memory(&files) {
        Ok(loaded) => loaded,
        Err(e) => {
            // `okr` prints this and exits 2.
            let _ = e.to_string();
            return;
        }
    };
    // A theme is a folder on disk, not part of the generated repository.
    loaded.config.theme = None;
    let mut checked = check::check_loaded(loaded, as_of());
    let human = report::human(&checked, false);
    assert_printable("the human report", &human);
    let _ = report::json(&checked);
    let github = report::github(&checked);
    assert_printable("the github report", &github);
    assert_eq!(
        github.lines().count(),
        checked.diagnostics.len(),
        "one workflow command per finding"
    );
    if checked.errors() > 0 {
        return; // `okr build` and `okr export` stop here too
    }
    let export = export::Export::new(
        &checked,
        okr::views::Urls::for_site(None, &checked.org.config),
    );
    let _ = export.json();
    let _ = export.csv();
    checked.release_unreported_sources();
    let pages = match site::render(&checked, &okr::history::History::disabled(), None) {
        Ok(pages) => pages,
        Err(e) => panic!("the built-in theme failed on a checked repository: {e}"),
    };
    for (path, _) in &pages {
        assert!(
            path.split('/').all(|part| !part.is_empty()
                && part != "."
                && part != ".."
                && !part.contains('\\')),
            "a page would be written outside its folder: {path:?}"
        );
    }
}

/// A report for a terminal or a CI log holds no character that would act
/// instead of being shown, whatever the repository holds: only its own line breaks.
fn assert_printable(what: &str, output: &str) {
    if let Some(c) = output.chars().find(|&c| c != '\n' && text::is_hidden(c)) {
        panic!("{what} prints {c:?} as is:\n{output}");
    }
}

/// The files of a pipeline input: parts separated by [`FILE_SEPARATOR`]; the
/// first is `okr.toml`, each other one a path line (e.g. `okrs/2026-Q1/grow.md`)
/// followed by the file's text. Only what a folder on disk can hold is kept:
/// the first file of each path, and no empty, `.`, `..` or hidden path parts.
pub fn repository(data: &[u8]) -> Vec<(String, String)> {
    let mut parts = data.split(|&b| b == FILE_SEPARATOR);
    let config = parts.next().unwrap_or_default();
    let mut files = vec![("okr.toml".to_string(), text(config))];
    for part in parts {
        let text = text(part);
        let (path, body) = text.split_once('\n').unwrap_or((&text, ""));
        let on_disk = path
            .split('/')
            .all(|p| !p.is_empty() && !p.starts_with('.') && !p.contains('\0'));
        if on_disk && !files.iter().any(|(p, _)| p == path) {
            files.push((path.to_string(), body.to_string()));
        }
    }
    files
}

/// A file's text as `okr` reads it: bytes that are not UTF-8 replaced (on disk
/// they are a finding of their own), a byte order mark removed.
fn text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_string()
}

/// A pipeline input holding `files` (path, bytes), `okr.toml` first.
pub fn encode(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, bytes) in files {
        if path == "okr.toml" {
            out.extend_from_slice(bytes);
        }
    }
    for (path, bytes) in files.iter().filter(|(p, _)| p != "okr.toml") {
        out.push(FILE_SEPARATOR);
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(bytes);
    }
    out
}
