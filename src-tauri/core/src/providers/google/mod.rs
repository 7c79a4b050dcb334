//! Google Vertex AI: service-account authentication and the Gemini adapter. The Vertex
//! endpoint helpers here also serve the OpenAI-compatible and Anthropic-on-Vertex adapters.

pub(crate) mod auth;
pub(crate) mod gemini;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub(crate) use auth::{access_token, project_id};
pub(crate) use gemini::GeminiAdapter;

use super::adapter::base_url;
use super::{Credentials, ProviderError, ProviderErrorKind, ProviderProfile};

/// Characters left as they are in a Vertex path segment: RFC 3986 unreserved plus `@` (Vertex
/// model versions such as `claude-sonnet-4-5@20250929`). `:` is encoded because the method
/// follows the model after a colon.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

pub(crate) fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// Vertex AI's regional host; `global` has none.
fn vertex_host(location: &str) -> String {
    if location == "global" {
        "https://aiplatform.googleapis.com".to_owned()
    } else {
        format!("https://{location}-aiplatform.googleapis.com")
    }
}

/// The Vertex location an endpoint names: `europe-west4-aiplatform.googleapis.com` (also a
/// Private Service Connect `europe-west4-aiplatform-….p.googleapis.com`), `global` for
/// `aiplatform.googleapis.com`, or a `/locations/{location}/` path. `None` for any other URL.
pub(crate) fn location_in_url(url: &reqwest::Url) -> Option<String> {
    let mut segments = url.path_segments().into_iter().flatten();
    if segments.any(|s| s == "locations")
        && let Some(location) = segments.next().filter(|l| !l.is_empty())
    {
        return Some(location.to_owned());
    }
    let host = url.host_str()?.trim_end_matches('.');
    if !host.ends_with(".googleapis.com") {
        return None;
    }
    let first = host.split('.').next()?;
    if first == "aiplatform" {
        return Some("global".to_owned());
    }
    let (location, rest) = first.split_once("-aiplatform")?;
    (!location.is_empty() && (rest.is_empty() || rest.starts_with('-')))
        .then(|| location.to_owned())
}

/// The profile's Vertex location (`global` or a region such as `europe-west4`).
pub(crate) fn location(profile: &ProviderProfile) -> Result<&str, ProviderError> {
    let location = profile.region.as_deref().map(str::trim).unwrap_or_default();
    let valid = !location.is_empty()
        && location
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(location)
    } else {
        Err(ProviderError::new(
            ProviderErrorKind::Configuration,
            format!(
                "Profile {} needs a Vertex AI location: a region such as europe-west4 or \
                 us-central1, or global. Set the profile's region.",
                profile.name
            ),
        ))
    }
}

/// `https://{location}-aiplatform.googleapis.com` (`https://aiplatform.googleapis.com` for
/// `global`), or the profile's base URL; no trailing slash.
pub(crate) fn host(profile: &ProviderProfile) -> Result<String, ProviderError> {
    match profile.base_url.as_deref().map(str::trim) {
        Some(base) if !base.is_empty() => Ok(base.trim_end_matches('/').to_owned()),
        _ => Ok(vertex_host(location(profile)?)),
    }
}

/// `{host}/v1/projects/{project}/locations/{location}`: the prefix of every Vertex call. The
/// project is the profile's, else the service account's own.
pub(crate) fn location_url(
    profile: &ProviderProfile,
    credentials: &Credentials,
) -> Result<String, ProviderError> {
    let project = project_id(profile, credentials)?;
    Ok(format!(
        "{}/v1/projects/{}/locations/{}",
        base_url(profile)?,
        encode_segment(&project),
        location(profile)?
    ))
}

/// The profile's model id.
pub(crate) fn model(profile: &ProviderProfile) -> Result<&str, ProviderError> {
    match profile.model.as_deref().map(str::trim) {
        Some(model) if !model.is_empty() => Ok(model),
        _ => Err(ProviderError::new(
            ProviderErrorKind::Configuration,
            format!(
                "Profile {} has no model. Set it to a Vertex AI model id such as \
                 gemini-2.5-flash.",
                profile.name
            ),
        )),
    }
}
