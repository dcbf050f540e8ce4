//! `okr init`: a new repository that checks and builds clean, a GitHub
//! workflow that is valid YAML and uses the Pages actions, and folders and
//! files it refuses to touch.

mod common;

use common::*;
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

fn runs(steps: &[Value]) -> Vec<&str> {
    steps
        .iter()
        .filter_map(|s| s.get("run").and_then(Value::as_str))
        .collect()
}

#[test]
fn the_workflow_checks_pull_requests_and_deploys_to_pages() {
    let tmp = TempDir::new("init-workflow");
    assert_eq!(init(&tmp.path, &[]).code, 0);
    let text = std::fs::read_to_string(tmp.path.join(".github/workflows/okrs.yml")).unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&text).expect("the workflow is valid YAML");
    let on = &workflow["on"];
    assert!(on.get("pull_request").is_some() && on.get("push").is_some());
    let jobs = &workflow["jobs"];
    let steps = |job: &str| -> Vec<Value> {
        jobs[job]["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("job {job} has steps"))
            .clone()
    };

    let check = steps("check");
    assert!(
        jobs["check"]["if"]
            .as_str()
            .unwrap()
            .contains("pull_request")
    );
    let checkout = step_uses(&check, "actions/checkout").expect("check checks out");
    assert_eq!(checkout["with"]["fetch-depth"], Value::from(0));
    assert!(runs(&check).contains(&"okr check --format github"));
    assert!(
        runs(&check)
            .iter()
            .any(|r| r.contains("cargo install okr --locked"))
    );

    let build = steps("build");
    assert_eq!(jobs["build"]["permissions"]["pages"], Value::from("read"));
    assert!(
        jobs["build"]["if"]
            .as_str()
            .unwrap()
            .contains("github.event.repository.default_branch")
    );
    let checkout = step_uses(&build, "actions/checkout").expect("build checks out");
    assert_eq!(checkout["with"]["fetch-depth"], Value::from(0));
    let pages = step_uses(&build, "actions/configure-pages").expect("configure-pages");
    let id = pages["id"].as_str().expect("configure-pages has an id");
    assert!(
        runs(&build).iter().any(|r| r.starts_with("okr build")
            && r.contains(&format!(
                "--base-url \"${{{{ steps.{id}.outputs.base_path }}}}/\""
            ))),
        "{:?}",
        runs(&build)
    );
    let upload = step_uses(&build, "actions/upload-pages-artifact").expect("upload");
    assert_eq!(upload["with"]["path"], Value::from("public"));

    let deploy = &jobs["deploy"];
    assert_eq!(deploy["needs"], Value::from("build"));
    assert_eq!(deploy["permissions"]["pages"], Value::from("write"));
    assert_eq!(deploy["permissions"]["id-token"], Value::from("write"));
    assert_eq!(deploy["environment"]["name"], Value::from("github-pages"));
    assert!(step_uses(&steps("deploy"), "actions/deploy-pages").is_some());
}
