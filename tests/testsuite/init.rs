//! `okr init`: a new repository that checks and builds clean, a GitHub
//! workflow that is valid YAML and uses the Pages actions, and folders and
//! files it refuses to touch.

use crate::common::*;
use serde_yaml_ng::Value;
use std::path::Path;

fn init(dir: &Path, extra: &[&str]) -> Run {
    run(okr()
        .arg("init")
        .arg(dir)
        .args(["--as-of", AS_OF])
        .args(extra))
}

#[test]
fn a_new_repository_checks_and_builds_clean() {
    let tmp = TempDir::new("init");
    let repo = tmp.path.join("acme-okrs");
    let run_init = init(&repo, &["--company", "Acme \"Tools\" & Co"]);
    assert_eq!(run_init.code, 0, "{}", run_init.stderr);
    for file in [
        "okr.toml",
        "teams/product.md",
        "people/alex.md",
        "okrs/2026-Q1/company/win-customer-loyalty.md",
        "okrs/2026-Q1/product/effortless-first-week.md",
        ".gitignore",
        ".github/workflows/okrs.yml",
        ".github/workflows/okr-sync.yml",
    ] {
        assert!(repo.join(file).is_file(), "{file} was not written");
        assert!(run_init.stdout.contains(file), "{file} is not listed");
    }
    let report = report_of(&repo);
    assert_eq!(report.diagnostics, [], "a new repository has no findings");
    assert_eq!(report.summary.objectives, 2);
    let build = run(okr().arg("build").arg(&repo).args(["--as-of", AS_OF]));
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(repo.join("public/index.html").is_file());
    assert!(repo.join("public/okrs.json").is_file());
    let gitignore = std::fs::read_to_string(repo.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/public/"));
    assert!(gitignore.lines().any(|l| l == "/.okr-cache/"));
}

#[test]
fn refuses_a_folder_with_files_and_never_overwrites() {
    let tmp = TempDir::new("init-refuse");
    tmp.write("README.md", "Our OKRs\n");
    let refused = init(&tmp.path, &[]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("is not empty"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert!(!tmp.path.join("okr.toml").exists(), "nothing is written");

    // --force adds the files beside what is there...
    let forced = init(&tmp.path, &["--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path.join("README.md")).unwrap(),
        "Our OKRs\n"
    );
    // ...but never over a file: a second run writes nothing at all.
    std::fs::write(tmp.path.join("okr.toml"), "title = \"Mine\"\n").unwrap();
    std::fs::remove_file(tmp.path.join("teams/product.md")).unwrap();
    let again = init(&tmp.path, &["--force"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("not overwriting"), "{}", again.stderr);
    assert!(again.stderr.contains("okr.toml"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path.join("okr.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    assert!(!tmp.path.join("teams/product.md").exists());
}

#[test]
fn a_fresh_clone_counts_as_empty() {
    let tmp = TempDir::new("init-clone");
    tmp.write(".git/HEAD", "ref: refs/heads/main\n");
    let run_init = init(&tmp.path, &[]);
    assert_eq!(run_init.code, 0, "{}", run_init.stderr);
}

fn step_uses<'a>(steps: &'a [Value], action: &str) -> Option<&'a Value> {
    steps.iter().find(|s| {
        s.get("uses")
            .and_then(Value::as_str)
            .is_some_and(|u| u.starts_with(&format!("{action}@")))
    })
}

/// The step whose `run:` starts with `prefix`.
fn step_running<'a>(steps: &'a [Value], prefix: &str) -> Option<&'a Value> {
    steps.iter().find(|s| {
        s.get("run")
            .and_then(Value::as_str)
            .is_some_and(|r| r.starts_with(prefix))
    })
}

fn runs(steps: &[Value]) -> Vec<&str> {
    steps
        .iter()
        .filter_map(|s| s.get("run").and_then(Value::as_str))
        .collect()
}

/// The package's name and version, as `Cargo.toml` gives them.
fn package() -> (String, String) {
    let manifest: toml::Table =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let package = &manifest["package"];
    (
        package["name"].as_str().unwrap().to_string(),
        package["version"].as_str().unwrap().to_string(),
    )
}

/// The steps that install okr and cache it: exactly this package at exactly
/// this version, under a key that names both, installed only on a cache miss.
fn assert_installs_this_package(steps: &[Value]) {
    let (name, version) = package();
    assert_ne!(
        name, "okr",
        "the crate `okr` on crates.io is another project"
    );
    let cache = step_uses(steps, "actions/cache").expect("okr is cached");
    assert_eq!(cache["with"]["path"], Value::from("~/.cargo/bin/okr"));
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(key.starts_with(&format!("{name}-{version}-")), "{key}");
    let install = step_running(steps, "cargo install").expect("an install step");
    assert_eq!(
        install["run"],
        Value::from(format!("cargo install {name} --locked --version {version}"))
    );
    let cache_id = cache["id"].as_str().expect("the cache step has an id");
    assert_eq!(
        install["if"],
        Value::from(format!("steps.{cache_id}.outputs.cache-hit != 'true'"))
    );
}

#[test]
fn the_workflow_checks_pull_requests_and_deploys_to_pages() {
    let tmp = TempDir::new("init-workflow");
    // A repository whose branch is not GitHub's default name: the workflow
    // publishes from the branch the repository has.
    git(&tmp.path, &["init", "--quiet", "--initial-branch", "trunk"]);
    assert_eq!(init(&tmp.path, &[]).code, 0);
    let text = std::fs::read_to_string(tmp.path.join(".github/workflows/okrs.yml")).unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&text).expect("the workflow is valid YAML");

    let on = &workflow["on"];
    assert!(on.get("pull_request").is_some());
    assert!(on.get("workflow_dispatch").is_some());
    assert_eq!(
        on["push"]["branches"],
        serde_yaml_ng::from_str::<Value>("[trunk]").unwrap()
    );
    let cron = on["schedule"][0]["cron"].as_str().expect("a daily rebuild");
    assert!(cron.ends_with("* * *"), "every day: {cron}");
    assert_eq!(
        workflow["permissions"],
        serde_yaml_ng::from_str::<Value>("{}").unwrap()
    );
    assert!(workflow["concurrency"]["group"].as_str().is_some());

    let jobs = &workflow["jobs"];
    let steps = |job: &str| -> Vec<Value> {
        jobs[job]["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("job {job} has steps"))
            .clone()
    };
    for (_, job) in jobs.as_mapping().unwrap() {
        assert!(
            job.get("permissions").is_some(),
            "least permissions per job"
        );
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(uses) = step.get("uses").and_then(Value::as_str) {
                let (_, commit) = uses.split_once('@').unwrap();
                assert!(
                    commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{uses} is pinned to a full commit id"
                );
                assert!(
                    text.lines().any(|l| l.contains(uses) && l.contains("# v")),
                    "{uses} says its version beside it"
                );
            }
            if uses_action(step, "actions/checkout") {
                assert_eq!(step["with"]["fetch-depth"], Value::from(0));
                assert_eq!(step["with"]["persist-credentials"], Value::from(false));
            }
            if let Some(run) = step.get("run").and_then(Value::as_str) {
                assert!(!run.contains("${{"), "no expression inside run: {run}");
            }
        }
    }

    let check = steps("check");
    assert_eq!(
        jobs["check"]["if"],
        Value::from("github.event_name == 'pull_request'")
    );
    assert_installs_this_package(&check);
    let check_runs = runs(&check);
    assert!(check_runs.contains(&"okr check --format github"));
    assert!(
        check_runs
            .iter()
            .any(|r| r.starts_with("okr build --out \"$RUNNER_TEMP/")),
        "pull requests build the site into a scratch folder: {check_runs:?}"
    );
    assert!(
        check_runs.iter().any(|r| r.starts_with("okr diff ")
            && r.contains("--format markdown")
            && r.ends_with(">> \"$GITHUB_STEP_SUMMARY\"")),
        "{check_runs:?}"
    );

    let build = steps("build");
    // The history cache: kept by the default branch's builds (actions/cache
    // saves it), only restored for pull requests; before the build that uses it.
    for (job, action) in [(&build, "actions/cache"), (&check, "actions/cache/restore")] {
        let at = |found: &dyn Fn(&Value) -> bool| job.iter().position(found);
        let cache = at(&|s| {
            s.get("uses")
                .and_then(Value::as_str)
                .is_some_and(|u| u.starts_with(&format!("{action}@")))
                && s["with"]["path"] == ".okr-cache"
        })
        .unwrap_or_else(|| panic!("{action} keeps .okr-cache"));
        assert!(
            job[cache]["with"]["key"]
                .as_str()
                .unwrap()
                .contains("${{ github.sha }}")
        );
        assert_eq!(
            job[cache]["with"]["restore-keys"],
            Value::from("okr-history-")
        );
        let built = at(&|s| {
            s.get("run")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("okr build"))
        });
        assert!(cache < built.unwrap(), "the cache comes before the build");
    }
    let condition = jobs["build"]["if"].as_str().unwrap();
    assert!(
        condition.contains("github.event.repository.default_branch"),
        "{condition}"
    );
    assert!(condition.contains("schedule"), "{condition}");
    assert_eq!(jobs["build"]["permissions"]["pages"], Value::from("read"));
    assert_installs_this_package(&build);
    assert!(runs(&build).contains(&"okr check --format github"));
    let pages = step_uses(&build, "actions/configure-pages").expect("configure-pages");
    let id = pages["id"].as_str().expect("configure-pages has an id");
    let base_url = step_running(&build, "okr build").expect("the build job builds");
    assert_eq!(
        base_url["run"],
        Value::from("okr build --base-url \"$BASE_PATH/\"")
    );
    assert_eq!(
        base_url["env"]["BASE_PATH"],
        Value::from(format!("${{{{ steps.{id}.outputs.base_path }}}}"))
    );
    // The week's digest in the run's summary, with links into the site; its
    // failure never stops the deploy.
    let digest = step_running(&build, "okr digest").expect("the build job writes a digest");
    assert_eq!(
        digest["run"],
        Value::from("okr digest --base-url \"$SITE_URL/\" >> \"$GITHUB_STEP_SUMMARY\"")
    );
    assert_eq!(
        digest["env"]["SITE_URL"],
        Value::from(format!("${{{{ steps.{id}.outputs.base_url }}}}"))
    );
    assert_eq!(digest["continue-on-error"], Value::from(true));
    let upload = step_uses(&build, "actions/upload-pages-artifact").expect("upload");
    assert_eq!(upload["with"]["path"], Value::from("public"));

    let deploy = &jobs["deploy"];
    assert_eq!(deploy["needs"], Value::from("build"));
    assert_eq!(deploy["permissions"]["pages"], Value::from("write"));
    assert_eq!(deploy["permissions"]["id-token"], Value::from("write"));
    assert_eq!(deploy["environment"]["name"], Value::from("github-pages"));
    assert!(step_uses(&steps("deploy"), "actions/deploy-pages").is_some());

    let dependabot: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(tmp.path.join(".github/dependabot.yml")).unwrap(),
    )
    .expect("Dependabot's settings are valid YAML");
    assert_eq!(
        dependabot["updates"][0]["package-ecosystem"],
        Value::from("github-actions")
    );
}

/// `okr sync` every day and by hand, committed by the Actions bot with the
/// check-ins it added listed; secrets only through `env:`, and the job may
/// write contents and nothing else.
#[test]
fn the_sync_workflow_commits_new_check_ins_every_day() {
    let tmp = TempDir::new("init-sync-workflow");
    assert_eq!(init(&tmp.path, &["--no-git"]).code, 0);
    let text = std::fs::read_to_string(tmp.path.join(".github/workflows/okr-sync.yml")).unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&text).expect("the workflow is valid YAML");
    let on = &workflow["on"];
    assert!(on.get("workflow_dispatch").is_some());
    assert!(on.get("pull_request").is_none() && on.get("push").is_none());
    let cron = on["schedule"][0]["cron"].as_str().expect("a daily sync");
    assert!(cron.ends_with("* * *"), "every day: {cron}");
    assert_eq!(
        workflow["permissions"],
        serde_yaml_ng::from_str::<Value>("{}").unwrap()
    );
    let jobs = workflow["jobs"].as_mapping().unwrap();
    assert_eq!(jobs.len(), 1);
    let job = &workflow["jobs"]["sync"];
    assert_eq!(
        job["permissions"],
        serde_yaml_ng::from_str::<Value>("{contents: write}").unwrap()
    );
    let steps = job["steps"].as_sequence().unwrap();
    assert_installs_this_package(steps);
    for step in steps {
        if let Some(uses) = step.get("uses").and_then(Value::as_str) {
            let (_, commit) = uses.split_once('@').unwrap();
            assert!(commit.len() == 40, "{uses} is pinned to a full commit id");
            assert!(
                text.lines().any(|l| l.contains(uses) && l.contains("# v")),
                "{uses} says its version beside it"
            );
        }
        if let Some(run) = step.get("run").and_then(Value::as_str) {
            assert!(!run.contains("${{"), "no expression inside run: {run}");
        }
    }
    let checkout = step_uses(steps, "actions/checkout").expect("a checkout");
    assert_eq!(
        checkout["with"]["persist-credentials"],
        Value::from(true),
        "it pushes"
    );
    let sync = steps
        .iter()
        .find(|s| {
            s.get("run")
                .and_then(Value::as_str)
                .is_some_and(|r| r.contains("okr sync"))
        })
        .expect("a step runs okr sync");
    assert_eq!(sync["id"], Value::from("sync"));
    assert!(
        text.contains("# env:\n        #   METRICS_TOKEN: ${{ secrets.METRICS_TOKEN }}"),
        "a commented example passes a secret through env: {text}"
    );
    let commit = step_running(steps, "if git diff --quiet").expect("a commit step");
    let commit = commit["run"].as_str().unwrap();
    for part in [
        "git config user.name \"github-actions[bot]\"",
        "41898282+github-actions[bot]@users.noreply.github.com",
        "grep '^added '",
        "git commit --all",
        "git push",
    ] {
        assert!(commit.contains(part), "{part}: {commit}");
    }
    let last = steps.last().unwrap();
    assert_eq!(last["if"], Value::from("steps.sync.outputs.status != '0'"));
}

fn uses_action(step: &Value, action: &str) -> bool {
    step.get("uses")
        .and_then(Value::as_str)
        .is_some_and(|u| u.starts_with(&format!("{action}@")))
}

#[test]
fn empty_writes_settings_and_workflow_in_a_new_git_repository() {
    let tmp = TempDir::new("init-empty");
    let repo = tmp.path.join("okrs");
    let made = init(&repo, &["--empty"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    for file in [
        "okr.toml",
        ".gitignore",
        ".github/workflows/okrs.yml",
        ".github/dependabot.yml",
    ] {
        assert!(repo.join(file).is_file(), "{file} was not written");
    }
    assert!(!repo.join("okrs").exists() && !repo.join("teams").exists());
    assert!(repo.join(".git").is_dir(), "a git repository was made");
    let branch = git(&repo, &["symbolic-ref", "--short", "HEAD"]);
    let workflow = std::fs::read_to_string(repo.join(".github/workflows/okrs.yml")).unwrap();
    assert!(
        workflow.contains(&format!("branches: [{branch}]")),
        "{workflow}"
    );
    let config = std::fs::read_to_string(repo.join("okr.toml")).unwrap();
    assert!(
        config.lines().any(|l| l == "current_period = \"2026-Q1\""),
        "{config}"
    );

    let check = run(okr()
        .arg("check")
        .args(["--as-of", AS_OF])
        .current_dir(&repo));
    assert_eq!(check.code, 0, "{}", check.stderr);
    let build = run(okr()
        .arg("build")
        .args(["--as-of", AS_OF])
        .current_dir(&repo));
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(repo.join("public/index.html").is_file());
}

#[test]
fn no_git_and_an_enclosing_repository_make_no_repository() {
    let tmp = TempDir::new("init-git");
    let plain = tmp.path.join("plain");
    assert_eq!(init(&plain, &["--no-git"]).code, 0);
    assert!(!plain.join(".git").exists());

    let outer = tmp.path.join("outer");
    std::fs::create_dir_all(&outer).unwrap();
    git(&outer, &["init", "--quiet"]);
    let inner = outer.join("okrs");
    let made = init(&inner, &[]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(
        !inner.join(".git").exists(),
        "no repository inside a repository"
    );
    assert!(!made.stderr.contains("git repository"), "{}", made.stderr);
}

#[test]
fn init_writes_the_check_in_form_and_its_workflow() {
    let tmp = TempDir::new("init-check-in");
    assert_eq!(init(&tmp.path, &["--empty", "--no-git"]).code, 0);
    let read = |path: &str| -> Value {
        let text = std::fs::read_to_string(tmp.path.join(path))
            .unwrap_or_else(|_| panic!("{path} was not written"));
        serde_yaml_ng::from_str(&text).expect("valid YAML")
    };

    // The form: the site's "Check in" links name its file and fill `key_result`.
    let form = read(".github/ISSUE_TEMPLATE/okr-check-in.yml");
    assert_eq!(
        form["labels"],
        serde_yaml_ng::from_str::<Value>("[okr-check-in]").unwrap()
    );
    let fields: Vec<(&str, &str, bool)> = form["body"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|f| f["type"].as_str() != Some("markdown"))
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["type"].as_str().unwrap(),
                f["validations"]["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("key_result", "input", true),
            ("value", "input", true),
            ("confidence", "input", false),
            ("note", "textarea", false),
            ("date", "input", false),
        ]
    );

    let text =
        std::fs::read_to_string(tmp.path.join(".github/workflows/okr-check-in.yml")).unwrap();
    let workflow = read(".github/workflows/okr-check-in.yml");
    assert_eq!(
        workflow["on"]["issues"]["types"],
        serde_yaml_ng::from_str::<Value>("[opened, edited]").unwrap()
    );
    assert_eq!(
        workflow["env"]["OKR_CHECKIN_VIA_PULL_REQUEST"],
        Value::from("false")
    );
    assert_eq!(
        workflow["permissions"],
        serde_yaml_ng::from_str::<Value>("{}").unwrap()
    );
    let job = &workflow["jobs"]["check-in"];
    let condition = job["if"].as_str().unwrap();
    assert!(
        condition.contains("github.event.issue.labels.*.name, 'okr-check-in'"),
        "{condition}"
    );
    assert_eq!(
        job["permissions"],
        serde_yaml_ng::from_str::<Value>("{contents: write, issues: write}").unwrap()
    );
    let steps = job["steps"].as_sequence().unwrap().clone();
    assert_installs_this_package(&steps);
    let runs = runs(&steps);
    assert!(
        runs.iter().any(|r| r.contains(
            "okr checkin --github-event \"$GITHUB_EVENT_PATH\" --comment-file \"$RUNNER_TEMP/okr-check-in.md\""
        )),
        "{runs:?}"
    );
    assert!(runs.iter().any(|r| r.contains("gh issue comment")));
    assert!(runs.iter().any(|r| r.contains("gh issue close")));
    let publish = &workflow["jobs"]["publish"];
    assert_eq!(
        publish["permissions"],
        serde_yaml_ng::from_str::<Value>("{actions: write}").unwrap()
    );
    for (_, job) in workflow["jobs"].as_mapping().unwrap() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(uses) = step.get("uses").and_then(Value::as_str) {
                let (_, commit) = uses.split_once('@').unwrap();
                assert_eq!(commit.len(), 40, "{uses} is pinned to a full commit id");
                assert!(text.lines().any(|l| l.contains(uses) && l.contains("# v")));
            }
            // The text reaches okr only through the event file.
            if let Some(run) = step.get("run").and_then(Value::as_str) {
                assert!(!run.contains("${{"), "no expression inside run: {run}");
            }
            if let Some(token) = step.get("env").and_then(|e| e.get("GH_TOKEN")) {
                assert_eq!(token, &Value::from("${{ github.token }}"));
            }
        }
    }
}
