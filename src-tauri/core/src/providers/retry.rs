//! When to send a failed request again, and how long to wait first.
//!
//! The rules follow the OpenAI and Anthropic SDKs: retry 408, 409, 429 and 5xx (incl. 529) and
//! connection failures; honour `x-should-retry`; wait `retry-after-ms`, else `Retry-After`
//! (seconds or an HTTP date), else back off exponentially with jitter. A provider asking for a
//! longer wait than allowed is not retried: the caller gets the error and the wait it asked for.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::{ProviderError, ProviderErrorKind};

/// Exponential backoff starts here and doubles per attempt…
const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// …up to this.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryDecision {
    RetryAfter(Duration),
    GiveUp,
}

/// Decides about retrying after attempt number `attempt` (0 = the first) failed with `error`.
/// `headers` are the failed response's, if the provider answered at all.
pub(crate) fn decide(
    error: &ProviderError,
    headers: Option<&HeaderMap>,
    attempt: u32,
    max_retries: u32,
    max_delay: Duration,
) -> RetryDecision {
    if attempt >= max_retries || !is_retryable(error, headers) {
        return RetryDecision::GiveUp;
    }
    match headers.and_then(requested_delay) {
        Some(asked) if asked > max_delay => RetryDecision::GiveUp,
        Some(asked) => RetryDecision::RetryAfter(asked),
        None => RetryDecision::RetryAfter(backoff(attempt, random_fraction())),
    }
}

fn is_retryable(error: &ProviderError, headers: Option<&HeaderMap>) -> bool {
    // Retrying a spent quota only burns the remaining attempts.
    if error.kind() == ProviderErrorKind::QuotaExceeded {
        return false;
    }
    match headers
        .and_then(|h| h.get("x-should-retry"))
        .and_then(|v| v.to_str().ok())
    {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    match error.status() {
        Some(status) => matches!(status, 408 | 409 | 429) || status >= 500,
        // No answer at all: the connection failed or timed out before the provider replied.
        None => matches!(
            error.kind(),
            ProviderErrorKind::Network | ProviderErrorKind::Timeout
        ),
    }
}

/// The wait the provider asked for: `retry-after-ms` (milliseconds, fractions allowed) first,
/// then `Retry-After` as seconds or an HTTP date. Zero or unparsable values count as no request.
pub(crate) fn requested_delay(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = header("retry-after-ms").and_then(parse_positive_number) {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = header("retry-after")?.trim();
    if let Some(seconds) = parse_positive_number(value) {
        return Some(Duration::from_secs_f64(seconds));
    }
    let date = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = jiff::Timestamp::now().duration_until(date);
    Duration::try_from(wait).ok().filter(|d| !d.is_zero())
}

fn parse_positive_number(value: &str) -> Option<f64> {
    // Bounded so Duration::from_secs_f64 cannot panic on absurd values.
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v < 1.0e9)
}

/// `min(0.5 s · 2^attempt, 8 s)`, shortened by up to a quarter at random so that clients which
/// failed together do not retry together.
fn backoff(attempt: u32, random_fraction: f64) -> Duration {
    let exponential = INITIAL_BACKOFF.saturating_mul(2u32.saturating_pow(attempt));
    exponential
        .min(MAX_BACKOFF)
        .mul_f64(1.0 - 0.25 * random_fraction)
}

/// A number in [0, 1). Jitter needs no secrecy, but getrandom is already in the build.
fn random_fraction() -> f64 {
    getrandom::u32().map_or(0.5, |r| f64::from(r) / (f64::from(u32::MAX) + 1.0))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn http_error(kind: ProviderErrorKind, status: u16) -> ProviderError {
        ProviderError::new(kind, "failed").with_status(status)
    }

    const MAX_DELAY: Duration = Duration::from_secs(30);

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        let h = headers(&[("retry-after-ms", "50"), ("retry-after", "1")]);
        assert_eq!(requested_delay(&h), Some(Duration::from_millis(50)));
        let fractional = headers(&[("retry-after-ms", "12.5")]);
        assert_eq!(
            requested_delay(&fractional),
            Some(Duration::from_micros(12_500))
        );
    }

    #[test]
    fn retry_after_in_seconds_and_as_http_date() {
        assert_eq!(
            requested_delay(&headers(&[("retry-after", "7")])),
            Some(Duration::from_secs(7))
        );
        let in_ten_minutes = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(600);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&in_ten_minutes)
            .unwrap();
        assert!(date.ends_with("GMT"), "{date}");
        let delay = requested_delay(&headers(&[("retry-after", &date)])).unwrap();
        assert!(
            delay > Duration::from_secs(595) && delay <= Duration::from_secs(600),
            "{delay:?}"
        );
    }

    #[test]
    fn zero_past_or_garbage_retry_after_is_ignored() {
        for value in [
            "0",
            "-3",
            "soon",
            "NaN",
            "inf",
            "Sun, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(
                requested_delay(&headers(&[("retry-after", value)])),
                None,
                "{value}"
            );
        }
        assert_eq!(requested_delay(&HeaderMap::new()), None);
    }

    #[test]
    fn honours_the_providers_wait_up_to_the_cap() {
        let rate_limited = http_error(ProviderErrorKind::RateLimited, 429);
        let h = headers(&[("retry-after", "2")]);
        assert_eq!(
            decide(&rate_limited, Some(&h), 0, 2, MAX_DELAY),
            RetryDecision::RetryAfter(Duration::from_secs(2))
        );
        let too_long = headers(&[("retry-after", "31")]);
        assert_eq!(
            decide(&rate_limited, Some(&too_long), 0, 2, MAX_DELAY),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn retries_only_retryable_statuses_and_connection_failures() {
        let none = HeaderMap::new();
        for status in [408, 409, 429, 500, 502, 503, 529] {
            let error = http_error(ProviderErrorKind::Server, status);
            assert!(
                matches!(
                    decide(&error, Some(&none), 0, 2, MAX_DELAY),
                    RetryDecision::RetryAfter(_)
                ),
                "{status}"
            );
        }
        for status in [400, 401, 403, 404, 413, 422] {
            let error = http_error(ProviderErrorKind::BadRequest, status);
            assert_eq!(
                decide(&error, Some(&none), 0, 2, MAX_DELAY),
                RetryDecision::GiveUp,
                "{status}"
            );
        }
        let refused = ProviderError::new(ProviderErrorKind::Network, "refused");
        assert!(matches!(
            decide(&refused, None, 1, 2, MAX_DELAY),
            RetryDecision::RetryAfter(_)
        ));
        let config = ProviderError::new(ProviderErrorKind::Configuration, "no key");
        assert_eq!(
            decide(&config, None, 0, 2, MAX_DELAY),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn never_retries_quota_or_past_the_limit() {
        let quota = http_error(ProviderErrorKind::QuotaExceeded, 429);
        let h = headers(&[("retry-after", "1")]);
        assert_eq!(
            decide(&quota, Some(&h), 0, 2, MAX_DELAY),
            RetryDecision::GiveUp
        );
        let server = http_error(ProviderErrorKind::Server, 500);
        assert_eq!(
            decide(&server, Some(&h), 2, 2, MAX_DELAY),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        let server = http_error(ProviderErrorKind::Server, 500);
        let no = headers(&[("x-should-retry", "false")]);
        assert_eq!(
            decide(&server, Some(&no), 0, 2, MAX_DELAY),
            RetryDecision::GiveUp
        );
        let bad_request = http_error(ProviderErrorKind::BadRequest, 400);
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(matches!(
            decide(&bad_request, Some(&yes), 0, 2, MAX_DELAY),
            RetryDecision::RetryAfter(_)
        ));
    }

    #[test]
    fn backoff_doubles_up_to_eight_seconds_with_up_to_a_quarter_off() {
        assert_eq!(backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(3, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(4, 0.0), Duration::from_secs(8));
        assert_eq!(backoff(40, 0.0), Duration::from_secs(8));
        assert_eq!(backoff(0, 1.0), Duration::from_millis(375));
        let fraction = random_fraction();
        assert!((0.0..1.0).contains(&fraction));
    }
}
