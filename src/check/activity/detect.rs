//! Whether a key result title reads as a task or an output rather than an
//! outcome. Rules over a small lexicon, not a model: the leading verb (after
//! adverbs and a subject, lemmatised), what a number counts (the team's own
//! output or a result), "from X to Y" and levels to reach, and finished
//! states. Only the start of a title is read, so a title costs at most a
//! fixed amount of work.

use super::lexicon as lex;
use foldhash::fast::FixedState;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Bytes of a title that are read: real key results are far shorter.
const MAX_BYTES: usize = 400;
/// Tokens of a title that are read.
const MAX_TOKENS: usize = 80;
/// Words that long are no verb a typo could be made of.
const LONGEST_TYPO: usize = 20;

/// Why a title reads as a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// It starts with a verb of doing (its base form).
    TaskVerb(String),
    /// It counts what the team produces or does, after a verb of doing or not.
    OwnOutput { noun: String, verb: Option<String> },
    /// It states the team's own work as finished ("in place", "published").
    Finished(String),
    /// It asks for something to get better but names only the team's own work.
    Vague(String),
}

/// Word sets: looked up, never iterated for output, so a fixed fast hash.
type Set<T> = HashSet<T, FixedState>;

/// The built-in words, looked up by set.
struct Words {
    task: Set<&'static str>,
    delivery: Set<&'static str>,
    change: Set<&'static str>,
    weak: Set<&'static str>,
    own: Set<&'static str>,
    result: Set<&'static str>,
    staff: Set<&'static str>,
    /// First words of the built-in phrasal verbs: "put" of "put in place".
    phrase_starts: Set<&'static str>,
    /// One-word verbs a typo may stand for, by first letter.
    typo_targets: HashMap<char, Vec<&'static str>, FixedState>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let set = |words: &[&'static str]| words.iter().copied().collect();
    Words {
        task: set(lex::TASK_VERBS),
        delivery: set(lex::DELIVERY_VERBS),
        change: set(lex::CHANGE_VERBS),
        weak: set(lex::WEAK_VERBS),
        own: set(lex::OWN_OUTPUTS),
        result: set(lex::RESULT_NOUNS),
        staff: set(lex::STAFF_NOUNS),
        phrase_starts: verbs()
            .filter_map(|v| v.split_once(' ').map(|(first, _)| first))
            .collect(),
        typo_targets: verbs().filter(|v| v.len() >= 5 && !v.contains(' ')).fold(
            HashMap::default(),
            |mut by_letter, v| {
                if let Some(first) = v.chars().next() {
                    by_letter.entry(first).or_insert_with(Vec::new).push(v);
                }
                by_letter
            },
        ),
    }
});

/// Every built-in verb of doing, delivery or change, in the lexicon's order.
fn verbs() -> impl Iterator<Item = &'static str> {
    lex::TASK_VERBS
        .iter()
        .chain(lex::CHANGE_VERBS)
        .chain(lex::DELIVERY_VERBS)
        .copied()
}

/// The detector with an organisation's own words: `[checks] activity_verbs`
/// (more verbs of doing) and `[checks] not_activities` (words never read as
/// activities, verbs or outputs).
pub struct Detector {
    extra: Set<String>,
    never: Set<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VerbKind {
    /// A verb of doing: a task.
    Task,
    /// A verb of doing whose object may be a measured result.
    Delivery,
    /// A verb of change: an outcome.
    Change,
    /// "improve", "keep": an outcome only with a result or a measure.
    Weak,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Num {
    percent: bool,
    money: bool,
    /// A year such as 2027, which dates a title rather than measuring it.
    year: bool,
    value: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Num(Num),
    /// `→`, `->`: a change from one value to another.
    Arrow,
    /// `≥`, `<`, `±`: a level.
    Compare,
    /// Punctuation that ends a phrase.
    Break,
}

impl Tok {
    fn word(&self) -> Option<&str> {
        match self {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// What a number or a noun phrase is about.
#[derive(Clone, Debug, PartialEq)]
enum Head {
    /// The team's own output, as written.
    Own(String),
    Result,
    Staff,
    /// Anything else, with whether it is a unit of time.
    Other {
        time: bool,
    },
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MeasureKind {
    /// "from X to Y", "X → Y".
    Change,
    /// "at least X", "below X", "by X%".
    Level,
    /// A bare number.
    Count,
}

#[derive(Debug)]
struct Measure {
    kind: MeasureKind,
    num: Num,
    head: Head,
    /// A change to a lower number: nobody aims at fewer of their own
    /// outputs, so what falls ("Calls about flat tyres from 120 to 60") is a result.
    falling: bool,
}

impl Measure {
    /// The own output this counts, if it counts one: "4 webinars", not "40% of webinars".
    fn own_count(&self) -> Option<&str> {
        match &self.head {
            Head::Own(noun) if !self.num.percent && !self.num.money && !self.falling => Some(noun),
            _ => None,
        }
    }

    /// Whether this measures a result: money, a rate (a percentage of
    /// anything, even of the team's output), a result noun, or a
    /// change or level of anything but the team's own output or people.
    /// After a verb of doing, "within 5 days" is a deadline.
    fn is_result(&self, after_task: bool) -> bool {
        let own = matches!(self.head, Head::Own(_));
        let deadline = after_task
            && self.kind == MeasureKind::Level
            && matches!(self.head, Head::Other { time: true });
        self.num.money
            || self.num.percent
            || self.falling
            || self.head == Head::Result
            || (self.kind != MeasureKind::Count && !own && self.head != Head::Staff && !deadline)
    }
}

/// Where the verb of a title is, if it has one.
struct Lead {
    verb: Option<(String, VerbKind)>,
    /// The first token after the verb, or where the noun phrase starts.
    object: usize,
}

impl Detector {
    pub fn new<'a>(
        extra: impl IntoIterator<Item = &'a String>,
        never: impl IntoIterator<Item = &'a String>,
    ) -> Self {
        let normal = |w: &String| w.trim().to_lowercase();
        Detector {
            extra: extra.into_iter().map(normal).collect(),
            never: never.into_iter().map(normal).collect(),
        }
    }

    /// Why `title` reads as a task, or `None` when it reads as an outcome (or cannot be told).
    pub fn classify(&self, title: &str) -> Option<Reason> {
        let toks = tokens(title);
        let lead = self.lead(&toks);
        let subject = self.head(self.noun_run(&toks, lead.object));
        let measures = self.measures(&toks, &subject, lead.object);
        let after_task = matches!(lead.verb, Some((_, VerbKind::Task | VerbKind::Delivery)));
        let any_result = measures.iter().any(|m| m.is_result(after_task));
        let task_verb = lead
            .verb
            .as_ref()
            .filter(|_| after_task)
            .map(|(v, _)| v.clone());
        if let Some(noun) = measures.iter().find_map(Measure::own_count)
            && !any_result
        {
            return Some(Reason::OwnOutput {
                noun: noun.to_string(),
                verb: task_verb,
            });
        }
        let strong_result = measures
            .iter()
            .any(|m| m.kind != MeasureKind::Count && m.is_result(after_task));
        match lead.verb {
            Some((_, VerbKind::Change)) => None,
            Some((verb, VerbKind::Weak)) => {
                let object = toks.get(lead.object..).unwrap_or_default();
                if any_result || self.names_result(object) || holds_state(object) {
                    None
                } else {
                    Some(
                        self.finished(&toks, lead.object)
                            .unwrap_or(Reason::Vague(verb)),
                    )
                }
            }
            Some((_, VerbKind::Delivery)) if self.object_is_result(&toks, lead.object) => None,
            Some((verb, _)) => (!strong_result).then_some(Reason::TaskVerb(verb)),
            None if any_result => None,
            // "Case study with a bank published": the work stated as done
            // says more than the output it names.
            None => match subject {
                Head::Own(noun) => Some(
                    self.finished(&toks, lead.object)
                        .unwrap_or(Reason::OwnOutput { noun, verb: None }),
                ),
                _ => self.finished(&toks, lead.object),
            },
        }
    }

    /// What a verb's base form is to this organisation.
    fn verb_kind(&self, lemma: &str) -> Option<VerbKind> {
        let w = &*WORDS;
        if self.never.contains(lemma) {
            None
        } else if self.extra.contains(lemma) {
            Some(VerbKind::Task)
        } else if w.change.contains(lemma) {
            Some(VerbKind::Change)
        } else if w.weak.contains(lemma) {
            Some(VerbKind::Weak)
        } else if w.delivery.contains(lemma) {
            Some(VerbKind::Delivery)
        } else if w.task.contains(lemma) {
            Some(VerbKind::Task)
        } else {
            None
        }
    }

    /// The verb at `at` (with a particle, "roll out"), its kind, and the token after it.
    /// `third` accepts "ships", which only follows a subject.
    fn verb_at(&self, toks: &[Tok], at: usize, third: bool) -> Option<(String, VerbKind, usize)> {
        let word = toks.get(at)?.word()?;
        let (lemma, kind) = self.lemma(word, third)?;
        let next = |k: usize| toks.get(at + k).and_then(Tok::word);
        // Phrasal verbs first: "reach out" is a task, "reach" is not.
        if let (Some(a), Some(b)) = (next(1), next(2)) {
            let phrase = format!("{lemma} {a} {b}");
            if let Some(kind) = self.verb_kind(&phrase) {
                return Some((phrase, kind, at + 3));
            }
        }
        if let Some(a) = next(1) {
            let phrase = format!("{lemma} {a}");
            if let Some(kind) = self.verb_kind(&phrase) {
                return Some((phrase, kind, at + 2));
            }
        }
        kind.map(|kind| (lemma, kind, at + 1))
    }

    /// The base form of `word` if it is a verb this detector knows (kind
    /// `None` for a verb known only as the start of a phrasal verb: "put").
    fn lemma(&self, word: &str, third: bool) -> Option<(String, Option<VerbKind>)> {
        if word.len() > LONGEST_TYPO * 2 {
            return None;
        }
        let mut found = None;
        lemma_candidates(word, third, |candidate| {
            found = match self.verb_kind(candidate) {
                Some(kind) => Some((candidate.to_string(), Some(kind))),
                None => self
                    .starts_phrase(candidate)
                    .then(|| (candidate.to_string(), None)),
            };
            found.is_some()
        });
        if found.is_some() {
            return found;
        }
        // "relaunch", "co-host": a prefix on a verb of doing.
        for prefix in ["re-", "re", "co-"] {
            if let Some(rest) = word.strip_prefix(prefix)
                && rest.len() > 2
                && let Some((lemma, Some(kind))) = self.lemma(rest, third)
            {
                return Some((format!("{prefix}{lemma}"), Some(kind)));
            }
        }
        self.typo(word)
            .map(|(lemma, kind)| (lemma.to_string(), Some(kind)))
    }

    /// Whether `word` begins a phrasal verb: "put" in "put in place".
    fn starts_phrase(&self, word: &str) -> bool {
        let starts = |v: &str| v.split_once(' ').is_some_and(|(first, _)| first == word);
        WORDS.phrase_starts.contains(word) || self.extra.iter().map(String::as_str).any(starts)
    }

    /// A verb of doing or of change one typo away from `word` ("lauch",
    /// "impliment", "orgainse"), never a word the detector knows otherwise.
    fn typo(&self, word: &str) -> Option<(&'static str, VerbKind)> {
        if word.len() < 5
            || word.len() > LONGEST_TYPO
            || !matches!(self.noun_class(word), Head::Other { time: false })
        {
            return None;
        }
        let first = word.chars().next()?;
        WORDS
            .typo_targets
            .get(&first)?
            .iter()
            .filter(|v| v.len().abs_diff(word.len()) <= 1)
            .find(|v| one_edit_apart(word, v) && !word.starts_with(*v) && !v.starts_with(word))
            .and_then(|v| self.verb_kind(v).map(|kind| (*v, kind)))
    }

    /// Finds the verb of a title: after a numbering ("KR1:"), adverbs
    /// ("fully") and a subject ("we", "the team", "marketing").
    fn lead(&self, toks: &[Tok]) -> Lead {
        let mut at = skip_numbering(toks);
        at = self.skip_adverbs(toks, at, false);
        if let Some(after) = subject_end(toks, at) {
            let mut k = after;
            while toks
                .get(k)
                .and_then(Tok::word)
                .is_some_and(|w| lex::MODALS.contains(&w))
            {
                k += 1;
            }
            k = self.skip_adverbs(toks, k, true);
            if let Some((verb, kind, object)) = self.verb_at(toks, k, true) {
                return Lead {
                    verb: Some((verb, kind)),
                    object,
                };
            }
        }
        if let Some(lead) = self.noun_of(toks, at) {
            return lead;
        }
        match self.verb_at(toks, at, false) {
            Some((verb, kind, object)) => Lead {
                verb: Some((verb, kind)),
                object,
            },
            None => Lead {
                verb: None,
                object: at,
            },
        }
    }

    /// A title that starts with a noun and "of": a measure ("Share of
    /// revenue", never the verb "share"), or a verb of doing made a noun
    /// ("Implementation of the new CRM"), which starts a task as the verb does.
    fn noun_of(&self, toks: &[Tok], at: usize) -> Option<Lead> {
        let word = toks.get(at)?.word()?;
        if toks.get(at + 1).and_then(Tok::word) != Some("of") {
            return None;
        }
        if lex::MEASURE_NOUNS.contains(&word) {
            return Some(Lead {
                verb: None,
                object: at,
            });
        }
        let &(_, verb) = lex::NOMINALS.iter().find(|(noun, _)| *noun == word)?;
        let kind = self.verb_kind(verb)?;
        Some(Lead {
            verb: Some((verb.to_string(), kind)),
            object: at + 2,
        })
    }

    /// Skips adverbs that come before a verb: "Fully automate".
    fn skip_adverbs(&self, toks: &[Tok], mut at: usize, third: bool) -> usize {
        while let Some(w) = toks.get(at).and_then(Tok::word)
            && is_adverb(w)
            && self.verb_at(toks, at + 1, third).is_some()
        {
            at += 1;
        }
        at
    }

    /// The words of the noun phrase starting at `at`: determiners and
    /// "number of" skipped, up to a preposition, a determiner, a number,
    /// punctuation or a participle after the noun.
    fn noun_run<'t>(&self, toks: &'t [Tok], mut at: usize) -> &'t [Tok] {
        while let Some(w) = toks.get(at).and_then(Tok::word) {
            let counting = matches!(w, "number" | "amount" | "count" | "total")
                && toks.get(at + 1).and_then(Tok::word) == Some("of");
            if counting {
                at += 2;
            } else if lex::DETERMINERS.contains(&w) || w == "of" {
                at += 1;
            } else {
                break;
            }
        }
        let mut end = at;
        while let Some(w) = toks.get(end).and_then(Tok::word) {
            // "Blog posts published", "Sales reps logging every call", "calls a day".
            let verb_after_noun = end > at
                && ((is_past_form(w) && !continues_phrase(toks.get(end + 1)))
                    || (w.ends_with("ing") && matches!(self.noun_class(w), Head::Other { .. }))
                    || lex::DETERMINERS.contains(&w));
            if lex::STOP_WORDS.contains(&w) || verb_after_noun || end - at >= 5 {
                break;
            }
            end += 1;
        }
        &toks[at..end]
    }

    /// What a noun phrase is about: its last word.
    fn head(&self, run: &[Tok]) -> Head {
        match run.last().and_then(Tok::word) {
            Some(word) => self.noun_class(word),
            None => Head::None,
        }
    }

    fn noun_class(&self, word: &str) -> Head {
        let w = &*WORDS;
        let singular = singular(word);
        let known = |set: &Set<&str>| set.contains(word) || set.contains(singular.as_str());
        if self.never.contains(word) || self.never.contains(&singular) {
            Head::Other { time: false }
        } else if known(&w.own) {
            Head::Own(word.to_string())
        } else if known(&w.result) {
            Head::Result
        } else if known(&w.staff) {
            Head::Staff
        } else {
            Head::Other {
                time: lex::TIME_UNITS.contains(&singular.as_str()),
            }
        }
    }

    fn names_result(&self, toks: &[Tok]) -> bool {
        toks.iter()
            .filter_map(Tok::word)
            .any(|w| self.noun_class(w) == Head::Result)
    }

    /// Every number of a title and what it measures.
    /// Level words before `from` belong to the verb ("set up 3 dashboards").
    fn measures(&self, toks: &[Tok], subject: &Head, from: usize) -> Vec<Measure> {
        let mut used = vec![false; toks.len()];
        let mut out = Vec::new();
        for k in 0..toks.len() {
            if let Some((a, b)) = change_at(toks, k) {
                let (start, end) = (num_at(toks, a), num_at(toks, b));
                let value = |n: &Option<Num>| n.as_ref().and_then(|n| n.value);
                let falling = matches!((value(&start), value(&end)), (Some(x), Some(y)) if y < x);
                out.push(Measure {
                    kind: MeasureKind::Change,
                    num: merged(start, end),
                    head: subject.clone(),
                    falling,
                });
                used[a] = true;
                used[b] = true;
            } else if k >= from
                && let Some(n) = level_at(toks, k)
                && !used[n]
            {
                let num = num_at(toks, n).unwrap_or_default();
                let head = match self.head(self.noun_run(toks, n + 1)) {
                    Head::None | Head::Other { time: false } => subject.clone(),
                    head => head,
                };
                out.push(Measure {
                    kind: MeasureKind::Level,
                    num,
                    head,
                    falling: false,
                });
                used[n] = true;
            }
        }
        for (k, tok) in toks.iter().enumerate() {
            if let Tok::Num(num) = tok
                && !used[k]
                && !num.year
            {
                let head = self.head(self.noun_run(toks, k + 1));
                out.push(Measure {
                    kind: MeasureKind::Count,
                    num: num.clone(),
                    head,
                    falling: false,
                });
            }
        }
        out
    }

    /// Whether the object of a delivery verb is a measured result:
    /// "Deliver 650 qualified leads", "Deliver savings of $250k".
    fn object_is_result(&self, toks: &[Tok], at: usize) -> bool {
        let mut at = at;
        while toks
            .get(at)
            .and_then(Tok::word)
            .is_some_and(|w| lex::DETERMINERS.contains(&w))
        {
            at += 1;
        }
        match toks.get(at) {
            Some(Tok::Num(n)) => {
                n.money
                    || matches!(
                        self.head(self.noun_run(toks, at + 1)),
                        Head::Result | Head::Other { .. }
                    )
            }
            Some(Tok::Word(_)) => {
                let run = self.noun_run(toks, at);
                run.iter()
                    .filter_map(Tok::word)
                    .any(|w| self.noun_class(w) == Head::Result)
                    || toks[at..]
                        .iter()
                        .take(run.len() + 4)
                        .any(|t| matches!(t, Tok::Num(n) if n.money))
            }
            _ => false,
        }
    }

    /// A finished-work phrase after `from`: "in place", "live", "published", "can".
    fn finished(&self, toks: &[Tok], from: usize) -> Option<Reason> {
        let words = toks.get(from..)?;
        for (k, tok) in words.iter().enumerate() {
            let Some(w) = tok.word() else { continue };
            let next = words.get(k + 1).and_then(Tok::word);
            let phrase = if w == "in" && next == Some("place") {
                Some("in place".to_string())
            } else if lex::STATE_WORDS.contains(&w) || (w == "can" && next.is_some()) {
                Some(w.to_string())
            } else if k > 0 && is_past_form(w) {
                self.lemma(w, false)
                    .filter(|(_, kind)| matches!(kind, Some(VerbKind::Task | VerbKind::Delivery)))
                    .map(|_| w.to_string())
            } else {
                None
            };
            if let Some(phrase) = phrase {
                return Some(Reason::Finished(phrase));
            }
        }
        None
    }
}

/// Words (lowercase), numbers and the marks that matter.
fn tokens(title: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut chars = crate::text::prefix(title, MAX_BYTES).chars().peekable();
    let mut money_before = false;
    while let Some(c) = chars.next() {
        if out.len() >= MAX_TOKENS {
            break;
        }
        if c.is_alphabetic() {
            let mut word: String = c.to_lowercase().collect();
            while let Some(&d) = chars.peek() {
                if d.is_alphanumeric() || matches!(d, '-' | '\'' | '’') {
                    word.extend(d.to_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            word.truncate(word.trim_end_matches(['-', '\'', '’']).len());
            if word.contains('’') {
                word = word.replace('’', "'");
            }
            push_word(&mut out, word);
            money_before = false;
        } else if c.is_ascii_digit() {
            let mut digits = String::from(c);
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || matches!(d, ',' | '.' | '_') {
                    digits.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            // "1." at the end of a sentence or a numbering: the dot is punctuation.
            let ends_with_mark = digits.ends_with(['.', ',']);
            let mut num = Num {
                money: money_before,
                value: digits
                    .trim_end_matches(['.', ','])
                    .replace([',', '_'], "")
                    .parse()
                    .ok(),
                ..Num::default()
            };
            num.year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
            // A unit glued on: "50k", "2M", "300ms", "3x".
            while chars.peek().is_some_and(|d| d.is_alphabetic()) {
                chars.next();
                num.year = false;
            }
            match chars.peek() {
                Some('%') => num.percent = true,
                Some('€' | '$' | '£' | '¥') => num.money = true,
                _ => {}
            }
            out.push(Tok::Num(num));
            if ends_with_mark {
                out.push(Tok::Break);
            }
            money_before = false;
        } else {
            match c {
                '€' | '$' | '£' | '¥' => match out.last_mut() {
                    Some(Tok::Num(n)) => n.money = true,
                    _ => money_before = true,
                },
                '%' => {
                    if let Some(Tok::Num(n)) = out.last_mut() {
                        n.percent = true;
                    }
                }
                '→' | '⟶' | '⇒' => out.push(Tok::Arrow),
                '-' | '=' if chars.peek() == Some(&'>') => {
                    chars.next();
                    out.push(Tok::Arrow);
                }
                '≥' | '≤' | '<' | '>' | '±' | '⩾' | '⩽' => out.push(Tok::Compare),
                ',' | ';' | ':' | '.' | '(' | ')' | '!' | '?' | '—' | '–' | '|' => {
                    out.push(Tok::Break)
                }
                _ => {}
            }
        }
    }
    out
}

/// Adds a word, or what it stands for: a number ("four"), a currency or a percent sign.
fn push_word(out: &mut Vec<Tok>, word: String) {
    let last_num = matches!(out.last(), Some(Tok::Num(_)));
    if lex::NUMBER_WORDS.contains(&word.as_str()) {
        out.push(Tok::Num(Num::default()));
    } else if last_num
        && (lex::CURRENCIES.contains(&word.as_str()) || matches!(word.as_str(), "percent" | "pct"))
    {
        if let Some(Tok::Num(n)) = out.last_mut() {
            if word.starts_with('p') {
                n.percent = true;
            } else {
                n.money = true;
            }
        }
    } else {
        out.push(Tok::Word(word));
    }
}

/// The token after a numbering: "KR1:", "1.", "2)".
fn skip_numbering(toks: &[Tok]) -> usize {
    let mut at = 0;
    loop {
        match toks.get(at) {
            Some(Tok::Break) => at += 1,
            Some(Tok::Word(w))
                if w.strip_prefix("kr")
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit() || c == '.')) =>
            {
                at += 1
            }
            Some(Tok::Num(_))
                if matches!(toks.get(at + 1), Some(Tok::Break)) && at + 2 < toks.len() =>
            {
                at += 2
            }
            _ => return at,
        }
    }
}

/// Whether a weak verb's object ends in a state to hold: "… short", "… green".
fn holds_state(toks: &[Tok]) -> bool {
    toks.iter()
        .filter_map(Tok::word)
        .any(|w| lex::HELD_STATES.contains(&w))
}

fn is_adverb(word: &str) -> bool {
    lex::ADVERBS.contains(&word)
        || (word.len() > 4 && word.ends_with("ly") && !lex::NOT_ADVERBS.contains(&word))
}

/// Where a subject that names the owner ends: "we", "I", "the (sales) team", "marketing".
fn subject_end(toks: &[Tok], at: usize) -> Option<usize> {
    let word = |k: usize| toks.get(k).and_then(Tok::word);
    let first = word(at)?;
    if matches!(first, "we" | "i") {
        return Some(at + 1);
    }
    let start = if matches!(first, "the" | "our" | "my") {
        at + 1
    } else {
        at
    };
    for k in start..start + 3 {
        let w = word(k)?;
        if lex::TEAM_WORDS.contains(&w) {
            return Some(k + 1);
        }
        if lex::STOP_WORDS.contains(&w) {
            break;
        }
    }
    (start == at && lex::DEPARTMENTS.contains(&first)).then_some(at + 1)
}

/// The base forms `word` may be: itself, an irregular past, or without
/// "-ing", "-ed" (and "-s" after a subject), in that order, each handed to
/// `try_one` until it says it found what it looked for. Most are slices of
/// `word`: a check reads every key result's words this way, so only the
/// forms that add a letter are written out, into one buffer.
fn lemma_candidates(word: &str, third: bool, mut try_one: impl FnMut(&str) -> bool) -> bool {
    let mut buf = String::new();
    if try_one(word) {
        return true;
    }
    if let Some((_, base)) = lex::IRREGULAR.iter().find(|(form, _)| *form == word)
        && try_one(base)
    {
        return true;
    }
    for (suffix, add_e) in [("ing", true), ("ed", false), ("d", false)] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 2
            && (try_one(stem)
                || (add_e && try_one(spelled(&mut buf, stem, 'e')))
                || undoubled(stem).is_some_and(&mut try_one))
        {
            return true;
        }
    }
    if let Some(stem) = word.strip_suffix("ied")
        && try_one(spelled(&mut buf, stem, 'y'))
    {
        return true;
    }
    if third {
        if let Some(stem) = word.strip_suffix("ies")
            && try_one(spelled(&mut buf, stem, 'y'))
        {
            return true;
        }
        for suffix in ["es", "s"] {
            if let Some(stem) = word.strip_suffix(suffix)
                && stem.len() >= 2
                && try_one(stem)
            {
                return true;
            }
        }
    }
    false
}

/// `stem` and `letter` written into `buf`: "creat" and 'e'.
fn spelled<'b>(buf: &'b mut String, stem: &str, letter: char) -> &'b str {
    buf.clear();
    buf.push_str(stem);
    buf.push(letter);
    buf
}

/// "runn" → "run", "shipp" → "ship".
fn undoubled(stem: &str) -> Option<&str> {
    let bytes = stem.as_bytes();
    let n = bytes.len();
    (n >= 3
        && bytes[n - 1] == bytes[n - 2]
        && bytes[n - 1].is_ascii_alphabetic()
        && !matches!(bytes[n - 1], b'l' | b's'))
    .then(|| &stem[..n - 1])
}

fn is_past_form(word: &str) -> bool {
    (word.len() > 4 && word.ends_with("ed"))
        || lex::IRREGULAR
            .iter()
            .any(|(form, base)| form == &word && form != base)
}

/// Whether the token after a participle continues the noun phrase ("qualified leads").
fn continues_phrase(next: Option<&Tok>) -> bool {
    next.and_then(Tok::word)
        .is_some_and(|w| !lex::STOP_WORDS.contains(&w) && !is_past_form(w))
}

/// A plural's singular: "webinars" → "webinar", "studies" → "study".
pub(super) fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.len() > 3 && !word.ends_with("ss") && !word.ends_with("us") {
        word.strip_suffix('s').unwrap_or(word).to_string()
    } else {
        word.to_string()
    }
}

fn num_at(toks: &[Tok], at: usize) -> Option<Num> {
    match toks.get(at) {
        Some(Tok::Num(n)) => Some(n.clone()),
        _ => None,
    }
}

/// One number for a change: a percent or money if either end is.
fn merged(a: Option<Num>, b: Option<Num>) -> Num {
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
    Num {
        percent: a.percent || b.percent,
        money: a.money || b.money,
        year: false,
        value: None,
    }
}

/// Whether `tok` can be one end of a change: a number, or a frequency ("from weekly to daily").
fn is_value(tok: &Tok) -> bool {
    match tok {
        Tok::Num(n) => !n.year,
        Tok::Word(w) => lex::FREQUENCIES.contains(&w.as_str()),
        _ => false,
    }
}

/// "from X to Y" starting at `at`, or "X → Y" / "X -> Y" at `at`: the tokens of X and Y.
fn change_at(toks: &[Tok], at: usize) -> Option<(usize, usize)> {
    let find = |from: usize, within: usize, pred: &dyn Fn(&Tok) -> bool| {
        (from..(from + within).min(toks.len()))
            .take_while(|&k| toks[k] != Tok::Break)
            .find(|&k| pred(&toks[k]))
    };
    match &toks[at] {
        Tok::Word(w) if w == "from" => {
            let a = find(at + 1, 4, &is_value)?;
            let to = find(a + 1, 4, &|t| {
                matches!(t, Tok::Arrow) || t.word() == Some("to")
            })?;
            let b = find(to + 1, 3, &is_value)?;
            Some((a, b))
        }
        tok if is_value(tok) && !matches!(tok, Tok::Word(_)) => {
            let arrow = find(at + 1, 3, &|t| matches!(t, Tok::Arrow))?;
            let b = find(arrow + 1, 3, &is_value)?;
            Some((at, b))
        }
        _ => None,
    }
}

/// The number a level names at `at`: "at least 50", "≥ 50", "below 2%",
/// "50% or more", "no outages", "zero incidents".
fn level_at(toks: &[Tok], at: usize) -> Option<usize> {
    let num_within = |from: usize, within: usize| {
        (from..(from + within).min(toks.len()))
            .take_while(|&k| toks[k] != Tok::Break)
            .find(|&k| matches!(&toks[k], Tok::Num(n) if !n.year))
    };
    match &toks[at] {
        Tok::Compare => num_within(at + 1, 2),
        Tok::Word(w)
            if matches!(w.as_str(), "least" | "most" | "than")
                || lex::COMPARATORS.contains(&w.as_str()) =>
        {
            num_within(at + 1, 2)
        }
        // "no outages", "none this quarter": a level of zero, on what follows or on the subject.
        Tok::Word(w) if matches!(w.as_str(), "no" | "none" | "zero") => Some(at),
        Tok::Num(n) if !n.year => {
            let or = toks.get(at + 1).and_then(Tok::word) == Some("or");
            let more = toks.get(at + 2).and_then(Tok::word).is_some_and(|w| {
                matches!(
                    w,
                    "more"
                        | "better"
                        | "higher"
                        | "above"
                        | "less"
                        | "fewer"
                        | "lower"
                        | "below"
                        | "faster"
                )
            });
            (or && more).then_some(at)
        }
        _ => None,
    }
}

/// Whether `a` becomes `b` with one insertion, deletion, substitution or
/// swap of neighbours before their last letter: a different last letter
/// makes another word more often than a typo ("product", "produce").
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if prefix + 1 >= a.len().min(b.len()) {
        return false;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match (ra.len(), rb.len()) {
        (0, 0) => false,
        (x, y) if x == y => {
            ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        (x, y) if x + 1 == y => ra == &rb[1..],
        (x, y) if y + 1 == x => &ra[1..] == rb,
        _ => false,
    }
}
