//! One publisher: completes its handshake, reads its messages into the bounded buffer,
//! reports stats, drops it after the idle timeout, and runs its forward (see
//! [`crate::forward`]) whenever the edge asks for one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use srt_protocol::settings::KeySettings;
use srt_tokio::{ConnectionRequest, SrtSocket};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{interval_at, sleep_until, timeout, Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::buffer::SharedBuffer;
use crate::config::ForwardTarget;
use crate::events::IngestEvent;
use crate::forward::run_forward;
use crate::server::Shared;

/// How long the handshake may take to complete after it was admitted.
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long closing a socket (flushing, shutdown packet) may take.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// Period of `stats` events.
const STATS_PERIOD: Duration = Duration::from_secs(1);

/// A session's counters, shared with `sessions()`.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    bytes_in: AtomicU64,
    bytes_forwarded: AtomicU64,
    bytes_dropped: AtomicU64,
    /// f64 bits.
    bitrate_bps: AtomicU64,
    forwarding: AtomicBool,
}

impl Counters {
    pub(crate) fn bytes_in(&self) -> u64 {
        self.bytes_in.load(Ordering::Relaxed)
    }
    pub(crate) fn bytes_forwarded(&self) -> u64 {
        self.bytes_forwarded.load(Ordering::Relaxed)
    }
    pub(crate) fn add_forwarded(&self, n: usize) {
        self.bytes_forwarded.fetch_add(n as u64, Ordering::Relaxed);
    }
    pub(crate) fn bytes_dropped(&self) -> u64 {
        self.bytes_dropped.load(Ordering::Relaxed)
    }
    pub(crate) fn bitrate_bps(&self) -> f64 {
        f64::from_bits(self.bitrate_bps.load(Ordering::Relaxed))
    }
    pub(crate) fn forwarding(&self) -> bool {
        self.forwarding.load(Ordering::Relaxed)
    }
    pub(crate) fn set_forwarding(&self, on: bool) {
        self.forwarding.store(on, Ordering::Relaxed);
    }
}

/// What the server hands a session task when it admits a handshake.
#[derive(Debug)]
pub(crate) struct SessionContext {
    pub(crate) session_id: u32,
    pub(crate) stream: String,
    pub(crate) remote: String,
    pub(crate) counters: Arc<Counters>,
    /// The latest forward target, with a generation that changes on every `forward` call.
    pub(crate) forward: watch::Receiver<Option<(u64, ForwardTarget)>>,
    /// Cancelled by `disconnect` (then `kicked` is set) or by `close`.
    pub(crate) stop: CancellationToken,
    pub(crate) kicked: Arc<AtomicBool>,
}

/// A running forward: cancel it, or learn how it ended.
struct ForwardTask {
    cancel: CancellationToken,
    done: JoinHandle<Result<(), String>>,
}

impl ForwardTask {
    async fn stop(self) {
        self.cancel.cancel();
        let _ = self.done.await;
    }
}

/// Runs a session from its admitted handshake to its `ended` event.
pub(crate) async fn run_session(
    shared: Arc<Shared>,
    mut ctx: SessionContext,
    request: ConnectionRequest,
    key_settings: Option<KeySettings>,
) {
    let stream_id = request
        .stream_id()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let encrypted = key_settings.is_some();
    let accepted = tokio::select! {
        _ = ctx.stop.cancelled() => None,
        accepted = timeout(ACCEPT_TIMEOUT, request.accept(key_settings)) => Some(accepted),
    };
    let failure = match accepted {
        Some(Ok(Ok(socket))) => Ok(socket),
        None => Err("ingest closed during the handshake".to_owned()),
        Some(Err(_)) => Err("handshake timed out".to_owned()),
        // srt-tokio rejects a caller without key material (Unsecure) or whose key material
        // does not decrypt with the passphrase (BadSecret), then drops the pending connection.
        Some(Ok(Err(_))) if encrypted => {
            Err("handshake failed: wrong or missing passphrase".to_owned())
        }
        Some(Ok(Err(e))) => Err(format!("handshake failed: {e}")),
    };
    let mut socket = match failure {
        Ok(socket) => socket,
        Err(reason) => {
            shared.remove_session(ctx.session_id);
            shared.emit(IngestEvent::Rejected {
                stream_id,
                remote: ctx.remote,
                reason,
            });
            return;
        }
    };
    shared.mark_accepted(ctx.session_id);
    shared.emit(IngestEvent::Publish {
        session_id: ctx.session_id,
        stream: ctx.stream.clone(),
        remote: ctx.remote.clone(),
    });

    let reason = relay(&shared, &mut ctx, &mut socket).await;

    let _ = timeout(CLOSE_TIMEOUT, socket.close_and_finish()).await;
    shared.remove_session(ctx.session_id);
    shared.emit(IngestEvent::Ended {
        session_id: ctx.session_id,
        stream: ctx.stream.clone(),
        reason: reason.to_owned(),
        bytes_in: ctx.counters.bytes_in(),
        bytes_forwarded: ctx.counters.bytes_forwarded(),
    });
}

/// Reads the publisher until it ends; returns the `ended` reason.
async fn relay(
    shared: &Arc<Shared>,
    ctx: &mut SessionContext,
    socket: &mut SrtSocket,
) -> &'static str {
    let idle_timeout = shared.config.idle_timeout;
    let buffer = Arc::new(SharedBuffer::new(shared.config.buffer_bytes));
    let mut forward: Option<ForwardTask> = None;
    let mut last_data = Instant::now();
    let mut stats = interval_at(Instant::now() + STATS_PERIOD, STATS_PERIOD);
    stats.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut stats_at = Instant::now();
    let mut stats_bytes = 0u64;
    let mut forward_updates_open = true;

    let reason = loop {
        let forward_done = async {
            match forward.as_mut() {
                Some(task) => (&mut task.done).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = ctx.stop.cancelled() => {
                break if ctx.kicked.load(Ordering::SeqCst) { "kicked" } else { "closed" };
            }
            changed = ctx.forward.changed(), if forward_updates_open => {
                if changed.is_err() {
                    forward_updates_open = false;
                    continue;
                }
                let target = ctx.forward.borrow_and_update().as_ref().map(|(_, t)| t.clone());
                if let Some(old) = forward.take() {
                    old.stop().await;
                }
                if let Some(target) = target {
                    let cancel = ctx.stop.child_token();
                    let done = tokio::spawn(run_forward(
                        target,
                        buffer.clone(),
                        ctx.counters.clone(),
                        cancel.clone(),
                    ));
                    forward = Some(ForwardTask { cancel, done });
                }
            }
            item = socket.next() => match item {
                Some(Ok((_, message))) => {
                    last_data = Instant::now();
                    ctx.counters.bytes_in.fetch_add(message.len() as u64, Ordering::Relaxed);
                    let dropped = buffer.push(message);
                    if dropped > 0 {
                        ctx.counters.bytes_dropped.fetch_add(dropped as u64, Ordering::Relaxed);
                    }
                }
                // srt-tokio ends the stream when the peer shuts down, or when nothing at
                // all (not even keep-alives) came for the peer idle timeout.
                Some(Err(_)) | None => {
                    let idle = last_data.elapsed() + Duration::from_secs(1) >= idle_timeout;
                    break if idle { "timeout" } else { "disconnected" };
                }
            },
            _ = sleep_until(last_data + idle_timeout) => break "timeout",
            _ = stats.tick() => {
                let now = Instant::now();
                let bytes_in = ctx.counters.bytes_in();
                let secs = now.duration_since(stats_at).as_secs_f64();
                let bitrate = if secs > 0.0 {
                    (bytes_in.saturating_sub(stats_bytes) as f64) * 8.0 / secs
                } else {
                    0.0
                };
                stats_at = now;
                stats_bytes = bytes_in;
                ctx.counters.bitrate_bps.store(bitrate.to_bits(), Ordering::Relaxed);
                shared.emit(IngestEvent::Stats {
                    session_id: ctx.session_id,
                    stream: ctx.stream.clone(),
                    bitrate_bps: bitrate,
                    bytes_in,
                    bytes_dropped: buffer.dropped_bytes(),
                });
            }
            result = forward_done => {
                forward = None;
                let message = match result {
                    Ok(Ok(())) => continue,
                    Ok(Err(message)) => message,
                    Err(e) => format!("forward task failed: {e}"),
                };
                shared.emit(IngestEvent::ForwardError {
                    session_id: ctx.session_id,
                    stream: ctx.stream.clone(),
                    message,
                });
            }
        }
    };
    if let Some(task) = forward.take() {
        task.stop().await;
    }
    reason
}
