//! The base URL, a setting that every link of the site starts with.

use std::fmt;

/// The path prefix the site is served under, e.g. `/` or `/acme-okrs/`, or a
/// full `http(s)` URL: checked and given its trailing `/` once, whether it
/// comes from `okr.toml` or `--base-url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl(String);

/// Why a base URL cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrlError(pub String);

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the base URL `{}` must be a path starting with `/` or an http(s) URL, without spaces, quotes or angle brackets",
            self.0.escape_debug()
        )
    }
}

impl std::error::Error for BaseUrlError {}

impl BaseUrl {
    /// What to write for a GitHub Pages project site, for error messages.
    pub const HELP: &'static str =
        "for a GitHub Pages project site write e.g. `base_url = \"/acme-okrs/\"`";

    pub fn parse(url: &str) -> Result<BaseUrl, BaseUrlError> {
        let rooted =
            url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://");
        let plain = !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'));
        if !rooted || !plain {
            return Err(BaseUrlError(url.to_string()));
        }
        Ok(BaseUrl(if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        BaseUrl("/".to_string())
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_end_in_a_slash() {
        assert_eq!(
            BaseUrl::parse("/acme-okrs").unwrap().as_str(),
            "/acme-okrs/"
        );
        assert_eq!(BaseUrl::parse("/").unwrap().as_str(), "/");
        assert_eq!(
            BaseUrl::parse("https://okrs.example.com").unwrap().as_str(),
            "https://okrs.example.com/"
        );
        for bad in [
            "acme", "", "/a b/", "/\"x\"/", "/<x>/", "ftp://x/", "/a\nb/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
