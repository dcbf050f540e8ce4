use super::*;
use crate::check::testing::*;

fn detector() -> Detector {
    Detector::new(&[], &[])
}

fn reason(title: &str) -> Option<Reason> {
    detector().classify(title)
}

fn verb(v: &str) -> Option<Reason> {
    Some(Reason::TaskVerb(v.to_string()))
}

fn output(noun: &str, verb: Option<&str>) -> Option<Reason> {
    Some(Reason::OwnOutput {
        noun: noun.to_string(),
        verb: verb.map(str::to_string),
    })
}

#[test]
fn reads_past_adverbs_subjects_and_verb_forms() {
    assert_eq!(reason("Launching the new website"), verb("launch"));
    assert_eq!(
        reason("Defined and published the career ladder"),
        verb("define")
    );
    assert_eq!(reason("Fully automate the release"), verb("automate"));
    assert_eq!(
        reason("We write a guide for first-time contributors"),
        verb("write")
    );
    assert_eq!(
        reason("The platform team ships a deploy tool"),
        verb("ship")
    );
    assert_eq!(
        reason("We will run a pilot with two hospitals"),
        verb("run")
    );
    assert_eq!(
        reason("Setting up a customer advisory board"),
        verb("set up")
    );
    assert_eq!(
        reason("Rolled out SSO for all internal tools"),
        verb("roll out")
    );
    assert_eq!(
        reason("KR2: Translate the website into German"),
        verb("translate")
    );
    assert_eq!(reason("Relaunch the partner portal"), verb("relaunch"));
    assert_eq!(reason("Lauch the affiliate programme"), verb("launch"));
}

#[test]
fn a_noun_and_of_is_a_measure_or_a_task_made_a_noun() {
    assert_eq!(reason("Implementation of the new CRM"), verb("implement"));
    assert_eq!(
        reason("Roll-out of the expense tool to all staff"),
        verb("roll out")
    );
    assert_eq!(reason("Launch of the partner portal"), verb("launch"));
    // The measure says what the work is for.
    assert_eq!(
        reason("Migration of billing to cut invoice errors from 40 to 5"),
        None
    );
    // "Share" and "number" are nouns here, not the verb "share".
    assert_eq!(reason("Share of revenue from outside the US: 35%"), None);
    assert_eq!(reason("Number of repeat buyers from 300 to 500"), None);
    assert_eq!(
        reason("Share the roadmap with every customer"),
        verb("share")
    );
}

#[test]
fn counts_of_own_output_are_output() {
    assert_eq!(
        reason("Run 4 webinars for German engineers"),
        output("webinars", Some("run"))
    );
    assert_eq!(
        reason("Intro calls with 20 prospects"),
        output("calls", None)
    );
    assert_eq!(reason("12 blog posts per month"), output("posts", None));
    assert_eq!(
        reason("Number of demos given from 30 to 60"),
        output("demos", None)
    );
    assert_eq!(
        reason("Hold at least 6 workshops"),
        output("workshops", Some("hold"))
    );
}

#[test]
fn measured_results_are_outcomes() {
    for title in [
        "Deliver 650 qualified leads to sales",
        "Deliver savings of $250k",
        "Generate €2M in pipeline",
        "Reach 500 paying customers",
        "Grow weekly active teams by 30%",
        "Monthly recurring revenue from €180k to €240k",
        "Churn 5% → 3%",
        "NPS ≥ 50 maintained all quarter",
        "99.9% uptime for the checkout API",
        "Webinar attendees who book a demo from 5% to 15%",
        "Launch the referral programme to lift sign-ups from 5% to 9%",
        "Team members rely on the handbook instead of asking HR",
        "Launches per week from 2 to 5",
        "Setup time from 5 to 2 days",
        "Improve customer satisfaction",
        "Keep the waiting list short",
        "Store visits from the spring campaign from 0 to 400",
        "Zero outages caused by expired certificates",
        "Calls about flat tyres from 120 to 60 a month",
    ] {
        assert_eq!(reason(title), None, "{title}");
    }
}

#[test]
fn finished_states_and_vague_verbs_are_tasks() {
    assert_eq!(
        reason("Data warehouse in place"),
        Some(Reason::Finished("in place".into()))
    );
    assert_eq!(
        reason("Handbook is published on the intranet"),
        Some(Reason::Finished("published".into()))
    );
    assert_eq!(
        reason("New careers page live"),
        Some(Reason::Finished("live".into()))
    );
    assert_eq!(
        reason("Improve the onboarding docs"),
        Some(Reason::Vague("improve".into()))
    );
    // A measure outweighs the state.
    assert_eq!(
        reason("Handbook published and used by 80% of new hires within a week"),
        None
    );
}

#[test]
fn configured_words_add_to_the_lexicon_or_silence_it() {
    let ship = ["ship".to_string()];
    let none: [String; 0] = [];
    let custom = Detector::new(&["onboard".to_string(), "put live".to_string()], &none);
    assert_eq!(
        custom.classify("Onboard 40 new restaurants"),
        verb("onboard")
    );
    assert_eq!(custom.classify("Put live the new shop"), verb("put live"));
    // Built-in verbs stay: the configured ones are additions.
    assert_eq!(custom.classify("Launch the new shop"), verb("launch"));
    let quiet = Detector::new(&none, &[ship[0].clone(), "Webinars".to_string()]);
    assert_eq!(quiet.classify("Ship the iOS widget"), None);
    assert_eq!(quiet.classify("Shipped the iOS widget"), None);
    assert_eq!(quiet.classify("6 webinars a quarter"), None);
    assert_eq!(quiet.classify("Launch the new shop"), verb("launch"));
}

#[test]
fn findings_say_why_and_how_to_rewrite() {
    let kr = |title: &str| format!("[[key_results]]\ntitle = \"{title}\"\ntarget = 3\n");
    let file = (
        "okrs/2026-Q1/sales.md",
        format!(
            "+++\ntitle = \"Sell\"\nperiod = \"2026-Q1\"\n{}{}{}+++\n",
            kr("Attend 3 trade shows"),
            kr("Run 4 webinars for German engineers"),
            kr("Deliver 650 qualified leads to sales")
        ),
    );
    let checked = run(&[CONFIG, (file.0, &file.1)]);
    let found: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::ActivityKeyResult)
        .map(|d| (d.message.as_str(), d.help.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].0.contains("starts with the task verb 'attend'"),
        "{}",
        found[0].0
    );
    assert!(found[0].1.contains("[[initiatives]]"), "{}", found[0].1);
    assert!(
        found[1]
            .0
            .contains("counts the team's own output: 'webinars'"),
        "{}",
        found[1].0
    );
    assert!(
        found[1].1.contains("measure what the webinars are for: e.g. `qualified leads from webinar attendees from 0 to 40`"),
        "{}",
        found[1].1
    );
    // One output is spoken of as one.
    let one = Reason::OwnOutput {
        noun: "newsletter".to_string(),
        verb: None,
    };
    assert!(
        help(&one).starts_with("measure what the newsletter is for: e.g. `trial sign-ups")
            && help(&one).contains("list the newsletter itself"),
        "{}",
        help(&one)
    );
    // Work stated as done says so, rather than naming its output.
    assert_eq!(
        reason("Case study with a bank published"),
        Some(Reason::Finished("published".to_string()))
    );
}

#[test]
fn linear_in_the_title_and_bounded() {
    let d = detector();
    assert_linear(
        "a long title",
        20_000,
        |n| "Launch running from 1 to at least 2 webinars → ".repeat(n / 40 + 1),
        |title| {
            d.classify(title);
        },
    );
    // However long, a title is read only so far: pathological text costs a fixed amount.
    let long = "relaunched ".repeat(100_000);
    assert_eq!(d.classify(&long), verb("relaunch"));
}

/// Precision and recall for `task` over the labelled titles of one split.
#[derive(Debug, Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    rows: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

#[test]
fn labelled_titles() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kr-labels.tsv");
    let text = std::fs::read_to_string(&path).expect("the labelled set is in the repository");
    let d = detector();
    let show = std::env::var_os("OKR_SHOW_TUNE_ERRORS").is_some();
    let mut scores: std::collections::BTreeMap<&str, Score> = Default::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split('\t');
        let (Some(split), Some(label), Some(title), None) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            panic!("not split<TAB>label<TAB>title: {line:?}");
        };
        assert!(matches!(split, "tune" | "held-out"), "{line:?}");
        let task = match label {
            "task" => true,
            "outcome" => false,
            _ => panic!("label is task or outcome: {line:?}"),
        };
        let found = d.classify(title);
        let score = scores.entry(split).or_default();
        score.rows += 1;
        match (task, found.is_some()) {
            (true, true) => score.tp += 1,
            (false, true) => score.fp += 1,
            (true, false) => score.fn_ += 1,
            (false, false) => {}
        }
        if show && split == "tune" && task != found.is_some() {
            println!("{label}\t{found:?}\t{title}");
        }
    }
    for (split, s) in &scores {
        println!(
            "{split}: {} rows, precision {:.3}, recall {:.3} (tp {}, fp {}, fn {})",
            s.rows,
            s.precision(),
            s.recall(),
            s.tp,
            s.fp,
            s.fn_
        );
    }
    let rows: usize = scores.values().map(|s| s.rows).sum();
    assert!(rows >= 400, "only {rows} labelled titles");
    let held_out = &scores["held-out"];
    assert!(
        held_out.precision() >= 0.9,
        "held-out precision {:.3}",
        held_out.precision()
    );
    assert!(
        held_out.recall() >= 0.8,
        "held-out recall {:.3}",
        held_out.recall()
    );
}
