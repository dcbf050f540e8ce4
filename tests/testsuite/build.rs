//! `okr build` on fixture repositories under `tests/fixtures/site/`: the pinned
//! output layout, links that resolve under a sub-path, escaping, template
//! overrides, and an output folder left alone when the build fails.

use crate::common::TempDir;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2026-02-15";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/site")
        .join(name)
}

/// A fresh, empty folder under the system's temporary folder, removed when
/// the test is done with it.
fn scratch(name: &str) -> TempDir {
    TempDir::new(&format!("build-{name}"))
}

/// A path in a scratch folder, which lives as long as the path does.
struct InScratch {
    path: PathBuf,
    _dir: TempDir,
}

impl InScratch {
    fn new(dir: TempDir, relative: &str) -> InScratch {
        InScratch {
            path: dir.path.join(relative),
            _dir: dir,
        }
    }
}

impl std::ops::Deref for InScratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for InScratch {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<std::ffi::OsStr> for InScratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.path.as_os_str()
    }
}

fn build(repo: &Path, out: &Path, extra: &[&str]) -> Output {
    build_on(repo, out, AS_OF, extra)
}

/// Builds keep no history cache: fixtures are built where they are, in the
/// source tree, which a test must not write to.
fn build_on(repo: &Path, out: &Path, as_of: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okr"))
        .arg("build")
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(["--as-of", as_of, "--no-cache"])
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run okr")
}

fn built(repo: &str, name: &str, extra: &[&str]) -> InScratch {
    let out = InScratch::new(scratch(name), "public");
    let output = build(&fixture(repo), &out, extra);
    assert!(
        output.status.success(),
        "okr build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Builds `repo` into `repo/public`, which must succeed.
fn built_at(repo: &Path) -> PathBuf {
    let out = repo.join("public");
    let output = build(repo, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Every file below `dir`, relative, with `/`.
fn files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("below root");
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The values of every `href="…"` and `src="…"` in a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("closing quote");
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// A page without the Markdown bodies people wrote: where their own links
/// point is theirs to choose.
fn without_bodies(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<section class=\"prose\">") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</section>")
            .map_or(rest.len(), |e| start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_page_of_the_layout_exists() {
    let out = built("basic", "layout", &[]);
    let found = files(&out);
    for expected in [
        "index.html",
        "periods/2026-Q1/index.html",
        "periods/2026-Q2/index.html",
        "objectives/2026-Q1/expand-germany/index.html",
        "objectives/2026-Q1/german-pipeline/index.html",
        "objectives/2026-Q1/coach-the-team/index.html",
        "objectives/2026-Q2/expand-germany/index.html",
        "teams/sales/index.html",
        "teams/sales-dach/index.html",
        "people/anna/index.html",
        "people/ben/index.html",
        "health/index.html",
        "changes/index.html",
        "404.html",
        ".nojekyll",
        ".okr-site",
        "assets/style.css",
        "assets/favicon.svg",
    ] {
        assert!(
            found.contains(expected),
            "{expected} missing from {found:?}"
        );
    }
    let index = read(&out.join("index.html"));
    assert!(
        index.contains("Build a German pipeline that converts"),
        "alignment tree lists the team objective"
    );
    assert!(
        index.contains("<details"),
        "the tree is collapsible without JavaScript"
    );
    assert!(!index.contains("<script"), "no script on the page");
    let health = read(&out.join("health/index.html"));
    assert!(
        health.contains("no team or person objective aligns to this company objective"),
        "health page shows the check's words"
    );
}

fn assert_links_resolve(out: &Path, base: &str) {
    let mut checked = 0;
    for file in files(out).iter().filter(|f| f.ends_with(".html")) {
        let html = without_bodies(&read(&out.join(file)));
        for link in links(&html) {
            // Links into the repository lead out of the site.
            if link.starts_with('#') || link.starts_with("https://github.com/") {
                continue;
            }
            let path = link
                .strip_prefix(base)
                .unwrap_or_else(|| panic!("{file}: link {link} does not start with {base}"));
            let path = path.split('#').next().unwrap_or_default();
            let target = if path.is_empty() || path.ends_with('/') {
                out.join(path).join("index.html")
            } else {
                out.join(path)
            };
            assert!(
                target.is_file(),
                "{file}: link {link} points at no file ({})",
                target.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn links_resolve_at_the_root() {
    let out = built("basic", "links-root", &[]);
    assert_links_resolve(&out, "/");
}

#[test]
fn links_resolve_under_a_sub_path() {
    let out = built("basic", "links-sub", &["--base-url", "/acme-okrs/"]);
    assert_links_resolve(&out, "/acme-okrs/");
    // The 404 page is served at any depth, so its links must not be relative.
    assert!(read(&out.join("404.html")).contains("href=\"/acme-okrs/assets/style.css\""));
}

#[test]
fn titles_and_bodies_cannot_inject_script() {
    let out = built("basic", "escaping", &[]);
    for file in files(&out).iter().filter(|f| f.ends_with(".html")) {
        let html = read(&out.join(file)).to_lowercase();
        assert!(
            !html.contains("<script"),
            "{file} contains a script element"
        );
        assert!(
            !html.contains("onerror"),
            "{file} contains an event handler"
        );
        for attr in [
            "href=\"javascript",
            "src=\"javascript",
            "href=\"data:",
            "src=\"data:",
        ] {
            assert!(!html.contains(attr), "{file} contains {attr}");
        }
    }
    let page = read(&out.join("objectives/2026-Q1/expand-germany/index.html"));
    assert!(
        page.contains("&lt;script&gt;alert("),
        "the title is shown, escaped"
    );
    assert!(
        page.contains("&lt;b&gt;signed&lt;/b&gt;"),
        "a check-in note is escaped"
    );
    assert!(
        page.contains("the market study"),
        "the link text stays, without its script URL"
    );
}

#[test]
fn a_template_override_takes_effect_and_static_files_are_copied() {
    let out = built("override", "override", &[]);
    let page = read(&out.join("objectives/2026-Q1/german-pipeline/index.html"));
    assert!(page.contains(
        "<h1 class=\"custom-objective\">Custom: Build a German pipeline that converts</h1>"
    ));
    // Other templates stay the built-in ones.
    assert!(read(&out.join("teams/sales/index.html")).contains("Sales DACH"));
    assert_eq!(read(&out.join("CNAME")).trim(), "acme.example");
}

#[test]
fn an_error_leaves_the_output_folder_as_it_was() {
    let out = InScratch::new(scratch("broken"), "public");
    std::fs::create_dir_all(&out).expect("create output");
    std::fs::write(out.join("index.html"), "previous site").expect("write");
    std::fs::write(out.join(".okr-site"), "").expect("write");
    let output = build(&fixture("broken"), &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unresolved-alignment"), "{stderr}");
    assert_eq!(
        files(&out),
        BTreeSet::from(["index.html".to_string(), ".okr-site".to_string()])
    );
    assert_eq!(read(&out.join("index.html")), "previous site");
}

#[test]
fn warnings_fail_the_build_only_when_denied() {
    let out = InScratch::new(scratch("deny"), "public");
    let output = build(&fixture("basic"), &out, &["--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists(), "nothing written");
    let output = build(&fixture("basic"), &out, &[]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("wrote 14 pages to ")
            && stdout.contains("(4 objectives, 0 errors, 1 warning)"),
        "{stdout}"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = built("basic", "same-a", &[]);
    let b = built("basic", "same-b", &[]);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa, fb);
    for f in &fa {
        assert_eq!(
            std::fs::read(a.join(f)).ok(),
            std::fs::read(b.join(f)).ok(),
            "{f} differs"
        );
    }
}

#[test]
fn a_rebuild_replaces_the_previous_site() {
    let out = built("basic", "rebuild", &[]);
    std::fs::write(out.join("stale.html"), "from an older build").expect("write");
    let output = build(&fixture("basic"), &out, &[]);
    assert!(output.status.success());
    assert!(
        !out.join("stale.html").exists(),
        "pages of the previous build are gone"
    );
    assert!(out.join("index.html").is_file());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A copy of the `basic` fixture in scratch folder `name` whose
/// `templates/` replaces the built-in template `template` with `text`.
fn basic_with_template(name: &str, template: &str, text: &str) -> InScratch {
    let repo = InScratch::new(scratch(name), "repo");
    copy_dir(&fixture("basic"), &repo);
    std::fs::create_dir_all(repo.join("templates")).expect("create");
    std::fs::write(repo.join("templates").join(template), text).expect("write");
    repo
}

#[test]
fn a_template_error_names_the_template_and_the_variable_and_writes_nothing() {
    let repo = basic_with_template(
        "template-error",
        "team.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.nmae }}</p>\n{% endblock %}\n",
    );
    let out = repo.join("public");
    let output = build(&repo, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("team.html:3:"), "{stderr}");
    assert!(stderr.contains("nmae"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn templates_group_counts_in_thousands_with_a_filter() {
    let repo = basic_with_template(
        "thousands-filter",
        "404.html",
        "{% extends \"base.html\" %}{% block content %}<p>{{ 8005 | thousands }} {{ 1234567 | thousands }} {{ -1200 | thousands }} {{ site.errors | thousands }}</p>{% endblock %}",
    );
    let out = repo.join("public");
    let output = build(&repo, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = read(&out.join("404.html"));
    assert!(page.contains("<p>8,005 1,234,567 -1,200 0</p>"), "{page}");
}

#[test]
fn a_theme_folder_replaces_the_built_in_theme() {
    let repo = InScratch::new(scratch("theme"), "repo");
    copy_dir(&fixture("basic"), &repo);
    let theme = repo.join("brand");
    std::fs::create_dir_all(theme.join("templates")).expect("create");
    std::fs::create_dir_all(theme.join("static")).expect("create");
    std::fs::write(
        theme.join("static/style.css"),
        "body { color: rebeccapurple; }",
    )
    .expect("write");
    std::fs::write(
        theme.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<p>Lost in {{ site.company }}</p>{% endblock %}",
    )
    .expect("write");
    let config = read(&repo.join("okr.toml")) + "theme = \"brand\"\n";
    std::fs::write(repo.join("okr.toml"), config).expect("write");
    let out = built_at(&repo);
    assert!(read(&out.join("404.html")).contains("<p>Lost in Acme</p>"));
    assert_eq!(
        read(&out.join("assets/style.css")),
        "body { color: rebeccapurple; }"
    );
    // Templates the theme does not have stay the built-in ones.
    assert!(read(&out.join("index.html")).contains("Company objectives"));
}

/// A copy of the fixture `name` with `templates` (path, text) written into it.
fn with_templates(name: &str, label: &str, templates: &[(&str, &str)]) -> InScratch {
    let repo = InScratch::new(scratch(label), "repo");
    copy_dir(&fixture(name), &repo);
    for (path, text) in templates {
        let path = repo.join("templates").join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create");
        std::fs::write(path, text).expect("write");
    }
    repo
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).map_or(html.len(), |i| i + start.len());
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn a_theme_of_its_own_reads_key_results_and_lines() {
    let objective = r#"{% extends "base.html" %}{% block content %}
<ul class="mine">{% for kr in page.objective.key_results %}
<li>{{ kr.title }}: {{ kr.current }} of {{ kr.target }}{% if kr.unit %} {{ kr.unit }}{% endif %}, {{ kr.progress }}, {% if kr.status %}{{ kr.status.label }}{% endif %}, check-ins{% for c in kr.checkins %} {{ c.date }}={{ c.value }}{% if c.confidence %} ({{ c.confidence }}){% endif %}{% endfor %}</li>
{%- endfor %}</ul>
<p class="children">{% for c in page.children %}{{ c.title }} by {{ c.owner.name }};{% endfor %}</p>
{% endblock %}"#;
    let team = r#"{% extends "base.html" %}{% block content %}
{% for section in page.periods %}{% for card in section.objectives %}
<p class="card">{{ card.title }}:{% for kr in card.key_results %} {{ kr.title }} ({{ kr.start }} → {{ kr.target }}){% endfor %}</p>
{%- endfor %}{% endfor %}
{% endblock %}"#;
    let repo = with_templates(
        "basic",
        "own-theme",
        &[("objective.html", objective), ("team.html", team)],
    );
    let out = built_at(&repo);
    let page = read(&out.join("objectives/2026-Q1/expand-germany/index.html"));
    let list = between(&page, "<ul class=\"mine\">", "</ul>");
    assert_eq!(
        list,
        "\n<li>German revenue from €0 to €2M: 700,000 of 2,000,000 €, 35%, On track, \
         check-ins 2026-02-10=700,000 (60%)</li>\
         \n<li>Brand recognition in the target group from 5 % to 20 %: 9 of 20 %, 27%, \
         At risk, check-ins 2026-02-12=9</li>"
    );
    assert!(
        page.contains("<p class=\"children\">Build a German pipeline that converts by Sales;</p>"),
        "{page}"
    );
    let team = read(&out.join("teams/sales/index.html"));
    assert!(
        team.contains(
            "<p class=\"card\">Build a German pipeline that converts: \
             Qualified German opportunities from 4 to 40 (4 → 40) \
             Win rate on German deals from 10 % to 25 % (10 → 25)</p>"
        ),
        "{team}"
    );
    // The pages the theme leaves to the built-in templates are as they were.
    let plain = built("basic", "own-theme-plain", &[]);
    for same in ["index.html", "people/anna/index.html"] {
        assert_eq!(read(&out.join(same)), read(&plain.join(same)), "{same}");
    }
}

/// Partials of the built-in theme that okr also writes itself.
const PARTIALS: [&str; 6] = [
    "partials/status_badge.html",
    "partials/key_result_list.html",
    "partials/key_result_details.html",
    "partials/objective_line.html",
    "partials/history.html",
    "partials/change_rows.html",
];

/// Makes `repo` a git repository with two commits, a week apart from
/// `first` (a day of its current period, so that the Changes page lists
/// them): all of it, then every objective renamed, by an author, with a
/// message, whose text HTML must escape; each objective's history then has
/// two entries.
fn commit_twice(repo: &Path, first: chrono::NaiveDate) {
    use crate::common::{git, git_command};
    let commit = |message: &str, date: &str| {
        git(repo, &["add", "-A"]);
        let output = git_command(repo)
            .args(["commit", "-q", "-m", message])
            .env("GIT_AUTHOR_NAME", "Ana <ops> & \"co\"")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .expect("git commit runs");
        assert!(output.status.success(), "{output:?}");
    };
    let at = |days| format!("{}T12:00:00+00:00", first + chrono::Days::new(days));
    git(repo, &["init", "-q", "-b", "main"]);
    commit("Set the OKRs", &at(0));
    for file in crate::common::files_below(&repo.join("okrs")) {
        let text = read(&file);
        if let Some(at) = text.find("title = \"") {
            let renamed = format!("{}Renamed <&> {}", &text[..at + 9], &text[at + 9..]);
            std::fs::write(&file, renamed).expect("write");
        }
    }
    commit("Rename \"every\" <objective> & more", &at(7));
}

#[test]
fn a_theme_that_overrides_a_partial_gets_its_own_markup() {
    // The status badge alone: every block that shows one is rendered from the
    // partials then, cards' key results and objective lines included.
    let badge = "{% component status_badge(status) %}{% if status %}\
                 <b class=\"mine-{{ status.key }}\">{{ status.label }}</b>\
                 {% else %}<b class=\"mine-none\">?</b>{% endif %}{% endcomponent status_badge %}";
    let repo = with_templates("basic", "badge", &[("partials/status_badge.html", badge)]);
    let out = built_at(&repo);
    let objective = read(&out.join("objectives/2026-Q1/expand-germany/index.html"));
    let head = between(&objective, "<header class=\"page-head\">", "</header>");
    assert!(
        head.contains("<b class=\"mine-on-track\">On track</b>"),
        "{head}"
    );
    let key_results = between(&objective, "<h2>Key results</h2>", "</section>");
    assert_eq!(
        key_results.matches("<b class=\"mine-").count(),
        2,
        "{key_results}"
    );
    let children = between(
        &objective,
        "<h2>Aligned to this objective</h2>",
        "</section>",
    );
    assert_eq!(
        children.matches("<b class=\"mine-").count(),
        1,
        "{children}"
    );
    let team = read(&out.join("teams/sales/index.html"));
    let multiples = between(&team, "<ul class=\"multiples\">", "</ul>");
    assert!(multiples.contains("<b class=\"mine-"), "{multiples}");
    for page in [&objective, &team, &read(&out.join("index.html"))] {
        assert!(!page.contains("class=\"badge status-"), "{page}");
    }

    // Each block.
    let repo = with_templates(
        "basic",
        "blocks",
        &[
            (
                "partials/key_result_list.html",
                "<ol class=\"mine\">{% for kr in card.key_results %}<li>{{ kr.title }}</li>{% endfor %}</ol>",
            ),
            (
                "partials/key_result_details.html",
                "{% for kr in page.objective.key_results %}<h3 class=\"mine\">{{ kr.title }}</h3>\
                 {{ page.burnups[loop.index0] }}{% endfor %}",
            ),
            (
                "partials/objective_line.html",
                "<li class=\"mine-line\">{{ card.title }} ({{ card.owner.name }})</li>",
            ),
        ],
    );
    let out = built_at(&repo);
    let index = read(&out.join("index.html"));
    assert!(
        index.contains(
            "<ol class=\"mine\"><li>German revenue from €0 to €2M</li>\
             <li>Brand recognition in the target group from 5 % to 20 %</li></ol>"
        ),
        "{index}"
    );
    assert!(!index.contains("kr-list"), "{index}");
    let objective = read(&out.join("objectives/2026-Q1/expand-germany/index.html"));
    assert!(
        objective.contains(
            "<h3 class=\"mine\">German revenue from €0 to €2M</h3><svg class=\"chart chart-burnup\""
        ),
        "{objective}"
    );
    assert!(!objective.contains("kr-detail"), "{objective}");
    assert!(
        objective
            .contains("<li class=\"mine-line\">Build a German pipeline that converts (Sales)</li>"),
        "{objective}"
    );
    assert!(
        !objective.contains("<li class=\"objective-line\">"),
        "{objective}"
    );
    // The status badge stays the built-in one where the theme left it.
    assert!(objective.contains("<span class=\"badge status-on-track\">On track</span>"));
}

#[test]
fn a_theme_that_overrides_the_history_partials_gets_its_own_rows() {
    let rows = "{% for i in s.rows %}<tr class=\"mine\"><td>{{ page.rows[i].title }} \
                {{ page.rows[i].entry.author }}</td></tr>{% endfor %}";
    // An objective page of its own including the history without asking
    // whether there is one: okr's markup is there all the same.
    let objective = "{% extends \"base.html\" %}{% block content %}<h1>{{ page.objective.title }}</h1>\
                     {% include \"partials/history.html\" %}{% endblock %}";
    let repo = with_templates(
        "basic",
        "history-partials",
        &[
            ("partials/change_rows.html", rows),
            ("objective.html", objective),
        ],
    );
    commit_twice(&repo, "2026-01-05".parse().expect("a date"));
    // An objective not committed yet, with no history.
    let person = repo.join("okrs/2026-Q1/anna");
    let text = read(&person.join("coach-the-team.md")).replace("fast", "faster");
    std::fs::write(person.join("coach-new-hires.md"), text).expect("write");
    let out = built_at(&repo);
    let changes = read(&out.join("changes/index.html"));
    assert!(
        changes.contains(
            "<tr class=\"mine\"><td>Renamed &lt;&amp;&gt; Build a German pipeline that converts \
             Ana ops &amp; &quot;co</td></tr>"
        ),
        "{changes}"
    );
    assert!(!changes.contains("change-list"), "{changes}");
    let page = read(&out.join("objectives/2026-Q1/expand-germany/index.html"));
    assert_eq!(page.matches("<li class=\"change-").count(), 2, "{page}");
    let new = read(&out.join("objectives/2026-Q1/coach-new-hires/index.html"));
    assert!(new.contains("<ol class=\"history\">\n</ol>"), "{new}");
}

/// Every file below `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).expect("read");
            (f, bytes)
        })
        .collect()
}

/// Fails with the first file and line where the sites `a` and `b` differ.
fn assert_same_site(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) {
    let names = |site: &[(String, Vec<u8>)]| site.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for ((name, bytes_a), (_, bytes_b)) in a.iter().zip(b) {
        if bytes_a != bytes_b {
            let text_a = String::from_utf8_lossy(bytes_a);
            let text_b = String::from_utf8_lossy(bytes_b);
            let line = (text_a.lines().zip(text_b.lines()))
                .position(|(x, y)| x != y)
                .unwrap_or_else(|| text_a.lines().count().min(text_b.lines().count()));
            let show = |text: &str| {
                text.lines()
                    .skip(line)
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "{name} differs from line {}:\n{}\n---\n{}",
                line + 1,
                show(&text_a),
                show(&text_b)
            );
        }
    }
}

/// okr's own markup for the blocks pages repeat (src/views/markup.rs) and
/// for objective, person and team pages (src/views/page_markup.rs) gives the
/// same bytes as the built-in templates it is the compiled form of. Each site
/// is built as it is, and again with copies of the partials whose output ends
/// in a marker (a theme's own, so Tera renders them, and the objective,
/// person and team pages that include them; the status badge's in its
/// component's body); without the markers,
/// both are the same, over every key result, card, objective line and
/// objective, person and team page of the example and the fixtures: milestones done and not,
/// no unit or an empty one, HTML-special characters in titles, units, names
/// and notes, no score, no key results, stale key results, ended, running and
/// upcoming periods, check-in links to a repository and none, retrospectives,
/// overrides, carried objectives, tags, scores from aligned objectives, a
/// year's objectives beside its quarters'.
#[test]
fn the_partials_render_what_okr_writes_for_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let marker = |name: &str| format!("<!-- rendered from {name} -->");
    let copies: Vec<(&str, String)> = PARTIALS
        .iter()
        .map(|name| {
            let mut text = read(&root.join("themes/default/templates").join(name));
            let end = text.rfind("{%- endcomponent").unwrap_or(text.len());
            text.insert_str(end, &marker(name));
            (*name, text)
        })
        .collect();
    // Each as of a day, with the first of its two commits two weeks before.
    let sites = [
        (root.join("example-okrs"), "2026-11-23", "2026-11-09"),
        (fixture("basic"), AS_OF, "2026-01-05"),
        (fixture("edge-cases"), AS_OF, "2026-01-05"),
        (fixture("measured-by-children"), AS_OF, "2026-01-05"),
        (fixture("key-result-owners"), AS_OF, "2026-01-05"),
        (fixture("annual-company"), "2027-03-15", "2027-02-01"),
    ];
    for (i, (source, as_of, first)) in sites.iter().enumerate() {
        let dir = scratch(&format!("partials-{i}"));
        let repo = dir.path.join("repo");
        copy_dir(source, &repo);
        // Each with a history: the entries' commits link into the
        // repository, as do "Check in" links, except for the fixture in the
        // middle.
        commit_twice(&repo, first.parse().expect("a date"));
        if i != 1 {
            let config = repo.join("okr.toml");
            let text = read(&config);
            let setting = "repository = \"https://github.com/acme/okrs\"\n";
            std::fs::write(&config, format!("{setting}{text}")).expect("write");
        }
        let build_into = |name: &str| {
            let out = dir.path.join(name);
            let output = Command::new(env!("CARGO_BIN_EXE_okr"))
                .arg("build")
                .arg(&repo)
                .arg("--out")
                .arg(&out)
                .args(["--as-of", as_of])
                .env_remove("SOURCE_DATE_EPOCH")
                .env_remove("GITHUB_ACTIONS")
                .output()
                .expect("run okr");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{stderr}");
            contents(&out)
        };
        let written = build_into("written");
        for (name, text) in &copies {
            let path = repo.join("templates").join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create");
            std::fs::write(path, text).expect("write");
        }
        let mut rendered = build_into("rendered");
        for partial in PARTIALS {
            let marker = marker(partial);
            let mut count = 0;
            for (_, bytes) in &mut rendered {
                let text = String::from_utf8_lossy(bytes);
                count += text.matches(&marker).count();
                *bytes = text.replace(&marker, "").into_bytes();
            }
            assert!(count > 0, "{}: {partial} not rendered", source.display());
        }
        assert_same_site(&written, &rendered);
    }
}

/// Builds `repo` into `out` as of 2026-11-23 (the day the example's
/// check-ins stop) with `threads` worker threads; it must succeed.
fn build_late_2026(repo: &Path, out: &Path, threads: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_okr"))
        .arg("build")
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(["--as-of", "2026-11-23", "--no-cache"])
        .env("RAYON_NUM_THREADS", threads)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run okr");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file of a site built with `threads` worker threads, with its bytes.
fn site_with_threads(repo: &Path, name: &str, threads: &str) -> Vec<(String, Vec<u8>)> {
    let out = InScratch::new(scratch(name), "public");
    build_late_2026(repo, &out, threads);
    files(&out)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).expect("read");
            (f, bytes)
        })
        .collect()
}

#[test]
fn a_parallel_build_is_byte_identical_to_a_single_threaded_one() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let one = site_with_threads(&example, "threads-1", "1");
    let many = site_with_threads(&example, "threads-8", "8");
    assert!(one.len() > 40, "only {} files", one.len());
    assert_eq!(one.len(), many.len());
    for ((a, bytes_a), (b, bytes_b)) in one.iter().zip(&many) {
        assert_eq!(a, b);
        assert!(bytes_a == bytes_b, "{a} differs between 1 and 8 threads");
    }
}

#[test]
fn refuses_to_replace_what_it_did_not_build() {
    let dir = scratch("refuse");
    let repo = dir.path.join("repo");
    copy_dir(&fixture("basic"), &repo);
    let before = files(&repo);
    for (out, why) in [
        (repo.clone(), "it is the OKR repository itself"),
        (dir.path.clone(), "it contains the OKR repository"),
        (
            repo.join("okrs/site"),
            "inside a folder of the repository's sources",
        ),
        (PathBuf::from("/"), "the root of the file system"),
    ] {
        let output = build(&repo, &out, &["--force"]);
        assert_eq!(output.status.code(), Some(2), "{}", out.display());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("okr: refusing to build into") && stderr.contains(why),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(files(&repo), before, "the repository is untouched");

    // Someone's folder: kept unless --force; a folder okr built is replaced.
    let notes = dir.path.join("notes");
    std::fs::create_dir_all(&notes).expect("create");
    std::fs::write(notes.join("todo.txt"), "keep me").expect("write");
    let output = build(&repo, &notes, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no okr build made it"));
    assert_eq!(read(&notes.join("todo.txt")), "keep me");
    let output = build(&repo, &notes, &["--force"]);
    assert!(output.status.success());
    assert!(notes.join("index.html").is_file() && !notes.join("todo.txt").exists());
    let output = build(&repo, &notes, &[]);
    assert!(output.status.success(), "the marker makes it ours");
}

#[test]
fn a_deep_alignment_chain_builds_and_pages_stay_small() {
    // 2,000 objectives each aligned to the previous one: breadcrumbs must not
    // repeat the whole chain on every page (that output grows quadratically).
    let repo = InScratch::new(scratch("deep"), "repo");
    std::fs::create_dir_all(repo.join("okrs")).expect("create");
    std::fs::create_dir_all(repo.join("teams")).expect("create");
    std::fs::write(repo.join("okr.toml"), "title = \"Deep\"\n").expect("write");
    std::fs::write(repo.join("teams/core.md"), "+++\nname = \"Core\"\n+++\n").expect("write");
    for i in 0..2000 {
        let parent = if i == 0 {
            String::new()
        } else {
            format!("team = \"core\"\naligns_to = \"o{}\"\n", i - 1)
        };
        let text = format!(
            "+++\ntitle = \"Objective {i}\"\nperiod = \"2026-Q1\"\n{parent}\
             [[key_results]]\ntitle = \"Signups from 0 to 10\"\ntarget = 10\n\
             [[key_results]]\ntitle = \"Churn from 5 to 2\"\nstart = 5\ntarget = 2\n+++\n"
        );
        std::fs::write(repo.join(format!("okrs/o{i}.md")), text).expect("write");
    }
    let out = built_at(&repo);
    let page = read(&out.join("objectives/2026-Q1/o1500/index.html"));
    let crumbs = page
        .split("<nav class=\"breadcrumbs\"")
        .nth(1)
        .and_then(|n| n.split("</nav>").next())
        .unwrap_or_default();
    assert_eq!(crumbs.matches("<li").count(), 7, "{crumbs}");
    assert!(
        crumbs.contains("Objective 0") && crumbs.contains("…") && crumbs.contains("Objective 1499"),
        "{crumbs}"
    );
    assert!(page.len() < 20_000, "page of {} bytes", page.len());
}

/// The real tags of a page with their attributes (name, value), read the way a
/// browser tokenises them: text and escaped payloads are not tags.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let tag = rest[..name_end].to_lowercase();
        let mut attributes = Vec::new();
        let mut at = &rest[name_end..];
        loop {
            at = at.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if at.is_empty() || at.starts_with('>') {
                break;
            }
            let name_len = at
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(at.len());
            let name = at[..name_len].to_lowercase();
            at = &at[name_len..];
            let mut value = String::new();
            if let Some(after) = at.strip_prefix('=') {
                let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
                let (v, next) = match quote {
                    Some(q) => {
                        let body = &after[1..];
                        let end = body.find(q).unwrap_or(body.len());
                        (&body[..end], &body[(end + 1).min(body.len())..])
                    }
                    None => {
                        let end = after
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                value = v.replace("&amp;", "&");
                at = next;
            }
            attributes.push((name, value));
        }
        out.push((tag, attributes));
        rest = at;
    }
    out
}

/// Strings that would run script if any reached a page unescaped.
const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "</title><script>alert(1)</script>",
    "\u{FF1C}script\u{FF1E}alert(1)",
    "<iframe src=javascript:alert(1)>",
];

#[test]
fn no_string_an_author_writes_can_run_script() {
    let repo = InScratch::new(scratch("xss"), "repo");
    std::fs::create_dir_all(repo.join("okrs/2026-Q1")).expect("create");
    std::fs::create_dir_all(repo.join("teams")).expect("create");
    std::fs::create_dir_all(repo.join("people")).expect("create");
    // TOML basic strings: escape the backslash and quote characters payloads contain.
    let toml = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let all = XSS.join(" ");
    std::fs::write(
        repo.join("okr.toml"),
        format!("title = {}\ncompany = {}\n", toml(&all), toml(XSS[1])),
    )
    .expect("write");
    std::fs::write(
        repo.join("teams/web.md"),
        format!(
            "+++\nname = {}\nlead = \"eve\"\nmembers = [\"eve\"]\n+++\n{all}\n",
            toml(XSS[0])
        ),
    )
    .expect("write");
    std::fs::write(
        repo.join("people/eve.md"),
        format!(
            "+++\nname = {}\nrole = {}\n+++\n{}\n",
            toml(XSS[2]),
            toml(XSS[3]),
            XSS.join("\n\n")
        ),
    )
    .expect("write");
    for (i, payload) in XSS.iter().enumerate() {
        let p = toml(payload);
        let owner = if i == 0 {
            String::new()
        } else {
            "team = \"web\"\naligns_to = \"o0\"\ncontributors = [\"eve\"]\n".to_string()
        };
        let text = format!(
            "+++\ntitle = {p}\nperiod = \"2026-Q1\"\n{owner}tags = [{p}]\n\
             [[key_results]]\nid = \"k\"\ntitle = \"Signups {i} from 0 to 10\"\ntarget = 10\nunit = {p}\n\
             [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 5\nnote = {p}\n\
             [[key_results]]\ntitle = \"Churn from 5 to 2\"\nstart = 5\ntarget = 2\n\
             [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 4\n\
             [[initiatives]]\ntitle = {p}\nkey_result = \"k\"\nstatus = \"planned\"\n+++\n\
             {payload}\n\n[link]({payload})\n\n![image]({payload})\n"
        );
        std::fs::write(repo.join(format!("okrs/2026-Q1/o{i}.md")), text).expect("write");
    }
    let out = built_at(&repo);
    let mut pages = 0;
    for file in files(&out).iter().filter(|f| f.ends_with(".html")) {
        pages += 1;
        for (tag, attributes) in tags(&read(&out.join(file))) {
            assert!(
                !["script", "iframe", "object", "embed"].contains(&tag.as_str()),
                "{file}: <{tag}>"
            );
            for (name, value) in attributes {
                assert!(!name.starts_with("on"), "{file}: <{tag} {name}=…>");
                let value = value.trim().to_lowercase();
                if name == "href" || name == "src" {
                    assert!(
                        !value.starts_with("javascript:") && !value.starts_with("data:"),
                        "{file}: {name}={value}"
                    );
                }
            }
        }
    }
    assert!(pages >= 15, "{pages} pages");
    // The payloads are shown as text, not dropped.
    assert!(
        read(&out.join("objectives/2026-Q1/o0/index.html"))
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

/// The example, built as of the day its check-ins stop, shows progress over
/// time: burn-ups, scores over the period, small multiples, the latest
/// check-ins, stale badges, final grades and retrospectives.
#[test]
fn progress_over_time_is_on_the_pages() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let out = InScratch::new(scratch("progress"), "public");
    build_late_2026(&example, &out, "2");
    let page = |path: &str| read(&out.join(path));
    let count = |html: &str, needle: &str| html.matches(needle).count();

    // An objective: its score over time and one burn-up per key result.
    let churn = page("objectives/2026-Q4/cut-churn/index.html");
    assert_eq!(count(&churn, r#"<svg class="chart chart-score""#), 1);
    assert_eq!(count(&churn, r#"<svg class="chart chart-burnup""#), 3);
    // Its text alternative says what the figures beside it do not.
    assert!(churn.contains("<title>2% on Nov 19; expected 2.03% by Nov 23</title>"));
    assert!(churn.contains("Continues <a href=\"/objectives/2026-Q3/account-health/\">"));
    // A metric to keep: its level and the share of the period it held, its
    // burn-up with the level drawn and the breach marked, named in the legend.
    let deploys = page("objectives/2026-Q4/boring-deploys/index.html");
    let kept = between(&deploys, "id=\"kr-deploys-per-week\"", "</article>");
    assert!(
        kept.contains("<span class=\"label\">keep</span> at least 20 deploys</span>"),
        "{kept}"
    );
    assert!(
        kept.contains("<span class=\"progress-figure\">held 51% of the period</span>"),
        "{kept}"
    );
    assert!(
        kept.contains(">≥ 20</text>") && kept.contains("<path class=\"breach\" d=\"M163,108h0\"/>"),
        "{kept}"
    );
    assert!(
        kept.contains("to keep at least 20 deploys; 1 value breaches it"),
        "{kept}"
    );
    assert!(!kept.contains("pace"), "{kept}");
    assert!(deploys.contains("<span class=\"key-breach\">"));
    assert!(!churn.contains("key-breach"));
    // The milestone steps from not done to done.
    let enterprise = page("objectives/2026-Q4/enterprise-ready/index.html");
    assert!(enterprise.contains("<title>Done on Nov 12</title>"));
    assert!(enterprise.contains(">not done</text>"));

    // The overview: the company score over the period and the latest check-ins, newest first.
    let index = page("index.html");
    assert_eq!(count(&index, r#"<svg class="chart chart-score""#), 1);
    let recent = &index[index
        .find("<h2>Recent check-ins</h2>")
        .expect("recent check-ins")..];
    let dates: Vec<&str> = recent.split("<time>").skip(1).map(|s| &s[..10]).collect();
    assert_eq!(dates.len(), 12);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(dates.iter().all(|d| *d <= "2026-11-23"));

    // Team and person pages: small multiples and the stale badge.
    let team = page("teams/customer-success/index.html");
    assert!(count(&team, r#"<svg class="chart chart-score chart-small""#) >= 3);
    assert!(team.contains("<h2>Recent check-ins</h2>"));
    let diego = page("people/diego/index.html");
    assert!(diego.contains(r#"<span class="badge badge-stale">1 stale</span>"#));

    // The ended quarter: final grades, and a score set in a retrospective beside the computed one.
    let q3 = page("periods/2026-Q3/index.html");
    assert!(q3.contains("<h2>Retrospectives</h2>"));
    let app = page("objectives/2026-Q3/technician-app/index.html");
    assert!(app.contains("Final grade <span class=\"badge status-partial\">Partial</span>"));
    assert!(app.contains("0.52 computed from the key results"));
    assert!(app.contains("<strong>0.60</strong> set in the retrospective"));
    assert!(app.contains("class=\"override\""));
}

#[test]
fn an_objective_without_key_results_is_scored_through_its_aligned_objectives() {
    let out = built("measured-by-children", "measured-by-children", &[]);
    let page = read(&out.join("objectives/2026-Q1/keep-customers/index.html"));
    // The company objective has no key results: it shows its team objective's score.
    assert!(page.contains("score 0.5"), "{page}");
    assert!(page.contains("from the objectives aligned to it"), "{page}");
    assert!(page.contains("None of its own"), "{page}");
    let home = read(&out.join("index.html"));
    assert!(
        home.contains("(from the objectives aligned to it)"),
        "{home}"
    );
}

/// Builds `repo` as of `as_of` and returns its home page.
fn home_page_on(repo: &str, as_of: &str) -> String {
    read(&built_on(repo, as_of).join("index.html"))
}

/// Builds `repo` as of `as_of`, which must succeed.
fn built_on(repo: &str, as_of: &str) -> InScratch {
    let out = InScratch::new(scratch(&format!("{repo}-{as_of}")), "public");
    let output = build_on(&fixture(repo), &out, as_of, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

#[test]
fn annual_company_objectives_head_the_home_page_all_year() {
    // The company sets objectives for the year, the team for some quarters.
    let company = "Become the service partner every coastal marina calls first";
    for (as_of, opens_on, team_objectives) in [
        // Planning in December: the next period with objectives.
        ("2026-12-10", "2027-Q1", &["northern"][..]),
        ("2027-01-01", "2027-Q1", &["northern"]),
        ("2027-05-10", "2027-Q2", &["southern"]),
        // No team objectives this quarter: the year itself.
        ("2027-08-01", "2027", &["northern", "southern"]),
        ("2027-12-31", "2027", &["northern", "southern"]),
    ] {
        let home = home_page_on("annual-company", as_of);
        assert!(
            home.contains(&format!("<span class=\"muted\">{opens_on}</span></h1>")),
            "{as_of}: {home}"
        );
        let cards = between(&home, "<h2>Company objectives</h2>", "</section>");
        assert!(cards.contains(company), "{as_of}: {cards}");
        let tree = between(&home, "<h2>Alignment</h2>", "</section>");
        assert!(tree.contains(company), "{as_of}: {tree}");
        for coast in team_objectives {
            assert!(
                tree.contains(&format!("Sign the marinas of the {coast} coast")),
                "{as_of}: {tree}"
            );
        }
        assert_eq!(
            tree.matches("Sign the marinas").count(),
            team_objectives.len(),
            "{as_of}: {tree}"
        );
        if opens_on == "2027-Q2" {
            // Quarters beside quarters, each at the same share of its period; not the year.
            let trend = between(&home, "<span class=\"trend-values\">", "</span>");
            assert!(
                trend.starts_with("2027-Q1 ") && trend.contains(" · 2027-Q2 "),
                "{trend}"
            );
            assert!(home.contains("(each period at 43%)"), "{home}");
        }
        if opens_on != "2027" {
            assert!(home.contains("Company score, 2027"), "{as_of}");
            assert!(
                cards.contains(&format!(
                    "The company's objectives are set for 2027, which {opens_on} is part of."
                )),
                "{as_of}"
            );
        }
    }
}

#[test]
fn an_ended_period_shows_grades_and_retrospectives_not_staleness() {
    let out = built_on("basic", "2026-04-15");
    let ended = read(&out.join("periods/2026-Q1/index.html"));
    assert!(ended.contains("by final grade"), "{ended}");
    assert!(
        ended.contains("<div class=\"summary-label\">Retrospectives</div>"),
        "{ended}"
    );
    assert!(!ended.contains("stale key"), "{ended}");
    let running = read(&out.join("periods/2026-Q2/index.html"));
    assert!(
        running.contains("by status") && running.contains("stale key"),
        "{running}"
    );
}

#[test]
fn key_results_show_their_owner_and_people_pages_what_they_own_and_lead() {
    let out = built("key-result-owners", "key-result-owners", &[]);
    let omar = "<a class=\"kr-owner\" href=\"/people/omar/\">Omar Nilsen</a>";
    // Beside the key result on its objective's page; cards, where a list shows them, too (see `markup`).
    let objective = read(&out.join("objectives/2026-Q1/online-bookings/index.html"));
    let details = between(&objective, "id=\"kr-mobile-conversion\"", "</article>");
    assert!(
        details.contains(&format!("<span>owner {omar}</span>")),
        "{details}"
    );
    let other = between(&objective, "id=\"kr-online-share\"", "</article>");
    assert!(!other.contains("kr-owner"), "{other}");
    // The team's page lists the objective, a line and a link: its card
    // would repeat the objective's page.
    let team = read(&out.join("teams/bookings/index.html"));
    assert!(
        team.contains("<a class=\"multiple-title\" href=\"/objectives/2026-Q1/online-bookings/\">"),
        "{team}"
    );
    assert!(!team.contains("kr-list"), "{team}");
    // The owner's page lists the key result, linked, with its objective.
    let person = read(&out.join("people/omar/index.html"));
    let owned = between(&person, "<h3>Key results owned</h3>", "</ul>");
    assert!(
        owned.contains(
            "<a href=\"/objectives/2026-Q1/online-bookings/#kr-mobile-conversion\">Mobile booking conversion from 2 % to 4 %</a>"
        ),
        "{owned}"
    );
    assert!(
        owned.contains("in <a href=\"/objectives/2026-Q1/online-bookings/\">Make booking a crossing online quick</a>"),
        "{owned}"
    );
    assert!(!person.contains("class=\"empty\""), "{person}");
    // The team's lead, who owns nothing, sees the team's objectives.
    let lead = read(&out.join("people/lena/index.html"));
    let led = between(&lead, "<h3>Objectives of the teams they lead</h3>", "</ul>");
    assert!(
        led.contains("<a href=\"/objectives/2026-Q1/online-bookings/\">Make booking a crossing online quick</a>"),
        "{led}"
    );
    assert!(!lead.contains("Key results owned"), "{lead}");
    assert!(!lead.contains("class=\"empty\""), "{lead}");
}

/// Every value reads with its unit, `%` beside the number and a word after
/// it in the singular for one, and every score with two decimals.
#[test]
fn values_carry_their_unit_and_scores_two_decimals() {
    let repo = InScratch::new(scratch("units"), "repo");
    copy_dir(&fixture("basic"), &repo);
    let file = repo.join("okrs/2026-Q1/expand-germany.md");
    let text = read(&file).replacen(
        "+++\nGermany",
        "\n[[key_results]]\nid = \"accounts\"\ntitle = \"Win 3 reference accounts\"\n\
         target = 3\nunit = \"accounts\"\n\n[[key_results.checkins]]\ndate = 2026-02-11\nvalue = 1\n\
         +++\nGermany",
        1,
    );
    std::fs::write(&file, text).expect("write objective");
    let out = built_at(&repo);
    let page = read(&out.join("objectives/2026-Q1/expand-germany/index.html"));
    let accounts = between(&page, "id=\"kr-accounts\"", "</article>");
    assert!(
        accounts.contains("<strong>1 account</strong>"),
        "{accounts}"
    );
    assert!(
        accounts.contains("<span class=\"label\">target</span> 3 accounts</span>"),
        "{accounts}"
    );
    // In the check-in table, the unit once, in its header.
    assert!(
        accounts.contains("<th>Value (accounts)<th>")
            && accounts.contains("<td>2026-02-11<td>1<td>"),
        "{accounts}"
    );
    assert!(accounts.contains(">3 accounts</text>"), "{accounts}");
    let awareness = between(&page, "id=\"kr-awareness\"", "</article>");
    assert!(awareness.contains("<strong>9%</strong>"), "{awareness}");
    assert!(
        awareness.contains("<th>Value (%)<th>") && awareness.contains("<td>2026-02-12<td>9<td>"),
        "{awareness}"
    );
    assert!(awareness.contains(">20%</text>"), "{awareness}");
    // Scores: two decimals on the page, in its chart's labels and text alternatives.
    assert!(
        page.contains(">0.70</text>") && page.contains(">1.00</text>"),
        "{page}"
    );
    assert!(!page.contains(">0.7</text>"), "{page}");
}

/// What keeps a large organisation's site small (GitHub Pages publishes at
/// most 1 GB): charts named once, by their `<title>`, and styled by the
/// stylesheet; lists as lines without charts; no objective card repeated on
/// team and person pages, whose small multiples link to each objective.
#[test]
fn pages_say_each_thing_once() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let out = InScratch::new(scratch("small"), "public");
    build_late_2026(&example, &out, "2");
    for name in files(&out).iter().filter(|f| f.ends_with(".html")) {
        let page = read(&out.join(name));
        for svg in page.split("<svg").skip(1) {
            let svg = &svg[..svg.find("</svg>").unwrap_or(svg.len())];
            assert!(!svg.contains("aria-label"), "{name}: {svg}");
            assert!(!svg.contains("style="), "{name}: {svg}");
            assert!(!svg.contains("stroke=\"currentColor\""), "{name}: {svg}");
        }
        for line in page.split("<li class=\"objective-line\">").skip(1) {
            let line = &line[..line.find("</li>").unwrap_or(line.len())];
            assert!(!line.contains("<svg"), "{name}: {line}");
        }
        if name.starts_with("teams/") || name.starts_with("people/") {
            assert!(!page.contains("<article class=\"card\">"), "{name}");
        }
    }
    // The example's largest objective page, seven check-ins a key result and
    // its history: 12.9 KB, where it was 15.1 KB (and 18.4 KB before that).
    let churn = read(&out.join("objectives/2026-Q4/cut-churn/index.html"));
    assert!(churn.len() < 13_500, "{} bytes", churn.len());
    // Its burn-ups: the period's dates written once, under the first; no
    // attribute a class of the stylesheet carries.
    assert_eq!(
        churn
            .matches(r#"<g class="text" id="burnup-dates">"#)
            .count(),
        1
    );
    assert_eq!(
        churn
            .matches(r##"<use class="text" href="#burnup-dates"/>"##)
            .count(),
        2
    );
    assert!(!churn.contains("class=\"chart-grid"));
    // Its check-in tables: the unit once, in the header.
    let logo = between(&churn, "id=\"kr-logo-churn\"", "</article>");
    assert!(logo.contains("<th>Value (%)<th>"), "{logo}");
    assert!(
        logo.contains("<td>2026-11-12<td>2.09<td>45%<td>\n"),
        "{logo}"
    );
    // The score chart stands in for the header's bar.
    let head = between(&churn, "<header class=\"page-head\">", "</header>");
    assert!(!head.contains("<svg"), "{head}");
    // The overview's alignment tree holds company and team objectives; every
    // objective's page is still linked from another page.
    let index = read(&out.join("index.html"));
    let tree = between(&index, "<h2>Alignment</h2>", "</section>");
    assert!(
        tree.contains("owner-team") && !tree.contains("owner-person"),
        "{tree}"
    );
    let mut linked = BTreeSet::new();
    for name in files(&out).iter().filter(|f| f.ends_with(".html")) {
        let page = read(&out.join(name));
        for link in page.split("href=\"").skip(1) {
            let url = &link[..link.find('"').unwrap_or(0)];
            let url = url.split('#').next().unwrap_or(url);
            if format!("/{name}") != format!("{url}index.html") {
                linked.insert(url.to_string());
            }
        }
    }
    for name in files(&out).iter().filter(|f| f.starts_with("objectives/")) {
        let url = format!("/{}", name.trim_end_matches("index.html"));
        assert!(linked.contains(&url), "no page links to {url}");
    }
}

/// `past_periods` in okr.toml: of the periods that have ended, only the
/// newest keep their pages; the others are still checked. Nothing links to a
/// page that is not there, and okrs.json and the exports list what has pages.
#[test]
fn past_periods_keeps_pages_only_for_the_periods_that_ended_last() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let scratch = scratch("past-periods");
    let repo = scratch.path.join("repo");
    copy_dir(&example, &repo);
    let config = read(&repo.join("okr.toml"));
    let with = |setting: &str| {
        std::fs::write(
            repo.join("okr.toml"),
            format!("{config}{setting}repository = \"https://github.com/acme/okrs\"\n"),
        )
        .unwrap();
    };
    let built = |name: &str| {
        let out = scratch.path.join(name);
        let output = build_on(&repo, &out, "2026-11-23", &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (out, String::from_utf8_lossy(&output.stdout).into_owned())
    };
    with("");
    let all = built("all");
    // 2026-Q3 ended on 2026-09-30; 2026 and 2026-Q4 are running.
    with("past_periods = 0\n");
    let (out, said) = built("none");
    assert!(!out.join("objectives/2026-Q3").exists());
    assert!(!out.join("periods/2026-Q3").exists());
    assert!(
        out.join("objectives/2026-Q4/cut-churn/index.html")
            .is_file()
    );
    assert!(out.join("periods/2026/index.html").is_file());
    assert_links_resolve(&out, "/");
    // Still checked: every objective counts.
    // `(31 objectives, 0 errors, 3 warnings)`.
    let checked = |stdout: &str| stdout.split(['(', ')']).nth(1).map(str::to_string);
    assert_eq!(checked(&said), checked(&all.1), "{said}");
    // The objective carried from 2026-Q3 links to its file instead.
    let churn = read(&out.join("objectives/2026-Q4/cut-churn/index.html"));
    assert!(
        churn.contains(
            "Continues <a href=\"https://github.com/acme/okrs/blob/HEAD/okrs/2026-Q3/customer-success/account-health.md\">"
        ),
        "{}",
        between(&churn, "class=\"muted carried\"", "</p>")
    );
    assert!(!read(&out.join("index.html")).contains("2026-Q3"));
    // okrs.json and `okr export` list the objectives with pages, and only them.
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("okrs.json"))).unwrap();
    let periods: BTreeSet<&str> = json["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, BTreeSet::from(["2026", "2026-Q4"]));
    let export = Command::new(env!("CARGO_BIN_EXE_okr"))
        .args(["export", "--format", "json", "--as-of", "2026-11-23"])
        .arg(&repo)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&export.stdout) == read(&out.join("okrs.json")));

    // One ended period kept: 2026-Q3 has its pages again.
    with("past_periods = 1\n");
    let (out, _) = built("one");
    assert!(out.join("periods/2026-Q3/index.html").is_file());
    assert!(
        read(&out.join("objectives/2026-Q4/cut-churn/index.html"))
            .contains("Continues <a href=\"/objectives/2026-Q3/account-health/\">")
    );
    assert_links_resolve(&out, "/");
    assert_eq!(files(&out), files(&all.0));
}
