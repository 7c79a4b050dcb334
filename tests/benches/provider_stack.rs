//! The provider stack's own cost: time to first text and throughput through `ProviderClient`
//! (adapter, retry gate, SSE decoding, typed events) against a bare reqwest request whose SSE
//! events are parsed with the same SSE and JSON crates, both reading the same mock stream in the
//! same run. Reports only; never fails on numbers.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use casefile_core::providers::{
    ChatRequest, Message, ProviderClient, StreamEvent, TransportSettings,
};
use casefile_tests::mock::{BULK_CHUNK, BULK_CHUNKS, MockProvider, Route, creds};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;

const FIRST_TEXT_RUNS: usize = 200;
const THROUGHPUT_RUNS: usize = 15;

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mock = MockProvider::start(Route::OpenAi.mock_kind()).await?;
        let client = ProviderClient::new(&TransportSettings::default())?;
        let bare = reqwest::Client::new();
        let expected = BULK_CHUNK.len() * BULK_CHUNKS;

        // Warm both paths (connection pool, allocator) before measuring.
        for _ in 0..5 {
            stack_run(&client, &mock, "normal").await?;
            bare_run(&bare, &mock, "normal").await?;
        }

        let (mut stack_first, mut bare_first) = (Vec::new(), Vec::new());
        for _ in 0..FIRST_TEXT_RUNS {
            stack_first.push(stack_run(&client, &mock, "normal").await?.first_text);
            bare_first.push(bare_run(&bare, &mock, "normal").await?.first_text);
        }
        let (mut stack_rate, mut bare_rate) = (Vec::new(), Vec::new());
        for _ in 0..THROUGHPUT_RUNS {
            let run = stack_run(&client, &mock, "bulk").await?;
            anyhow::ensure!(run.bytes == expected, "stack read {} of {expected} bytes", run.bytes);
            stack_rate.push(run.bytes as f64 / run.total.as_secs_f64());
            let run = bare_run(&bare, &mock, "bulk").await?;
            anyhow::ensure!(run.bytes == expected, "bare read {} of {expected} bytes", run.bytes);
            bare_rate.push(run.bytes as f64 / run.total.as_secs_f64());
        }

        let (stack_ms, bare_ms) = (median_ms(&mut stack_first), median_ms(&mut bare_first));
        println!("provider stack vs bare reqwest + SSE on the same mock stream (OpenAI Chat Completions):");
        println!(
            "time to first text, median of {FIRST_TEXT_RUNS}: stack {stack_ms:.3} ms, bare {bare_ms:.3} ms, \
             added {:.3} ms",
            stack_ms - bare_ms
        );
        let (stack_mbs, bare_mbs) = (median(&mut stack_rate) / 1e6, median(&mut bare_rate) / 1e6);
        println!(
            "throughput, median of {THROUGHPUT_RUNS} streams of {BULK_CHUNKS} chunks ({:.1} MB of text): \
             stack {stack_mbs:.1} MB/s, bare {bare_mbs:.1} MB/s, {:.1}% of bare",
            expected as f64 / 1e6,
            100.0 * stack_mbs / bare_mbs
        );
        Ok(())
    })
}

struct Run {
    first_text: Duration,
    total: Duration,
    bytes: usize,
}

async fn stack_run(client: &ProviderClient, mock: &MockProvider, scenario: &str) -> Result<Run> {
    let (profile, credentials) = Route::OpenAi.profile(mock, scenario);
    let request = ChatRequest {
        messages: vec![Message::user("Summarise the case.")],
        ..ChatRequest::default()
    };
    let started = Instant::now();
    let mut first_text = None;
    let mut bytes = 0;
    let mut stream = client.stream(&profile, &credentials, &request).await?;
    while let Some(event) = stream.next().await {
        if let StreamEvent::TextDelta { text } = event? {
            first_text.get_or_insert_with(|| started.elapsed());
            bytes += text.len();
        }
    }
    Ok(Run {
        first_text: first_text.context("no text")?,
        total: started.elapsed(),
        bytes,
    })
}

/// The least a client can do: POST, read SSE events, parse each JSON and take the text.
async fn bare_run(client: &reqwest::Client, mock: &MockProvider, scenario: &str) -> Result<Run> {
    let (profile, _) = Route::OpenAi.profile(mock, scenario);
    let body = serde_json::json!({
        "model": profile.model,
        "messages": [{"role": "user", "content": "Summarise the case."}],
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    let started = Instant::now();
    let response = client
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth(creds::API_KEY)
        .json(&body)
        .send()
        .await?
        .error_for_status()?;
    let mut events = response.bytes_stream().eventsource();
    let mut first_text = None;
    let mut bytes = 0;
    while let Some(event) = events.next().await {
        let event = event?;
        if event.data == "[DONE]" {
            break;
        }
        let chunk: serde_json::Value = serde_json::from_str(&event.data)?;
        // The opening chunk carries an empty content string with the role: not text yet.
        if let Some(text) = chunk["choices"][0]["delta"]["content"]
            .as_str()
            .filter(|t| !t.is_empty())
        {
            first_text.get_or_insert_with(|| started.elapsed());
            bytes += text.len();
        }
    }
    Ok(Run {
        first_text: first_text.context("no text")?,
        total: started.elapsed(),
        bytes,
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn median_ms(values: &mut [Duration]) -> f64 {
    values.sort();
    values[values.len() / 2].as_secs_f64() * 1e3
}
