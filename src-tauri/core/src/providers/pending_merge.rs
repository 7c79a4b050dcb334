//! PENDING MERGE: stand-ins for the Google pieces built on another branch. They have the same
//! paths and signatures (`providers::google::…`), so the merge deletes this file and its `mod`
//! line, and nothing else changes.

fn not_in_this_build(what: &str) -> super::ProviderError {
    super::ProviderError::new(
        super::ProviderErrorKind::Configuration,
        format!("{what} is not available in this build."),
    )
}

pub(crate) mod google {
    use futures_util::future::BoxFuture;
    use reqwest::header::HeaderMap;

    use super::super::adapter::{Adapter, AdapterContext, WireRequest};
    use super::super::{ChatRequest, ChatStream, Credentials, ProviderError, ProviderProfile};

    /// A cached Google OAuth access token for the profile's service account.
    pub(crate) async fn access_token(
        _context: &AdapterContext,
        _credentials: &Credentials,
    ) -> Result<String, ProviderError> {
        Err(super::not_in_this_build("Google service-account sign-in"))
    }

    /// Vertex AI Gemini; uninhabited here, so `new` always fails.
    pub(crate) enum GeminiAdapter {}

    impl GeminiAdapter {
        pub(crate) fn new(
            _context: &AdapterContext,
            _profile: &ProviderProfile,
            _credentials: &Credentials,
        ) -> Result<Self, ProviderError> {
            Err(super::not_in_this_build("The vertex-gemini provider kind"))
        }
    }

    impl Adapter for GeminiAdapter {
        fn prepare<'a>(
            &'a self,
            _request: &'a ChatRequest,
        ) -> BoxFuture<'a, Result<WireRequest, ProviderError>> {
            match *self {}
        }

        fn error_from_response(&self, _: u16, _: &HeaderMap, _: &[u8]) -> ProviderError {
            match *self {}
        }

        fn parse_stream(&self, _response: reqwest::Response) -> ChatStream {
            match *self {}
        }
    }
}
