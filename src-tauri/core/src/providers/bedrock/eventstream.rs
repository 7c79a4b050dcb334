//! `application/vnd.amazon.eventstream`: the binary framing of Bedrock's streaming answers.
//!
//! Each frame carries string headers (`:message-type`, `:event-type` …) and a JSON payload,
//! protected by two CRC-32s. Frames arrive split across network reads at arbitrary points; the
//! [`FrameReader`] buffers until a whole frame is there and checks both checksums.

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use bytes::{Bytes, BytesMut};

use crate::providers::{ProviderError, ProviderErrorKind};

/// Largest frame accepted: botocore's limits (headers ≤ 128 KiB, payload ≤ 24 MiB) plus the
/// prelude and CRC. A larger length in a prelude means the stream is damaged, and waiting for
/// that many bytes would only hang.
const MAX_FRAME_LEN: u32 = 24 * 1024 * 1024 + 128 * 1024 + 16;
const PRELUDE_LEN: usize = 12;

/// Incremental frame decoder: push bytes as they arrive, pull whole messages out.
#[derive(Debug, Default)]
pub(crate) struct FrameReader {
    decoder: MessageFrameDecoder,
    buffer: BytesMut,
    /// The decoder has consumed the prelude of a frame whose rest has not arrived yet.
    in_frame: bool,
}

impl FrameReader {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// The next complete message, `None` if more bytes are needed. An error means the stream is
    /// damaged; stop reading it.
    pub(crate) fn next_message(&mut self) -> Result<Option<Message>, ProviderError> {
        // The decoder takes a frame's prelude out of the buffer as soon as it has 12 bytes, and
        // the rest once the whole frame is there.
        let starts_frame = !self.in_frame && self.buffer.len() >= PRELUDE_LEN;
        if starts_frame {
            let total = u32::from_be_bytes([
                self.buffer[0],
                self.buffer[1],
                self.buffer[2],
                self.buffer[3],
            ]);
            if total > MAX_FRAME_LEN {
                return Err(damaged());
            }
        }
        match self.decoder.decode_frame(&mut self.buffer) {
            Ok(DecodedFrame::Complete(message)) => {
                self.in_frame = false;
                Ok(Some(message))
            }
            Ok(DecodedFrame::Incomplete) => {
                self.in_frame |= starts_frame;
                Ok(None)
            }
            Err(error) => {
                tracing::debug!(%error, "Bedrock event stream frame failed to decode");
                Err(damaged())
            }
        }
    }

    /// True when no partial frame is waiting for more bytes: the stream may end here.
    pub(crate) fn is_at_frame_boundary(&self) -> bool {
        !self.in_frame && self.buffer.is_empty()
    }
}

fn damaged() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::Protocol,
        "The answer arrived damaged (a part of Bedrock's stream failed its checksum). Try again; \
         if it keeps happening, a proxy between this computer and AWS may be altering traffic.",
    )
}

/// A decoded frame, by its `:message-type`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Frame {
    /// `:message-type: event`, with its `:event-type` and JSON payload.
    Event { event_type: String, payload: Bytes },
    /// `:message-type: exception`, with its `:exception-type` and JSON payload (`{"message":…}`).
    Exception {
        exception_type: String,
        payload: Bytes,
    },
    /// `:message-type: error`, with `:error-code` and `:error-message` headers.
    Error { code: String, message: String },
}

impl Frame {
    pub(crate) fn from_message(message: &Message) -> Result<Frame, ProviderError> {
        let header = |name: &str| -> Option<String> {
            message
                .headers()
                .iter()
                .find(|h| h.name().as_str() == name)
                .and_then(|h| match h.value() {
                    HeaderValue::String(s) => Some(s.as_str().to_owned()),
                    _ => None,
                })
        };
        let unreadable = |what: &str| {
            ProviderError::new(
                ProviderErrorKind::Protocol,
                format!(
                    "Bedrock sent a stream message this app cannot read ({what}). Try again; if it \
                     keeps happening, report it with the model name."
                ),
            )
        };
        match header(":message-type").as_deref() {
            Some("event") => Ok(Frame::Event {
                event_type: header(":event-type").ok_or_else(|| unreadable("no event type"))?,
                payload: message.payload().clone(),
            }),
            Some("exception") => Ok(Frame::Exception {
                exception_type: header(":exception-type")
                    .ok_or_else(|| unreadable("no exception type"))?,
                payload: message.payload().clone(),
            }),
            Some("error") => Ok(Frame::Error {
                code: header(":error-code").unwrap_or_default(),
                message: header(":error-message").unwrap_or_default(),
            }),
            Some(_) => Err(unreadable("unknown message type")),
            None => Err(unreadable("no message type")),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use aws_smithy_eventstream::frame::write_message_to;
    use aws_smithy_types::event_stream::Header;

    use super::*;

    /// The 162-byte golden frame of PROVIDERS.md §3.4 (verified there against an independent
    /// encoder): a `contentBlockDelta` with payload
    /// `{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcd"}`.
    pub(crate) const GOLDEN_HEX: &str = concat!(
        "000000a2000000579acad7c80d3a6d6573736167652d747970650700056576656e740b3a6576656e742d7479706507",
        "0011636f6e74656e74426c6f636b44656c74610d3a636f6e74656e742d747970650700106170706c69636174696f6e",
        "2f6a736f6e7b22636f6e74656e74426c6f636b496e646578223a302c2264656c7461223a7b2274657874223a224865",
        "6c6c6f227d2c2270223a2261626364227d9b1cfb23",
    );

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"))
            .collect()
    }

    /// Encodes one frame the way Bedrock does (used by the stream tests).
    pub(crate) fn frame(headers: &[(&str, &str)], payload: &str) -> Vec<u8> {
        let headers = headers
            .iter()
            .map(|(n, v)| Header::new(n.to_string(), HeaderValue::String(v.to_string().into())))
            .collect();
        let message = Message::new_from_parts(headers, payload.as_bytes().to_vec());
        let mut out = Vec::new();
        write_message_to(&message, &mut out).expect("test frame encodes");
        out
    }

    pub(crate) fn event(event_type: &str, payload: &str) -> Vec<u8> {
        frame(
            &[
                (":message-type", "event"),
                (":event-type", event_type),
                (":content-type", "application/json"),
            ],
            payload,
        )
    }

    fn header_pairs(message: &Message) -> Vec<(String, String)> {
        message
            .headers()
            .iter()
            .map(|h| {
                let value = match h.value() {
                    HeaderValue::String(s) => s.as_str().to_owned(),
                    other => panic!("unexpected header value {other:?}"),
                };
                (h.name().as_str().to_owned(), value)
            })
            .collect()
    }

    #[test]
    fn golden_frame_decodes_fed_one_byte_at_a_time() {
        let bytes = hex(GOLDEN_HEX);
        assert_eq!(bytes.len(), 162);
        let mut reader = FrameReader::new();
        let mut messages = Vec::new();
        for (i, byte) in bytes.iter().enumerate() {
            reader.push(&[*byte]);
            if let Some(m) = reader.next_message().expect("golden frame is valid") {
                assert_eq!(
                    i,
                    bytes.len() - 1,
                    "a message must only complete on the last byte"
                );
                messages.push(m);
            }
            if i < bytes.len() - 1 {
                assert!(!reader.is_at_frame_boundary());
            }
        }
        assert!(reader.is_at_frame_boundary());
        assert_eq!(messages.len(), 1);
        let message = &messages[0];
        assert_eq!(
            header_pairs(message),
            vec![
                (":message-type".to_owned(), "event".to_owned()),
                (":event-type".to_owned(), "contentBlockDelta".to_owned()),
                (":content-type".to_owned(), "application/json".to_owned()),
            ]
        );
        assert_eq!(
            message.payload().as_ref(),
            br#"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcd"}"#
        );
        assert_eq!(
            Frame::from_message(message).expect("event frame"),
            Frame::Event {
                event_type: "contentBlockDelta".to_owned(),
                payload: Bytes::from_static(
                    br#"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcd"}"#
                ),
            }
        );
    }

    #[test]
    fn test_encoder_reproduces_the_golden_frame() {
        // Guards the helper the stream tests build their input with.
        assert_eq!(
            event(
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcd"}"#
            ),
            hex(GOLDEN_HEX)
        );
    }

    #[test]
    fn several_frames_split_at_every_chunk_size() {
        let mut all = Vec::new();
        all.extend(event("messageStart", r#"{"role":"assistant"}"#));
        all.extend(hex(GOLDEN_HEX));
        all.extend(event("messageStop", r#"{"stopReason":"end_turn"}"#));
        for chunk_size in 1..=all.len() {
            let mut reader = FrameReader::new();
            let mut types = Vec::new();
            for chunk in all.chunks(chunk_size) {
                reader.push(chunk);
                while let Some(m) = reader.next_message().expect("valid frames") {
                    match Frame::from_message(&m).expect("event") {
                        Frame::Event { event_type, .. } => types.push(event_type),
                        other => panic!("unexpected {other:?}"),
                    }
                }
            }
            assert_eq!(
                types,
                ["messageStart", "contentBlockDelta", "messageStop"],
                "chunk size {chunk_size}"
            );
            assert!(reader.is_at_frame_boundary());
        }
    }

    #[test]
    fn a_wrong_message_crc_is_a_damaged_answer() {
        let mut bytes = hex(GOLDEN_HEX);
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        let mut reader = FrameReader::new();
        reader.push(&bytes);
        let error = reader.next_message().expect_err("bad CRC must fail");
        assert_eq!(error.kind(), ProviderErrorKind::Protocol);
        assert!(error.message().contains("arrived damaged"));
    }

    #[test]
    fn a_changed_payload_byte_is_a_damaged_answer() {
        let mut bytes = hex(GOLDEN_HEX);
        bytes[120] ^= 0x20;
        let mut reader = FrameReader::new();
        reader.push(&bytes);
        assert_eq!(
            reader.next_message().expect_err("bad CRC").kind(),
            ProviderErrorKind::Protocol
        );
    }

    #[test]
    fn a_damaged_prelude_fails_instead_of_waiting_for_gigabytes() {
        let mut bytes = hex(GOLDEN_HEX);
        bytes[0] = 0x7f; // total length ≈ 2 GiB
        let mut reader = FrameReader::new();
        reader.push(&bytes[..20]);
        assert!(reader.next_message().is_err());

        // A plausible length with a wrong prelude CRC fails once the frame is complete.
        let mut bytes = hex(GOLDEN_HEX);
        bytes[8] ^= 0xff;
        let mut reader = FrameReader::new();
        reader.push(&bytes);
        assert!(reader.next_message().is_err());
    }

    #[test]
    fn exception_and_error_frames_are_classified() {
        let bytes = frame(
            &[
                (":message-type", "exception"),
                (":exception-type", "throttlingException"),
                (":content-type", "application/json"),
            ],
            r#"{"message":"slow down"}"#,
        );
        let mut reader = FrameReader::new();
        reader.push(&bytes);
        let m = reader.next_message().expect("valid").expect("complete");
        assert_eq!(
            Frame::from_message(&m).expect("exception"),
            Frame::Exception {
                exception_type: "throttlingException".to_owned(),
                payload: Bytes::from_static(br#"{"message":"slow down"}"#),
            }
        );

        let bytes = frame(
            &[
                (":message-type", "error"),
                (":error-code", "InternalFailure"),
                (":error-message", "boom"),
            ],
            "",
        );
        reader.push(&bytes);
        let m = reader.next_message().expect("valid").expect("complete");
        assert_eq!(
            Frame::from_message(&m).expect("error frame"),
            Frame::Error {
                code: "InternalFailure".to_owned(),
                message: "boom".to_owned(),
            }
        );

        let bytes = frame(&[(":event-type", "messageStop")], "{}");
        reader.push(&bytes);
        let m = reader.next_message().expect("valid").expect("complete");
        assert_eq!(
            Frame::from_message(&m).expect_err("no message type").kind(),
            ProviderErrorKind::Protocol
        );
    }
}
