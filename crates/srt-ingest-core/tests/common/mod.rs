//! Helpers for the ingest integration tests: an ingest on 127.0.0.1 with a random port,
//! an event log to wait on, and real FFmpeg / srt-live-transmit processes.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // each test file uses a subset

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use srt_ingest_core::{IngestConfig, IngestEvent, SrtIngest};
use tokio::process::{Child, Command};
use tokio::sync::Notify;

/// The passphrase the test origin listens with (like the origin's per-stream ones).
pub const ORIGIN_PASSPHRASE: &str = "0123456789abcdef0123456789abcdef";

/// Whether a tool is on PATH; prints why a test is skipped when not.
pub fn have(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("SKIPPED: {tool} is not on PATH");
    }
    found
}

/// Every event the ingest emitted, in order.
#[derive(Default)]
pub struct Events {
    list: Mutex<Vec<IngestEvent>>,
    changed: Notify,
}

impl Events {
    pub fn all(&self) -> Vec<IngestEvent> {
        self.list.lock().unwrap().clone()
    }

    /// Waits until an event matches; panics after `secs` seconds.
    pub async fn wait_for(
        &self,
        what: &str,
        secs: u64,
        pred: impl Fn(&IngestEvent) -> bool,
    ) -> IngestEvent {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let notified = self.changed.notified();
            if let Some(e) = self.list.lock().unwrap().iter().find(|e| pred(e)) {
                return e.clone();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {what}; events: {:#?}", self.all());
            }
        }
    }
}

pub struct TestIngest {
    pub ingest: Arc<SrtIngest>,
    pub port: u16,
    pub events: Arc<Events>,
}

/// Starts an ingest on 127.0.0.1 (random port) with `keys` (key, stream).
pub async fn start_ingest(
    keys: &[(&str, &str)],
    configure: impl FnOnce(&mut IngestConfig),
) -> TestIngest {
    let mut config = IngestConfig::new("127.0.0.1", 0, None, None, None).unwrap();
    configure(&mut config);
    let events = Arc::new(Events::default());
    let sink = events.clone();
    let ingest = Arc::new(SrtIngest::new(
        config,
        Arc::new(move |e| {
            sink.list.lock().unwrap().push(e);
            sink.changed.notify_waiters();
        }),
    ));
    ingest
        .set_stream_keys(keys.iter().map(|(k, s)| ((*k).to_owned(), (*s).to_owned())))
        .unwrap();
    let port = ingest.start().await.unwrap();
    TestIngest {
        ingest,
        port,
        events,
    }
}

/// A UDP port that was free a moment ago.
pub fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("srt-ingest-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn quiet(cmd: &mut Command) -> &mut Command {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
}

/// FFmpeg publishing `secs` seconds of a test pattern (H.264 in MPEG-TS) to `url`, in real time.
pub fn ffmpeg_publisher(url: &str, secs: u32) -> Child {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-nostdin", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30"])
        .args(["-t", &secs.to_string()])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-g", "30"])
        .args(["-f", "mpegts", url]);
    quiet(&mut cmd).spawn().unwrap()
}

/// An FFmpeg (libsrt) listener like the origin's contribution input, writing `out`.
pub fn ffmpeg_origin(port: u16, passphrase: Option<&str>, out: &Path) -> Child {
    let mut url = format!("srt://127.0.0.1:{port}?mode=listener&transtype=live&latency=120000");
    if let Some(p) = passphrase {
        url.push_str(&format!("&passphrase={p}&pbkeylen=16"));
    }
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(["-i", &url, "-c", "copy", "-f", "mpegts"])
        .arg(out);
    quiet(&mut cmd).spawn().unwrap()
}

/// `ffmpeg … -f mpegts - | srt-live-transmit file://con <url>` (default settings): the
/// encoder and the transmitter, which keeps running after its input ends.
pub fn srt_live_transmit_publisher(url: &str, secs: u32) -> (Child, Child) {
    let mut encoder = Command::new("ffmpeg");
    encoder
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30"])
        .args(["-t", &secs.to_string()])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-g", "30"])
        .args(["-f", "mpegts", "-"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut encoder = encoder.spawn().unwrap();
    let ts: Stdio = encoder.stdout.take().unwrap().try_into().unwrap();
    let mut transmit = Command::new("srt-live-transmit");
    transmit
        .args(["file://con", url])
        .stdin(ts)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    (encoder, transmit.spawn().unwrap())
}

/// Waits for a child to exit (killing it after `secs`); returns its status and stderr.
pub async fn finish(mut child: Child, secs: u64) -> (Option<ExitStatus>, String) {
    let mut stderr = child.stderr.take();
    let status = match tokio::time::timeout(Duration::from_secs(secs), child.wait()).await {
        Ok(status) => status.ok(),
        Err(_) => {
            let _ = child.kill().await;
            None
        }
    };
    let mut text = String::new();
    if let Some(err) = stderr.as_mut() {
        use tokio::io::AsyncReadExt;
        let _ = tokio::time::timeout(Duration::from_secs(2), err.read_to_string(&mut text)).await;
    }
    (status, text)
}

/// The codec types ffprobe reads from a file (`video`, `audio`).
pub fn probe_codec_types(path: &Path) -> Vec<String> {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

pub fn is_publish(e: &IngestEvent) -> bool {
    matches!(e, IngestEvent::Publish { .. })
}

pub fn session_of(e: &IngestEvent) -> u32 {
    match e {
        IngestEvent::Publish { session_id, .. }
        | IngestEvent::Stats { session_id, .. }
        | IngestEvent::Ended { session_id, .. }
        | IngestEvent::ForwardError { session_id, .. } => *session_id,
        IngestEvent::Rejected { .. } => panic!("a rejection has no session"),
    }
}
