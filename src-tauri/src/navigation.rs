//! The webview shows the app and nothing else. Navigating away from the app's own pages and
//! opening new windows are denied, so a link or script that reached a note, an AI answer or an
//! export preview cannot load a page of someone else's (which could read what is on screen or
//! carry it off in its URL).

use tauri::Url;

/// Whether the webview may navigate to `url`: the app's own pages (`tauri://localhost` on Linux
/// and macOS, `http(s)://tauri.localhost` on Windows) or, in development, the dev server's origin.
pub fn navigation_allowed(url: &Url, dev_url: Option<&Url>) -> bool {
    let own_host = url.host_str() == Some("localhost") && url.scheme() == "tauri"
        || url.host_str() == Some("tauri.localhost") && matches!(url.scheme(), "http" | "https");
    own_host && url.port().is_none() || dev_url.is_some_and(|dev| dev.origin() == url.origin())
}

/// Logs a denied navigation or window by scheme and host only: the rest of a URL may carry a
/// client's details.
pub fn log_denied(what: &str, url: &Url) {
    tracing::warn!(
        scheme = url.scheme(),
        host = url.host_str().unwrap_or_default(),
        "{what} denied: the app shows only its own pages"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(url: &str, dev: Option<&str>) -> bool {
        let dev = dev.map(|d| Url::parse(d).unwrap());
        navigation_allowed(&Url::parse(url).unwrap(), dev.as_ref())
    }

    #[test]
    fn the_apps_own_pages_are_allowed() {
        for url in [
            "tauri://localhost",
            "tauri://localhost/index.html#/clients/3",
            "http://tauri.localhost/",
            "https://tauri.localhost/settings",
        ] {
            assert!(allowed(url, None), "{url}");
        }
    }

    #[test]
    fn everything_else_is_denied() {
        for url in [
            "https://example.com/",
            "http://localhost/",
            "https://localhost/",
            "tauri://localhost.example.com/",
            "tauri://example.com/",
            "http://tauri.localhost.example.com/",
            "http://tauri.localhost:8080/",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "javascript:alert(1)",
            "about:blank",
            "ftp://tauri.localhost/",
        ] {
            assert!(!allowed(url, None), "{url}");
        }
    }

    #[test]
    fn the_dev_server_is_allowed_only_when_there_is_one() {
        let dev = Some("http://localhost:5173/");
        assert!(allowed("http://localhost:5173/clients", dev));
        assert!(!allowed("http://localhost:5173/clients", None));
        assert!(!allowed("http://localhost:5174/", dev));
        assert!(!allowed("https://localhost:5173/", dev));
    }
}
