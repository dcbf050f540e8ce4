//! `invalid-source`: a key result's `[key_results.source]` must name data
//! that `okr sync` can read. Judged offline: the form of every source, and
//! the contents of data files in the repository (a URL only for its form).

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::source::Span;
use crate::model::{KeyResult, Source, Spanned};
use crate::read::data::{self, Key, Problem};
use std::collections::BTreeMap;
use std::path::Path;

pub fn invalid_source(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Several key results often read one file: each is read, and each
    // source parsed, once.
    let mut judged = Judged::default();
    for objective in &cx.org.objectives {
        for kr in &objective.key_results {
            let Some(source) = &kr.source else { continue };
            for problem in judged.problems(&cx.org.root, source) {
                let span = span_of(kr, source, problem.key);
                let mut d = Diagnostic::new(
                    Rule::InvalidSource,
                    objective.file,
                    Some(span),
                    problem.message,
                );
                d.help = problem.help;
                out.push(d);
            }
        }
    }
}

/// What a source names in a file: the file, its column, date column and pointer.
type Reading = (String, Option<String>, Option<String>, Option<String>);

#[derive(Default)]
struct Judged {
    files: BTreeMap<String, Result<Vec<u8>, Problem>>,
    readings: BTreeMap<Reading, Option<Problem>>,
}

impl Judged {
    /// The problems of the source's form; when it has none, those of the
    /// data file it names (a URL is not fetched by a check).
    fn problems(&mut self, root: &Path, source: &Source) -> Vec<Problem> {
        let problems = data::form(source);
        if !problems.is_empty() {
            return problems;
        }
        let Some(file) = &source.file else {
            return Vec::new();
        };
        let value = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.value.clone());
        let reading = (
            file.value.clone(),
            value(&source.column),
            value(&source.date_column),
            value(&source.pointer),
        );
        if let Some(problem) = self.readings.get(&reading) {
            return problem.iter().cloned().collect();
        }
        let bytes = self
            .files
            .entry(file.value.clone())
            .or_insert_with(|| data::read_file(root, &file.value));
        let problem = match bytes {
            Ok(bytes) => data::values(source, bytes, &file.value).err(),
            Err(problem) => Some(problem.clone()),
        };
        self.readings.insert(reading, problem.clone());
        problem.into_iter().collect()
    }
}

/// The value a problem is about, else the source's table.
fn span_of(kr: &KeyResult, source: &Source, key: Key) -> Span {
    let value = match key {
        Key::Table => None,
        Key::File => source.file.as_ref(),
        Key::Url => source.url.as_ref(),
        Key::Column => source.column.as_ref(),
        Key::DateColumn => source.date_column.as_ref(),
        Key::Pointer => source.pointer.as_ref(),
        Key::Header(i) => source.headers.get(i).map(|(_, value)| value),
        Key::HeaderName(i) => source.headers.get(i).map(|(name, _)| name),
    };
    match value {
        Some(value) => value.span,
        None if !source.span.is_empty() => source.span,
        None => kr.span,
    }
}
