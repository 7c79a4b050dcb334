//! Scenario selection: a word in the model / deployment / model-id name picks how the mock answers.

use std::time::Duration;

use super::REPLY;

/// How the mock answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// REPLY in ~5 chunks with usage (the default).
    Normal,
    /// 100 chunks of "word ", 100 ms apart.
    Slow,
    /// 429 every time, with the protocol's retry hints.
    RateLimited,
    /// The first such request on a server gets a 429, later ones are normal.
    RateLimitedOnce,
    /// 429 insufficient_quota (OpenAI/Azure): must not be retried.
    Quota,
    ServerError,
    /// Anthropic 529, Vertex/Bedrock 503, OpenAI 503.
    Overloaded,
    /// Two chunks, then the protocol's in-stream error.
    MidstreamError,
    /// Two chunks, then the connection is cut.
    Drop,
    /// Bedrock: a frame with a wrong message CRC.
    BadCrc,
    /// A data line (or frame) whose JSON is invalid.
    Malformed,
    /// The answer is stopped by the provider's output filter.
    ContentFilter,
    /// Azure: the prompt is rejected with 400 content_filter.
    PromptFilter,
    NotFound,
    /// Bedrock: the model needs an inference profile.
    OnDemand,
    /// OpenAI Responses: 400 on `store` (zero data retention).
    Retention,
    /// A long answer sent as fast as possible, for throughput benchmarks.
    Bulk,
    /// [`PLACEHOLDER_REPLY`], cut in the middle of its placeholders.
    Placeholders,
    /// [`HOSTILE_REPLY`]: markup that would run code if a draft view rendered it as HTML.
    Hostile,
}

/// An answer that uses the placeholders a redacted request carries, as a model does.
pub const PLACEHOLDER_REPLY: &str = "## Facts\n\n[CLIENT_1] entered the United States in 2019. \
     Their A-number is [A_NUMBER_1].\n\n## Eligibility analysis\n\nTo be reviewed.";

/// An answer that tries to run code in the draft view: script tags, event-handler attributes,
/// `javascript:` links, SVG and iframe payloads, and calls to the app's IPC bridge. Each payload,
/// if it ran, would set `window.__hostile` or ask the app to delete a draft.
pub const HOSTILE_REPLY: &str = "## Facts\n\n\
     <script>window.__hostile = 'script';</script>\n\n\
     <img src=\"x\" onerror=\"window.__hostile = 'onerror'; \
     window.__TAURI_INTERNALS__.invoke('delete_draft', {id: 1})\">\n\n\
     [Read the file](javascript:window.__hostile='link') and \
     <a href=\"javascript:window.__hostile='anchor'\">this one</a>.\n\n\
     <svg onload=\"window.__hostile = 'svg'\"><circle r=\"4\"/></svg>\n\n\
     <iframe srcdoc=\"<script>parent.__hostile = 'iframe'</script>\"></iframe>\n\n\
     <div style=\"position:fixed;inset:0\" onmouseover=\"window.__hostile = 'hover'\">cover</div>\n\n\
     ![chart](javascript:window.__hostile='image')\n\n\
     The end of the hostile answer.";

/// What a bulk stream repeats, chunk after chunk.
pub const BULK_CHUNK: &str = "The petitioner filed the I-130 on time. ";
/// How many chunks a bulk stream carries (about 800 KB of text).
pub const BULK_CHUNKS: usize = 20_000;

/// Longest names first, so that "rate-limited-once" is not read as "rate-limited".
const NAMES: [(&str, Scenario); 18] = [
    ("placeholders", Scenario::Placeholders),
    ("hostile", Scenario::Hostile),
    ("rate-limited-once", Scenario::RateLimitedOnce),
    ("rate-limited", Scenario::RateLimited),
    ("midstream-error", Scenario::MidstreamError),
    ("content-filter", Scenario::ContentFilter),
    ("prompt-filter", Scenario::PromptFilter),
    ("server-error", Scenario::ServerError),
    ("overloaded", Scenario::Overloaded),
    ("malformed", Scenario::Malformed),
    ("not-found", Scenario::NotFound),
    ("on-demand", Scenario::OnDemand),
    ("retention", Scenario::Retention),
    ("bad-crc", Scenario::BadCrc),
    ("quota", Scenario::Quota),
    ("slow", Scenario::Slow),
    ("drop", Scenario::Drop),
    ("bulk", Scenario::Bulk),
];

impl Scenario {
    /// The scenario named inside `name` (e.g. "gpt-4.1-mini-rate-limited"), else Normal.
    pub fn from_name(name: &str) -> Scenario {
        let name = name.to_ascii_lowercase();
        NAMES
            .iter()
            .find(|(word, _)| name.contains(word))
            .map_or(Scenario::Normal, |&(_, scenario)| scenario)
    }

    /// The word that selects this scenario ("normal" for the default).
    pub fn word(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, scenario)| *scenario == self)
            .map_or("normal", |(word, _)| word)
    }

    /// Pause between two chunks of a stream.
    pub fn pace(self) -> Duration {
        match self {
            Scenario::Slow => Duration::from_millis(100),
            Scenario::Bulk => Duration::ZERO,
            _ => Duration::from_millis(5),
        }
    }

    /// The text chunks a stream of this scenario carries before it ends (or breaks).
    pub fn text_chunks(self) -> Vec<String> {
        match self {
            Scenario::Slow => vec!["word ".to_owned(); 100],
            Scenario::Bulk => vec![BULK_CHUNK.to_owned(); BULK_CHUNKS],
            // Three bytes at a time: every placeholder arrives in pieces.
            Scenario::Placeholders => PLACEHOLDER_REPLY
                .as_bytes()
                .chunks(3)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect(),
            Scenario::Hostile => HOSTILE_REPLY
                .split_inclusive('\n')
                .map(str::to_owned)
                .collect(),
            Scenario::MidstreamError
            | Scenario::Drop
            | Scenario::BadCrc
            | Scenario::Malformed
            | Scenario::ContentFilter => reply_chunks().into_iter().take(2).collect(),
            _ => reply_chunks(),
        }
    }

    /// Output tokens reported for the text this scenario streams.
    pub fn output_tokens(self) -> u64 {
        match self {
            Scenario::Slow => 100,
            Scenario::Bulk => BULK_CHUNKS as u64,
            _ => super::OUTPUT_TOKENS,
        }
    }
}

/// REPLY split into five chunks at word boundaries; concatenated they give REPLY back.
pub(crate) fn reply_chunks() -> Vec<String> {
    const CHUNKS: usize = 5;
    let words: Vec<&str> = REPLY.split_inclusive(' ').collect();
    (0..CHUNKS)
        .map(|i| words[i * words.len() / CHUNKS..(i + 1) * words.len() / CHUNKS].concat())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_chunks_spell_the_reply_in_five_parts() {
        let chunks = reply_chunks();
        assert_eq!(chunks.len(), 5);
        assert_eq!(chunks.concat(), REPLY);
    }

    #[test]
    fn longest_word_wins() {
        assert_eq!(
            Scenario::from_name("gpt-rate-limited-once"),
            Scenario::RateLimitedOnce
        );
        assert_eq!(
            Scenario::from_name("gpt-rate-limited"),
            Scenario::RateLimited
        );
        assert_eq!(Scenario::from_name("gpt-4.1-mini"), Scenario::Normal);
        for (word, scenario) in NAMES {
            assert_eq!(Scenario::from_name(word), scenario);
            assert_eq!(scenario.word(), word);
        }
    }
}
