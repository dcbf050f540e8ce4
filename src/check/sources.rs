//! `invalid-source`: a key result's `[key_results.source]` must name data
//! that `okr sync` can read. Judged offline: the form of every source, and
//! the contents of data files in the repository (a URL only for its form).

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::source::Span;
use crate::model::{KeyResult, Source};
use crate::read::data::{self, Key, Problem};

pub fn invalid_source(cx: &Context, out: &mut Vec<Diagnostic>) {
    for objective in &cx.org.objectives {
        for kr in &objective.key_results {
            let Some(source) = &kr.source else { continue };
            for problem in problems(cx, source) {
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

/// The problems of the source's form; when it has none, those of the data
/// file it names.
fn problems(cx: &Context, source: &Source) -> Vec<Problem> {
    let problems = data::form(source);
    if !problems.is_empty() {
        return problems;
    }
    let Some(file) = &source.file else {
        return Vec::new(); // a URL is not fetched by a check
    };
    data::read_file(&cx.org.root, &file.value)
        .and_then(|bytes| data::values(source, &bytes, &file.value))
        .err()
        .into_iter()
        .collect()
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
    };
    match value {
        Some(value) => value.span.clone(),
        None if !source.span.is_empty() => source.span.clone(),
        None => kr.span.clone(),
    }
}
