//! Runs the mock LLM provider servers until Ctrl+C, for trying the app (or an SDK) by hand.
//!   usage: mock-provider --port N [--kind openai|azure|bedrock|vertex|anthropic]
//! Without --kind, all five start on ports N..N+4.

use anyhow::{Context, Result};
use casefile_tests::mock::{MockKind, MockProvider, REPLY, Scenario, creds};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Mock LLM provider servers on 127.0.0.1")]
struct Args {
    /// First port (each further server takes the next one).
    #[arg(long)]
    port: u16,
    /// Start only this protocol family.
    #[arg(long)]
    kind: Option<MockKind>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let kinds = match args.kind {
        Some(kind) => vec![kind],
        None => MockKind::ALL.to_vec(),
    };
    let mut mocks = Vec::new();
    for (port, kind) in (args.port..).zip(kinds) {
        mocks.push(MockProvider::start_on(kind, port).await?);
    }

    println!("{:<10} base URL", "kind");
    for mock in &mocks {
        println!("{:<10} {}", mock.kind(), mock.base_url());
    }
    println!();
    println!("credentials (public test constants):");
    println!(
        "  API key (OpenAI, compatible, Azure, Anthropic): {}",
        creds::API_KEY
    );
    println!(
        "  AWS: {} / {} (session token optional: {}); Bedrock API key: {}",
        creds::AWS_ACCESS_KEY_ID,
        creds::AWS_SECRET_ACCESS_KEY,
        creds::AWS_SESSION_TOKEN,
        creds::BEDROCK_API_KEY
    );
    println!(
        "  Entra: tenant {}, client {}, secret {} (token URL: {{azure base URL}}/{}/oauth2/v2.0/token)",
        creds::ENTRA_TENANT,
        creds::ENTRA_CLIENT_ID,
        creds::ENTRA_CLIENT_SECRET,
        creds::ENTRA_TENANT
    );
    if let Some(vertex) = mocks.iter().find(|m| m.kind() == MockKind::Vertex) {
        let path = std::env::temp_dir().join(format!(
            "casefile-mock-service-account-{}.json",
            vertex.base_url().rsplit(':').next().unwrap_or("vertex")
        ));
        let token_uri = format!("{}/token", vertex.base_url());
        std::fs::write(&path, creds::service_account_json(&token_uri))
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!(
            "  Vertex: project {}, service-account JSON: {}",
            creds::GCP_PROJECT,
            path.display()
        );
    }
    println!();
    println!(
        "A word in the model/deployment name picks the scenario (e.g. \"gpt-4.1-{}\"); \
         the normal answer is: {REPLY}",
        Scenario::RateLimited.word()
    );
    println!("Ctrl+C stops.");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
