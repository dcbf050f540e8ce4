//! A small organisation whose files the history and diff tests change commit by commit.

use super::GitRepo;

pub const CONFIG: &str =
    "title = \"Acme OKRs\"\ncompany = \"Acme\"\ncurrent_period = \"2026-Q1\"\n";
pub const TEAM: &str =
    "+++\nname = \"Sales\"\nlead = \"anna\"\nmembers = [\"anna\", \"bob\"]\n+++\nWe sell.\n";
pub const PERSON: &str = "+++\nname = \"Anna Schmidt\"\nrole = \"Head of Sales\"\n+++\n";

pub const GROW: &str = "+++
title = \"Grow revenue in Germany\"
period = \"2026-Q1\"

[[key_results]]
id = \"revenue\"
title = \"Revenue from German customers\"
start = 100_000
target = 250_000
unit = \"EUR\"

[[key_results]]
id = \"customers\"
title = \"Paying German customers\"
start = 40
target = 90
+++
Germany is our largest market that we do not serve yet.
";

/// [`GROW`] written differently, meaning the same.
pub const GROW_REFORMATTED: &str = "+++
period = '2026-Q1'
title  = 'Grow revenue in Germany'
[[key_results]]
title = 'Revenue from German customers'
id = 'revenue'
unit = 'EUR'
target = 250000
start = 100000.0
[[key_results]]
target = 90
start = 40
title = 'Paying German customers'
id = 'customers'
+++

Germany is our largest market that we do not serve yet.   
";

pub const RETAIN: &str = "+++
title = \"Keep the customers we have\"
period = \"2026-Q1\"

[[key_results]]
title = \"Monthly churn\"
start = 5
target = 3
unit = \"%\"

[[key_results]]
title = \"Net promoter score\"
start = 30
target = 45
+++
";

pub const PIPELINE: &str = "+++
title = \"Fill the German pipeline\"
period = \"2026-Q1\"
team = \"sales\"
aligns_to = \"grow\"

[[key_results]]
id = \"opportunities\"
title = \"Qualified opportunities\"
target = 100

[[key_results]]
id = \"demos\"
title = \"Demos held with German prospects\"
target = 40
+++
";

pub const EVENTS: &str = "+++
title = \"Be seen at German trade fairs\"
period = \"2026-Q1\"
team = \"sales\"
aligns_to = \"grow#customers\"

[[key_results]]
title = \"Leads from trade fairs\"
target = 60

[[key_results]]
title = \"Visitors at our booth\"
target = 500
+++
";

pub const PIPELINE_PATH: &str = "okrs/2026-Q1/sales/pipeline.md";

/// The organisation before any change: settings, a team, a person, two
/// company objectives and two of the sales team.
pub fn write_base(repo: &GitRepo) {
    repo.write("okr.toml", CONFIG);
    repo.write("teams/sales.md", TEAM);
    repo.write("people/anna.md", PERSON);
    repo.write("okrs/2026-Q1/company/grow.md", GROW);
    repo.write("okrs/2026-Q1/company/retain.md", RETAIN);
    repo.write(PIPELINE_PATH, PIPELINE);
    repo.write("okrs/2026-Q1/sales/events.md", EVENTS);
}

/// `text` with `from` replaced by `to`, which must occur in it.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the text");
    text.replacen(from, to, 1)
}

/// The pipeline objective after a lowered target and a key result swapped for another.
pub fn pipeline_changed() -> String {
    let text = edit(PIPELINE, "target = 100", "target = 80");
    edit(
        &text,
        "[[key_results]]\nid = \"demos\"\ntitle = \"Demos held with German prospects\"\ntarget = 40\n",
        "[[key_results]]\nid = \"meetings\"\ntitle = \"German buyers who met us for the first time\"\ntarget = 30\n",
    )
}
