//! Runs an ingest for manual tests: `cargo run -p srt-ingest-core --example serve -- PORT
//! KEY=STREAM… [--forward HOST:PORT[:PASSPHRASE]]`; prints every event; Ctrl-C closes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use srt_ingest_core::{ForwardTarget, IngestConfig, IngestEvent, SrtIngest};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u32 = args
        .next()
        .expect("PORT")
        .parse()
        .expect("PORT is a number");
    let mut keys = Vec::new();
    let mut forward = None;
    while let Some(arg) = args.next() {
        if arg == "--forward" {
            let spec = args.next().expect("HOST:PORT[:PASSPHRASE]");
            let mut parts = spec.splitn(3, ':');
            let host = parts.next().unwrap().to_owned();
            let port: u32 = parts.next().unwrap().parse().unwrap();
            let pass = parts.next().map(str::to_owned);
            forward = Some(ForwardTarget::new(&host, port, pass, None).unwrap());
        } else {
            let (k, s) = arg.split_once('=').expect("KEY=STREAM");
            keys.push((k.to_owned(), s.to_owned()));
        }
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = IngestConfig::new("0.0.0.0", port, None, None, None).unwrap();
    let ingest = Arc::new(SrtIngest::new(
        config,
        Arc::new(move |e| {
            let _ = tx.send(e);
        }),
    ));
    ingest.set_stream_keys(keys).unwrap();
    let port = ingest.start().await.unwrap();
    println!("listening on udp port {port}");
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            event = rx.recv() => {
                let Some(event) = event else { break };
                println!("{event:?}");
                if let (IngestEvent::Publish { session_id, .. }, Some(target)) = (&event, &forward) {
                    ingest.forward(*session_id, target.clone()).unwrap();
                }
            }
        }
    }
    ingest.close().await;
}
