//! The ingest against real libsrt peers: FFmpeg and srt-live-transmit as publishers with
//! default settings, an FFmpeg libsrt listener with a passphrase as the origin. Each test
//! prints a note and passes when ffmpeg (or srt-live-transmit) is not installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::time::Duration;

use common::*;
use srt_ingest_core::{ForwardTarget, IngestEvent};

fn origin_target(port: u16) -> ForwardTarget {
    ForwardTarget::new(
        "127.0.0.1",
        u32::from(port),
        Some(ORIGIN_PASSPHRASE.into()),
        None,
    )
    .unwrap()
}

/// 1. An FFmpeg publish is relayed to an encrypted FFmpeg (libsrt) listener and the file it
///    writes has video. The first forward goes to a dead port (forward-error, publisher kept,
///    bytes buffered), the second to the listener.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ffmpeg_publish_is_relayed_to_encrypted_libsrt_listener() {
    if !have("ffmpeg") || !have("ffprobe") {
        return;
    }
    let t = start_ingest(&[("key1", "alpha")], |_| {}).await;
    let dir = scratch("relay");
    let out = dir.join("out.ts");
    let origin_port = free_udp_port();
    let origin = ffmpeg_origin(origin_port, Some(ORIGIN_PASSPHRASE), &out);

    let publisher = ffmpeg_publisher(&format!("srt://127.0.0.1:{}?streamid=key1", t.port), 4);
    let publish = t.events.wait_for("publish", 10, is_publish).await;
    let id = session_of(&publish);
    assert!(
        matches!(&publish, IngestEvent::Publish { stream, remote, .. }
        if stream == "alpha" && remote.starts_with("127.0.0.1:"))
    );

    // Nothing listens on this port: the forward fails, the publisher stays.
    let dead_port = free_udp_port();
    t.ingest
        .forward(
            id,
            ForwardTarget::new("127.0.0.1", u32::from(dead_port), None, None).unwrap(),
        )
        .unwrap();
    let error = t
        .events
        .wait_for("forward-error", 10, |e| {
            matches!(e, IngestEvent::ForwardError { .. })
        })
        .await;
    assert_eq!(session_of(&error), id);
    let sessions = t.ingest.sessions();
    assert_eq!(sessions.len(), 1, "publisher kept after a forward error");
    assert!(sessions[0].bytes_in > 0);
    assert_eq!(sessions[0].bytes_forwarded, 0);

    t.ingest.forward(id, origin_target(origin_port)).unwrap();
    let (status, stderr) = finish(publisher, 20).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "publisher failed: {stderr}"
    );

    let ended = t
        .events
        .wait_for("ended", 15, |e| matches!(e, IngestEvent::Ended { .. }))
        .await;
    let IngestEvent::Ended {
        reason,
        bytes_in,
        bytes_forwarded,
        ..
    } = &ended
    else {
        unreachable!()
    };
    assert_eq!(reason, "disconnected");
    assert!(*bytes_in > 50_000, "bytes in: {bytes_in}");
    // Everything received before and after the failed forward went to the origin.
    assert_eq!(bytes_forwarded, bytes_in, "all buffered bytes forwarded");

    // The forward's shutdown ends the origin's input.
    let (_, origin_err) = finish(origin, 10).await;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 50_000,
        "origin wrote {size} bytes; stderr: {origin_err}"
    );
    let types = probe_codec_types(&out);
    assert!(
        types.iter().any(|t| t == "video"),
        "{types:?}; origin stderr: {origin_err}"
    );
    let stats = t
        .events
        .all()
        .into_iter()
        .filter(|e| matches!(e, IngestEvent::Stats { .. }))
        .count();
    assert!(stats >= 2, "stats events: {stats}");
    t.ingest.close().await;
}

/// 2. A wrong key and a missing streamid are rejected at the handshake: ffmpeg fails,
///    nothing is accepted or forwarded, and the `rejected` events say why.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrong_key_and_missing_streamid_are_rejected_at_handshake() {
    if !have("ffmpeg") {
        return;
    }
    let t = start_ingest(&[("key1", "alpha")], |_| {}).await;
    let cases = [
        (
            format!("srt://127.0.0.1:{}?streamid=wrong", t.port),
            "wrong",
            "unknown stream key",
        ),
        (
            format!("srt://127.0.0.1:{}", t.port),
            "",
            "missing streamid",
        ),
        (
            format!(
                "srt://127.0.0.1:{}?streamid=#!::r=x,m=request,s=key1",
                t.port
            ),
            "#!::r=x,m=request,s=key1",
            "streamid mode must be publish, got \"request\"",
        ),
    ];
    for (url, stream_id, reason) in cases {
        let (status, stderr) = finish(ffmpeg_publisher(&url, 2), 20).await;
        assert!(
            status.is_some_and(|s| !s.success()),
            "{url}: ffmpeg should fail"
        );
        let rejected = t
            .events
            .wait_for(
                "rejected",
                5,
                |e| matches!(e, IngestEvent::Rejected { stream_id: s, .. } if s == stream_id),
            )
            .await;
        let IngestEvent::Rejected {
            reason: got,
            remote,
            ..
        } = rejected
        else {
            unreachable!()
        };
        assert_eq!(got, reason, "{url}; ffmpeg said: {stderr}");
        assert!(remote.starts_with("127.0.0.1:"));
    }
    assert!(t.ingest.sessions().is_empty());
    assert!(!t.events.all().iter().any(is_publish), "nothing accepted");
    t.ingest.close().await;
}

/// 3. srt-live-transmit (libsrt defaults: it sends up to 1456-byte messages, the live
///    maximum) publishes through the ingest's handshake, which announces a 1456-byte
///    payload instead of srt-tokio's default 1316.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn srt_live_transmit_publishes_with_default_settings() {
    if !have("ffmpeg") || !have("srt-live-transmit") {
        return;
    }
    let t = start_ingest(&[("key1", "alpha")], |_| {}).await;
    let url = format!("srt://127.0.0.1:{}?streamid=key1", t.port);
    let (encoder, mut transmit) = srt_live_transmit_publisher(&url, 3);
    t.events.wait_for("publish", 10, is_publish).await;
    let _ = finish(encoder, 20).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // srt-live-transmit keeps its connection after its input ends: read, then stop it.
    let sessions = t.ingest.sessions();
    let _ = transmit.kill().await;
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].bytes_in > 100_000, "{sessions:?}");
    t.ingest.close().await;
}

/// 4. Two publishers at once with different keys: two sessions, independent counters; a
///    third on a busy stream is rejected (conflict).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_publishers_have_independent_sessions() {
    if !have("ffmpeg") {
        return;
    }
    let t = start_ingest(&[("key1", "alpha"), ("key2", "beta")], |_| {}).await;
    let a = ffmpeg_publisher(&format!("srt://127.0.0.1:{}?streamid=key1", t.port), 4);
    let b = ffmpeg_publisher(
        &format!(
            "srt://127.0.0.1:{}?streamid=#!::r=live,m=publish,u=bob,s=key2",
            t.port
        ),
        2,
    );
    t.events
        .wait_for(
            "publish alpha",
            10,
            |e| matches!(e, IngestEvent::Publish { stream, .. } if stream == "alpha"),
        )
        .await;
    t.events
        .wait_for(
            "publish beta",
            10,
            |e| matches!(e, IngestEvent::Publish { stream, .. } if stream == "beta"),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sessions = t.ingest.sessions();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_ne!(sessions[0].session_id, sessions[1].session_id);
    assert!(
        sessions
            .iter()
            .all(|s| s.bytes_in > 0 && s.bitrate_bps > 0.0),
        "{sessions:?}"
    );

    let (status, stderr) = finish(
        ffmpeg_publisher(&format!("srt://127.0.0.1:{}?streamid=key1", t.port), 1),
        20,
    )
    .await;
    assert!(
        status.is_some_and(|s| !s.success()),
        "second publisher on alpha should fail: {stderr}"
    );
    t.events
        .wait_for("conflict", 5, |e| matches!(e, IngestEvent::Rejected { reason, .. } if reason == "stream already has a publisher"))
        .await;

    let _ = finish(b, 20).await;
    let _ = finish(a, 20).await;
    let mut ended = Vec::new();
    for stream in ["alpha", "beta"] {
        let e = t
            .events
            .wait_for(
                stream,
                15,
                |e| matches!(e, IngestEvent::Ended { stream: s, .. } if s == stream),
            )
            .await;
        let IngestEvent::Ended { bytes_in, .. } = e else {
            unreachable!()
        };
        ended.push(bytes_in);
    }
    // b published 2 s, a 4 s: the counts are the sessions' own.
    assert!(
        ended[0] > ended[1],
        "alpha {} vs beta {}",
        ended[0],
        ended[1]
    );
    t.ingest.close().await;
}

/// 5. With an edge passphrase: the right passphrase connects; none, a wrong one, and
///    (on an edge without passphrase) an encrypting caller are rejected.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn edge_passphrase_is_enforced() {
    if !have("ffmpeg") {
        return;
    }
    let pass = "edge-secret-123";
    let t = start_ingest(&[("key1", "alpha")], |c| c.passphrase = Some(pass.into())).await;
    let base = format!("srt://127.0.0.1:{}?streamid=key1", t.port);

    let (status, stderr) = finish(ffmpeg_publisher(&base, 1), 20).await;
    assert!(
        status.is_some_and(|s| !s.success()),
        "unencrypted caller accepted: {stderr}"
    );
    t.events
        .wait_for("unsecure", 10, |e| matches!(e, IngestEvent::Rejected { reason, .. } if reason.contains("missing passphrase")))
        .await;

    let (status, _) = finish(
        ffmpeg_publisher(&format!("{base}&passphrase=wrong-secret-0"), 1),
        20,
    )
    .await;
    assert!(
        status.is_some_and(|s| !s.success()),
        "wrong passphrase accepted"
    );
    t.events
        .wait_for("bad secret", 10, |e| {
            matches!(e, IngestEvent::Rejected { reason, .. } if reason.contains("wrong or missing passphrase"))
        })
        .await;
    assert_eq!(
        t.events
            .all()
            .iter()
            .filter(|e| matches!(e, IngestEvent::Rejected { .. }))
            .count(),
        2
    );
    assert!(!t.events.all().iter().any(is_publish));

    let (status, stderr) = finish(
        ffmpeg_publisher(&format!("{base}&passphrase={pass}"), 2),
        20,
    )
    .await;
    assert!(
        status.is_some_and(|s| s.success()),
        "right passphrase refused: {stderr}"
    );
    let ended = t
        .events
        .wait_for("ended", 15, |e| matches!(e, IngestEvent::Ended { .. }))
        .await;
    assert!(matches!(ended, IngestEvent::Ended { bytes_in, .. } if bytes_in > 20_000));
    t.ingest.close().await;

    // An edge without passphrase refuses an encrypting caller that announces its key
    // length (pbkeylen) at the handshake.
    let t = start_ingest(&[("key1", "alpha")], |_| {}).await;
    let base = format!("srt://127.0.0.1:{}?streamid=key1", t.port);
    let (status, _) = finish(
        ffmpeg_publisher(&format!("{base}&passphrase={pass}&pbkeylen=16"), 1),
        20,
    )
    .await;
    assert!(status.is_some_and(|s| !s.success()));
    t.events
        .wait_for("unsecure", 5, |e| matches!(e, IngestEvent::Rejected { reason, .. } if reason.starts_with("encryption not enabled")))
        .await;

    // One with the default pbkeylen makes srt-tokio 0.4.4's listener task panic ("expected
    // no secrets"); the ingest binds the port again and the next publisher gets through.
    let (status, _) = finish(
        ffmpeg_publisher(&format!("{base}&passphrase={pass}"), 1),
        20,
    )
    .await;
    assert!(status.is_some_and(|s| !s.success()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (status, stderr) = finish(ffmpeg_publisher(&base, 1), 20).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "listener not back: {stderr}"
    );
    t.ingest.close().await;
}

/// A publisher that connects and sends no data is dropped after the idle timeout
/// (10 s by default; 2 s here) with reason `timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_publisher_is_dropped_with_timeout() {
    if !have("srt-live-transmit") {
        return;
    }
    let t = start_ingest(&[("key1", "alpha")], |c| {
        c.idle_timeout = Duration::from_secs(2)
    })
    .await;
    let url = format!("srt://127.0.0.1:{}?streamid=key1", t.port);
    // Its input is a pipe nobody writes to: connected, silent.
    let mut transmit = tokio::process::Command::new("srt-live-transmit")
        .args(["file://con", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    t.events.wait_for("publish", 10, is_publish).await;
    let ended = t
        .events
        .wait_for("ended", 10, |e| matches!(e, IngestEvent::Ended { .. }))
        .await;
    assert!(
        matches!(&ended, IngestEvent::Ended { reason, bytes_in: 0, .. } if reason == "timeout"),
        "{ended:?}"
    );
    let _ = transmit.kill().await;
    t.ingest.close().await;
}
