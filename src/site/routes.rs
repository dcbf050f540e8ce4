//! Where every page of the site lives: its file in the output folder, its URL
//! under the base URL, and the page a requested path names. Computed here and
//! nowhere else, as Zola computes a permalink once: a new kind of page is a
//! new [`Route`].

pub use crate::model::base_url::BaseUrl;

/// A page of the site, or a file beside the pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route<'a> {
    /// The front page: the current period's overview.
    Index,
    /// A period's overview.
    Period(&'a str),
    Objective {
        period: &'a str,
        id: &'a str,
    },
    Team(&'a str),
    Person(&'a str),
    Health,
    Changes,
    NotFound,
    /// A file of the theme's `static/` folder, or `style.css`.
    Asset(&'a str),
}

impl<'a> Route<'a> {
    /// The page's address relative to the site's root: a folder ending in `/`
    /// (`teams/sales/`, `""` for the front page), or a file (`404.html`).
    fn relative(&self) -> String {
        match self {
            Route::Index => String::new(),
            Route::Period(period) => format!("periods/{period}/"),
            Route::Objective { period, id } => format!("objectives/{period}/{id}/"),
            Route::Team(id) => format!("teams/{id}/"),
            Route::Person(id) => format!("people/{id}/"),
            Route::Health => "health/".to_string(),
            Route::Changes => "changes/".to_string(),
            Route::NotFound => "404.html".to_string(),
            Route::Asset(path) => format!("assets/{path}"),
        }
    }

    /// The file in the output folder: `teams/sales/index.html`, `404.html`.
    pub fn file(&self) -> String {
        let mut path = self.relative();
        if path.is_empty() || path.ends_with('/') {
            path.push_str("index.html");
        }
        path
    }

    /// The URL links use: `/acme-okrs/teams/sales/`.
    pub fn url(&self, base: &BaseUrl) -> String {
        format!("{}{}", base.as_str(), self.relative())
    }

    /// The route whose [`file`](Route::file) is `path`, e.g. for `okr serve`.
    pub fn of_file(path: &'a str) -> Option<Route<'a>> {
        Some(match path.split('/').collect::<Vec<&str>>().as_slice() {
            ["index.html"] => Route::Index,
            ["periods", period, "index.html"] => Route::Period(period),
            ["objectives", period, id, "index.html"] => Route::Objective { period, id },
            ["teams", id, "index.html"] => Route::Team(id),
            ["people", id, "index.html"] => Route::Person(id),
            ["health", "index.html"] => Route::Health,
            ["changes", "index.html"] => Route::Changes,
            ["404.html"] => Route::NotFound,
            ["assets", ..] => Route::Asset(path.strip_prefix("assets/")?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_one_file_and_one_url_that_lead_back_to_it() {
        let base = BaseUrl::parse("/acme-okrs/").unwrap();
        let routes = [
            Route::Index,
            Route::Period("2026-Q1"),
            Route::Objective {
                period: "2026-Q1",
                id: "grow",
            },
            Route::Team("sales"),
            Route::Person("anna"),
            Route::Health,
            Route::Changes,
            Route::NotFound,
            Route::Asset("style.css"),
        ];
        for route in routes {
            let file = route.file();
            assert_eq!(Route::of_file(&file), Some(route), "{file}");
            let url = route.url(&base);
            assert!(url.starts_with("/acme-okrs/"), "{url}");
            assert!(
                file.starts_with(url.trim_start_matches("/acme-okrs/")),
                "{file} {url}"
            );
        }
        assert_eq!(Route::Team("sales").url(&base), "/acme-okrs/teams/sales/");
        assert_eq!(Route::Index.file(), "index.html");
        assert_eq!(Route::of_file("teams/sales"), None);
    }
}
