//! `okr build`: renders every page of the site in memory, then writes the
//! output folder in one go, so a failed build leaves the previous site as it was.

use crate::check::Checked;
use crate::render::{self, RenderError, Theme};
use crate::views::SiteData;
use chrono::NaiveDate;
use std::fmt;
use std::path::{Path, PathBuf};

/// One file of the site: its path relative to the output folder, with `/`.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    fn page(dir: &str, html: String) -> OutputFile {
        let path = if dir.is_empty() {
            "index.html".to_string()
        } else {
            format!("{dir}/index.html")
        };
        OutputFile {
            path,
            bytes: html.into_bytes(),
        }
    }
}

/// The rendered site.
pub struct Site {
    pub files: Vec<OutputFile>,
    /// HTML pages among `files`.
    pub pages: usize,
}

#[derive(Debug)]
pub enum BuildError {
    Render(RenderError),
    Write(PathBuf, std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Render(e) => e.fmt(f),
            BuildError::Write(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        BuildError::Render(e)
    }
}

/// Renders every page of a checked organisation. `base_url` overrides `okr.toml`'s.
pub fn render(
    checked: &Checked,
    base_url: Option<&str>,
    as_of: NaiveDate,
) -> Result<Site, BuildError> {
    let org = &checked.org;
    let theme_dir = org.config.theme.as_ref().map(|t| org.root.join(t));
    let mut theme = Theme::load(theme_dir.as_deref(), &org.root.join("templates"))?;
    let data = SiteData::new(checked, base_url.unwrap_or(&org.config.base_url), as_of);
    theme.set_global("site", &data.site);

    let mut files = Vec::new();
    let current = data
        .periods
        .iter()
        .find(|p| p.current)
        .or(data.periods.last());
    if let Some(period) = current {
        files.push(OutputFile::page(
            "",
            theme.render("index.html", &data.overview(period), &period.name)?,
        ));
    }
    for period in &data.periods {
        let dir = format!("periods/{}", period.name);
        files.push(OutputFile::page(
            &dir,
            theme.render("index.html", &data.overview(period), &period.name)?,
        ));
    }
    for (i, o) in org.objectives.iter().enumerate() {
        let dir = format!("objectives/{}/{}", o.period.value, o.id.value);
        files.push(OutputFile::page(
            &dir,
            theme.render("objective.html", &data.objective(i), &o.period.value)?,
        ));
    }
    for (i, team) in org.teams.iter().enumerate() {
        let dir = format!("teams/{}", team.id.value);
        files.push(OutputFile::page(
            &dir,
            theme.render("team.html", &data.team(i), "")?,
        ));
    }
    for (i, person) in org.people.iter().enumerate() {
        let dir = format!("people/{}", person.id.value);
        files.push(OutputFile::page(
            &dir,
            theme.render("person.html", &data.person(i), "")?,
        ));
    }
    files.push(OutputFile::page(
        "health",
        theme.render("health.html", &data.health(), "")?,
    ));
    files.push(OutputFile {
        path: "404.html".into(),
        bytes: theme.render("404.html", &(), "")?.into_bytes(),
    });
    let pages = files.len();

    // GitHub Pages would otherwise run Jekyll, which hides folders starting with `_`.
    files.push(OutputFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
    for (name, bytes) in &theme.assets {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            bytes: bytes.clone(),
        });
    }
    for (name, bytes) in render::read_tree(&org.root.join("static"))? {
        files.push(OutputFile { path: name, bytes });
    }
    Ok(Site { files, pages })
}

/// Writes the site into a fresh folder beside `out`, then swaps it in, so
/// readers never see half a site and a failure leaves the old one whole.
pub fn write(site: &Site, out: &Path) -> Result<(), BuildError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |e| BuildError::Write(path, e)
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(err(&parent))?;
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.okr-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.okr-old-{}", std::process::id()));
    let result = (|| {
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(err(&staging))?;
        }
        for file in &site.files {
            let path = staging.join(&file.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(err(dir))?;
            }
            std::fs::write(&path, &file.bytes).map_err(err(&path))?;
        }
        if out.exists() {
            std::fs::rename(out, &retired).map_err(err(out))?;
        }
        if let Err(e) = std::fs::rename(&staging, out) {
            // Put the old site back rather than leave nothing.
            let _ = std::fs::rename(&retired, out);
            return Err(BuildError::Write(out.to_path_buf(), e));
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    if retired.exists() {
        let _ = std::fs::remove_dir_all(&retired);
    }
    result
}
