//! Server-sent events for every SSE provider: the framing comes from `eventsource-stream` (CRLF,
//! comments, multi-line data, events split across reads); each adapter supplies an [`SseDecoder`]
//! that turns its events into [`StreamEvent`]s.

use crate::providers::exchange::BodyStream;
use std::collections::VecDeque;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;

use super::{ChatStream, ProviderError, ProviderErrorKind, StreamEvent};

/// SSE events of one response, transport failures already mapped.
pub(crate) type SseEvents = BoxStream<'static, Result<Event, ProviderError>>;

/// Whether the protocol's terminal event has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Finished,
}

/// One provider's event vocabulary.
pub(crate) trait SseDecoder: Send + 'static {
    /// Turns one SSE event into zero or more stream events, appended to `out`.
    fn decode(&mut self, event: &Event, out: &mut Vec<StreamEvent>) -> Result<Flow, ProviderError>;

    /// Called when the body ends before [`Flow::Finished`]. Protocols with a terminal event keep
    /// this default; those that end at EOF (Gemini) check that they saw a finish reason.
    fn end_of_body(&mut self, _out: &mut Vec<StreamEvent>) -> Result<(), ProviderError> {
        Err(cut_off())
    }
}

/// The error for a stream that ended before the provider said it was done.
pub(crate) fn cut_off() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::Network,
        "The connection ended before the provider finished: the answer was cut off. Send again.",
    )
}

/// Parses an event's JSON payload; `provider` names the sender for the message.
pub(crate) fn parse_json<T: DeserializeOwned>(
    data: &str,
    provider: &str,
) -> Result<T, ProviderError> {
    serde_json::from_str(data).map_err(|e| {
        ProviderError::new(
            ProviderErrorKind::Protocol,
            format!(
                "{provider} sent a stream event this app cannot read ({e}). Send again; if it \
                 persists, the profile may point at a server that does not speak this protocol."
            ),
        )
    })
}

/// The SSE events of a 2xx response body.
pub(crate) fn response_events(body: BodyStream) -> SseEvents {
    sse_events(body, std::convert::identity)
}

/// SSE events from any byte stream; `transport_error` maps the stream's own failures.
pub(crate) fn sse_events<S, B, E>(bytes: S, transport_error: fn(E) -> ProviderError) -> SseEvents
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]>,
    E: 'static,
{
    bytes
        .eventsource()
        .map(move |item| {
            item.map_err(|error| match error {
                EventStreamError::Transport(e) => transport_error(e),
                EventStreamError::Utf8(_) => ProviderError::new(
                    ProviderErrorKind::Protocol,
                    "The provider sent text that is not UTF-8. Send again.",
                ),
                EventStreamError::Parser(_) => ProviderError::new(
                    ProviderErrorKind::Protocol,
                    "The provider's event stream is malformed. Send again.",
                ),
            })
        })
        .boxed()
}

struct DecodeState<D> {
    /// `None` once finished, so the connection is released at once.
    events: Option<SseEvents>,
    decoder: D,
    pending: VecDeque<Result<StreamEvent, ProviderError>>,
}

/// Runs `decoder` over `events`. The stream ends after the terminal event or the first error.
pub(crate) fn decode<D: SseDecoder>(events: SseEvents, decoder: D) -> ChatStream {
    let state = DecodeState {
        events: Some(events),
        decoder,
        pending: VecDeque::new(),
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.pending.pop_front() {
                return Some((item, state));
            }
            let events = state.events.as_mut()?;
            let mut out = Vec::new();
            let outcome = match events.next().await {
                Some(Ok(event)) => state.decoder.decode(&event, &mut out),
                Some(Err(error)) => Err(error),
                None => state.decoder.end_of_body(&mut out).map(|()| Flow::Finished),
            };
            state.pending.extend(out.into_iter().map(Ok));
            match outcome {
                Ok(Flow::Continue) => {}
                Ok(Flow::Finished) => state.events = None,
                Err(error) => {
                    state.pending.push_back(Err(error));
                    state.events = None;
                }
            }
        }
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::convert::Infallible;

    use super::*;

    pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a test runtime")
            .block_on(future)
    }

    /// The SSE events of `body` delivered in pieces of `chunk` bytes (splitting UTF-8 and CRLF).
    pub(crate) fn events_in_chunks(body: &[u8], chunk: usize) -> SseEvents {
        let pieces: Vec<Result<Vec<u8>, Infallible>> =
            body.chunks(chunk.max(1)).map(|c| Ok(c.to_vec())).collect();
        sse_events(stream::iter(pieces), |never| match never {})
    }

    /// Everything `decoder` makes of `body`, for every chunking from 1 byte to whole.
    /// Asserts that chunking does not change the outcome and returns it.
    pub(crate) fn decode_all<D: SseDecoder + Clone>(
        body: &[u8],
        decoder: D,
    ) -> Vec<Result<StreamEvent, ProviderError>> {
        let run = |chunk| {
            block_on(decode(events_in_chunks(body, chunk), decoder.clone()).collect::<Vec<_>>())
        };
        let whole = run(body.len());
        for chunk in [1, 2, 3, 7, 64] {
            assert_eq!(run(chunk), whole, "chunk size {chunk} changed the outcome");
        }
        whole
    }

    /// Collects data of every event, ending with "END" or the error's kind.
    #[derive(Clone)]
    struct EchoDecoder;

    impl SseDecoder for EchoDecoder {
        fn decode(
            &mut self,
            event: &Event,
            out: &mut Vec<StreamEvent>,
        ) -> Result<Flow, ProviderError> {
            if event.data == "[DONE]" {
                return Ok(Flow::Finished);
            }
            out.push(StreamEvent::TextDelta {
                text: format!("{}={}", event.event, event.data),
            });
            Ok(Flow::Continue)
        }
    }

    fn texts(items: &[Result<StreamEvent, ProviderError>]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Ok(StreamEvent::TextDelta { text }) => text.clone(),
                Ok(other) => format!("{other:?}"),
                Err(e) => format!("error {:?}", e.kind()),
            })
            .collect()
    }

    #[test]
    fn framing_with_crlf_comments_multiline_data_and_utf8_split_anywhere() {
        let body = ": keep-alive\r\n\r\nevent: a\r\ndata: line1\r\ndata:line2\r\n\r\n\
                    data: Grüße\n\n: another comment\ndata: [DONE]\n\n"
            .as_bytes();
        let items = decode_all(body, EchoDecoder);
        assert_eq!(texts(&items), ["a=line1\nline2", "message=Grüße"]);
    }

    #[test]
    fn end_of_body_without_terminal_event_is_cut_off() {
        let items = decode_all(b"data: one\n\ndata: two\n\n", EchoDecoder);
        assert_eq!(
            texts(&items),
            ["message=one", "message=two", "error Network"]
        );
        let Err(error) = &items[2] else {
            panic!("expected an error")
        };
        assert!(error.message().contains("cut off"), "{error}");
    }

    #[test]
    fn nothing_after_the_terminal_event_is_read() {
        let items = decode_all(b"data: one\n\ndata: [DONE]\n\ndata: late\n\n", EchoDecoder);
        assert_eq!(texts(&items), ["message=one"]);
    }

    #[test]
    fn invalid_utf8_is_a_protocol_error() {
        let items = decode_all(b"data: \xff\xfe\n\n", EchoDecoder);
        assert_eq!(texts(&items), ["error Protocol"]);
    }

    #[test]
    fn transport_failure_ends_the_stream_with_its_error() {
        let pieces: Vec<Result<&'static [u8], &'static str>> =
            vec![Ok(b"data: one\n\n"), Err("reset"), Ok(b"data: two\n\n")];
        let events = sse_events(stream::iter(pieces), |_| {
            ProviderError::new(ProviderErrorKind::Network, "reset")
        });
        let items = block_on(decode(events, EchoDecoder).collect::<Vec<_>>());
        assert_eq!(texts(&items), ["message=one", "error Network"]);
    }

    #[test]
    fn parse_json_names_the_provider() {
        let error = parse_json::<serde_json::Value>("{not json", "OpenAI").unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Protocol);
        assert!(error.message().starts_with("OpenAI sent"), "{error}");
    }
}
