//! The ingest server: one UDP port, many publishers. Owns the srt-tokio listener, decides
//! each handshake with [`crate::admission::decide`], and runs one task per accepted session
//! (see [`crate::session`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use srt_protocol::options::{ByteCount, KeySize, PacketSize, Passphrase};
use srt_protocol::packet::{CoreRejectReason, RejectReason, ServerRejectReason};
use srt_protocol::settings::KeySettings;
use srt_tokio::{ConnectionRequest, SrtIncoming, SrtListener};
use thiserror::Error;
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::admission::{decide, KeyTable, KeyTableError, Occupancy, RejectKind, Rejection};
use crate::config::{ForwardTarget, IngestConfig};
use crate::events::{EventSink, IngestEvent, SessionInfo};
use crate::session::{run_session, Counters, SessionContext};

/// UDP receive buffer of the shared listening socket (all publishers share it).
const UDP_RECV_BUFFER: u64 = 8 * 1024 * 1024;
/// How long before a listener that died unexpectedly is bound again.
const REBIND_DELAY: Duration = Duration::from_millis(500);

/// A call the ingest cannot serve.
#[derive(Debug, Error)]
pub enum IngestError {
    #[error("the ingest is already started")]
    AlreadyStarted,
    #[error("the ingest is closed")]
    Closed,
    #[error("the ingest is not started")]
    NotStarted,
    #[error("no session {0}")]
    NoSession(u32),
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Keys(#[from] KeyTableError),
}

/// State shared by the server, its accept loop and its sessions.
pub(crate) struct Shared {
    pub(crate) config: IngestConfig,
    events: EventSink,
    keys: RwLock<KeyTable>,
    sessions: Mutex<Sessions>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Sessions {
    map: HashMap<u32, SessionEntry>,
    last_id: u32,
}

#[derive(Debug)]
struct SessionEntry {
    stream: String,
    remote: String,
    started_at_ms: f64,
    /// Set once the handshake completed (until then the entry only reserves the stream).
    accepted: bool,
    counters: Arc<Counters>,
    forward: watch::Sender<Option<(u64, ForwardTarget)>>,
    forward_generation: u64,
    stop: CancellationToken,
    kicked: Arc<AtomicBool>,
}

impl Shared {
    pub(crate) fn emit(&self, event: IngestEvent) {
        (self.events)(event);
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        // Entries stay consistent between calls; a poisoned lock is still usable.
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn mark_accepted(&self, session_id: u32) {
        if let Some(entry) = self.sessions().map.get_mut(&session_id) {
            entry.accepted = true;
            entry.started_at_ms = unix_ms();
        }
    }

    pub(crate) fn remove_session(&self, session_id: u32) {
        self.sessions().map.remove(&session_id);
    }
}

fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

#[derive(Debug)]
enum Phase {
    Idle,
    Running {
        cancel: CancellationToken,
        accept_loop: JoinHandle<()>,
    },
    Closed,
}

/// An SRT ingest: accepts publishers on one UDP port and relays each to an origin.
///
/// All methods but [`start`](Self::start) and [`close`](Self::close) are synchronous and
/// cheap; `start` must run inside a tokio runtime (with time and I/O enabled), whose tasks
/// then serve the ingest until `close`.
#[derive(Debug)]
pub struct SrtIngest {
    shared: Arc<Shared>,
    phase: Mutex<Phase>,
    closed: watch::Sender<bool>,
}

impl SrtIngest {
    /// Creates an ingest; binds nothing yet. `events` is called from the ingest's tasks.
    pub fn new(config: IngestConfig, events: EventSink) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                events,
                keys: RwLock::new(KeyTable::default()),
                sessions: Mutex::new(Sessions::default()),
            }),
            phase: Mutex::new(Phase::Idle),
            closed: watch::Sender::new(false),
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Binds the UDP port and starts accepting; returns the bound port.
    pub async fn start(&self) -> Result<u16, IngestError> {
        match *self.phase() {
            Phase::Idle => {}
            Phase::Running { .. } => return Err(IngestError::AlreadyStarted),
            Phase::Closed => return Err(IngestError::Closed),
        }
        let bind = self.shared.config.bind;
        let (listener, incoming, local) = bind_listener(&self.shared.config, bind)
            .await
            .map_err(|source| IngestError::Bind { addr: bind, source })?;
        let unused = {
            let mut phase = self.phase();
            if matches!(*phase, Phase::Idle) {
                let cancel = CancellationToken::new();
                let accept_loop = tokio::spawn(serve(
                    self.shared.clone(),
                    listener,
                    incoming,
                    local,
                    cancel.clone(),
                ));
                *phase = Phase::Running {
                    cancel,
                    accept_loop,
                };
                None
            } else {
                Some(listener)
            }
        };
        if let Some(listener) = unused {
            // Closed (or started) while binding: let the new listener go.
            close_listener(listener).await;
            return Err(IngestError::Closed);
        }
        Ok(local.port())
    }

    /// Replaces the accepted stream keys (`(key, stream)` pairs); checked at each handshake.
    /// Sessions already accepted are not affected.
    pub fn set_stream_keys(
        &self,
        keys: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), IngestError> {
        let table = KeyTable::new(keys)?;
        *self.shared.keys.write().unwrap_or_else(|e| e.into_inner()) = table;
        Ok(())
    }

    /// Starts (or re-points) the forward of a session. Bytes buffered so far go first.
    pub fn forward(&self, session_id: u32, target: ForwardTarget) -> Result<(), IngestError> {
        let mut sessions = self.shared.sessions();
        let entry = sessions
            .map
            .get_mut(&session_id)
            .ok_or(IngestError::NoSession(session_id))?;
        entry.forward_generation += 1;
        entry
            .forward
            .send_replace(Some((entry.forward_generation, target)));
        Ok(())
    }

    /// Disconnects a publisher (its `ended` event says `kicked`).
    pub fn disconnect(&self, session_id: u32) -> Result<(), IngestError> {
        let sessions = self.shared.sessions();
        let entry = sessions
            .map
            .get(&session_id)
            .ok_or(IngestError::NoSession(session_id))?;
        entry.kicked.store(true, Ordering::SeqCst);
        entry.stop.cancel();
        Ok(())
    }

    /// Accepted sessions with their counters, by session id.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        let sessions = self.shared.sessions();
        let mut list: Vec<SessionInfo> = sessions
            .map
            .iter()
            .filter(|(_, e)| e.accepted)
            .map(|(id, e)| SessionInfo {
                session_id: *id,
                stream: e.stream.clone(),
                remote: e.remote.clone(),
                bytes_in: e.counters.bytes_in(),
                bytes_forwarded: e.counters.bytes_forwarded(),
                bytes_dropped: e.counters.bytes_dropped(),
                bitrate_bps: e.counters.bitrate_bps(),
                started_at_ms: e.started_at_ms,
                forwarding: e.counters.forwarding(),
            })
            .collect();
        list.sort_by_key(|s| s.session_id);
        list
    }

    /// Stops accepting, ends every session (`ended` with reason `closed`) and forward, and
    /// closes the socket. Idempotent; a second call waits for the first to finish.
    pub async fn close(&self) {
        let previous = std::mem::replace(&mut *self.phase(), Phase::Closed);
        match previous {
            Phase::Running {
                cancel,
                accept_loop,
            } => {
                cancel.cancel();
                // The accept loop ends the sessions, then the listener; a panic in it has
                // already been reported by the panic hook and there is nothing left to do.
                let _ = accept_loop.await;
                self.closed.send_replace(true);
            }
            Phase::Idle => {
                self.closed.send_replace(true);
            }
            Phase::Closed => {
                let mut closed = self.closed.subscribe();
                let _ = closed.wait_for(|done| *done).await;
            }
        }
    }
}

/// Binds the shared UDP socket and an srt-tokio listener on it.
async fn bind_listener(
    config: &IngestConfig,
    bind: SocketAddr,
) -> std::io::Result<(SrtListener, SrtIncoming, SocketAddr)> {
    let socket = UdpSocket::bind(bind).await?;
    // Best effort: the kernel caps it at net.core.rmem_max.
    let _ = socket2::SockRef::from(&socket).set_recv_buffer_size(UDP_RECV_BUFFER as usize);
    let local = socket.local_addr()?;
    let latency = config.latency;
    let idle = config.idle_timeout;
    let payload_size = config.payload_size;
    let (listener, incoming) = SrtListener::builder()
        .socket(socket)
        .set(|o| {
            o.receiver.latency = latency;
            o.sender.peer_latency = latency;
            o.sender.max_payload_size = PacketSize(payload_size);
            o.session.peer_idle_timeout = idle;
            o.connect.udp_recv_buffer_size = ByteCount(UDP_RECV_BUFFER);
        })
        .bind(local)
        .await?;
    Ok((listener, incoming, local))
}

/// Closes an srt-tokio listener. Its `close` unwraps the listener task's result, so a
/// listener task that panicked would panic here: run it in its own task to contain that.
async fn close_listener(mut listener: SrtListener) {
    let _ = tokio::spawn(async move { listener.close().await }).await;
}

/// The accept loop: answers handshakes until cancelled, then ends the sessions and closes
/// the listener. If the srt-tokio listener task dies on its own (it panics on some
/// malformed encryption handshakes), the port is bound again.
async fn serve(
    shared: Arc<Shared>,
    mut listener: SrtListener,
    mut incoming: SrtIncoming,
    local: SocketAddr,
    cancel: CancellationToken,
) {
    let sessions = TaskTracker::new();
    loop {
        let request = tokio::select! {
            _ = cancel.cancelled() => break,
            request = incoming.incoming().next() => request,
        };
        match request {
            Some(request) => handle_request(&shared, request, &sessions, &cancel).await,
            None => {
                // The listener task is gone. Its sessions lose their packets and end on
                // their idle timeout, releasing the port; bind it again until that works.
                close_listener(listener).await;
                let rebound = loop {
                    tokio::select! {
                        _ = cancel.cancelled() => break None,
                        _ = tokio::time::sleep(REBIND_DELAY) => {}
                    }
                    if let Ok(pair) = bind_listener(&shared.config, local).await {
                        break Some(pair);
                    }
                };
                match rebound {
                    Some((l, i, _)) => {
                        listener = l;
                        incoming = i;
                    }
                    None => {
                        sessions.close();
                        sessions.wait().await;
                        return;
                    }
                }
            }
        }
    }
    // Sessions first (they close their sockets through the listener's UDP socket), then
    // the listener.
    sessions.close();
    sessions.wait().await;
    close_listener(listener).await;
}

/// Encryption settings for a publisher, or why its handshake is rejected, from the edge
/// passphrase and the key size the caller announces (its `pbkeylen`; 0 when the caller left
/// it at the default, whether or not it encrypts).
///
/// With an edge passphrase, the announced size is passed through: srt-tokio panics on a
/// size mismatch, treats "unspecified" as AES-128 (libsrt's default) and rejects a caller
/// without key material (Unsecure) or whose key material does not decrypt (BadSecret).
/// Without one, a caller announcing a key size is refused here; srt-tokio 0.4.4 panics
/// (its listener task dies) when a caller sends key material to a listener without a
/// passphrase, which the server survives by binding the port again (see [`serve`]).
fn publisher_encryption(
    passphrase: Option<&str>,
    key_size: KeySize,
) -> Result<Option<KeySettings>, Rejection> {
    match (passphrase, key_size) {
        (None, KeySize::Unspecified) => Ok(None),
        (None, _) => Err(Rejection::new(
            RejectKind::Unsecure,
            "encryption not enabled on this edge (publish without a passphrase)",
        )),
        (Some(passphrase), key_size) => {
            let passphrase = Passphrase::try_from(passphrase.to_owned()).map_err(|e| {
                Rejection::new(RejectKind::Unsecure, format!("edge passphrase: {e}"))
            })?;
            Ok(Some(KeySettings {
                key_size,
                passphrase,
            }))
        }
    }
}

fn reject_reason(kind: RejectKind) -> RejectReason {
    match kind {
        RejectKind::BadRequest => RejectReason::Server(ServerRejectReason::BadRequest),
        RejectKind::Unauthorized => RejectReason::Server(ServerRejectReason::Unauthorized),
        RejectKind::Overload => RejectReason::Server(ServerRejectReason::Overload),
        RejectKind::BadMode => RejectReason::Server(ServerRejectReason::BadMode),
        RejectKind::Conflict => RejectReason::Server(ServerRejectReason::Conflict),
        RejectKind::Unsecure => RejectReason::Core(CoreRejectReason::Unsecure),
    }
}

async fn handle_request(
    shared: &Arc<Shared>,
    request: ConnectionRequest,
    sessions: &TaskTracker,
    cancel: &CancellationToken,
) {
    let remote = request.remote().to_string();
    let stream_id = request.stream_id().map(|s| s.to_string());
    let decision = publisher_encryption(shared.config.passphrase.as_deref(), request.key_size())
        .and_then(|keys| admit(shared, stream_id.as_deref(), &remote, cancel).map(|a| (keys, a)));
    match decision {
        Ok((key_settings, context)) => {
            sessions.spawn(run_session(shared.clone(), context, request, key_settings));
        }
        Err(rejection) => {
            // The channel to the listener task only fails when that task is gone.
            let _ = request.reject(reject_reason(rejection.kind)).await;
            shared.emit(IngestEvent::Rejected {
                stream_id: stream_id.unwrap_or_default(),
                remote,
                reason: rejection.reason,
            });
        }
    }
}

/// Decides a handshake and, when admitted, reserves the session (so that the stream and
/// the publisher count are taken before the handshake completes).
fn admit(
    shared: &Arc<Shared>,
    stream_id: Option<&str>,
    remote: &str,
    cancel: &CancellationToken,
) -> Result<SessionContext, Rejection> {
    let keys = shared.keys.read().unwrap_or_else(|e| e.into_inner());
    let mut sessions = shared.sessions();
    let has_publisher = |stream: &str| sessions.map.values().any(|e| e.stream == stream);
    let admission = decide(
        stream_id,
        &keys,
        Occupancy {
            publishers: sessions.map.len(),
            max_publishers: shared.config.max_publishers,
            has_publisher: &has_publisher,
        },
    )?;
    drop(keys);
    let mut id = sessions.last_id;
    loop {
        id = id.wrapping_add(1);
        if id != 0 && !sessions.map.contains_key(&id) {
            break;
        }
    }
    sessions.last_id = id;
    let counters = Arc::new(Counters::default());
    let (forward, forward_rx) = watch::channel(None);
    let stop = cancel.child_token();
    let kicked = Arc::new(AtomicBool::new(false));
    sessions.map.insert(
        id,
        SessionEntry {
            stream: admission.stream.clone(),
            remote: remote.to_owned(),
            started_at_ms: unix_ms(),
            accepted: false,
            counters: counters.clone(),
            forward,
            forward_generation: 0,
            stop: stop.clone(),
            kicked: kicked.clone(),
        },
    );
    Ok(SessionContext {
        session_id: id,
        stream: admission.stream,
        remote: remote.to_owned(),
        counters,
        forward: forward_rx,
        stop,
        kicked,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn publisher_encryption_table() {
        let pass = "0123456789abcdef";
        let cases: Vec<(Option<&str>, KeySize, Result<Option<KeySize>, &str>)> = vec![
            (None, KeySize::Unspecified, Ok(None)),
            (
                None,
                KeySize::AES128,
                Err("encryption not enabled on this edge (publish without a passphrase)"),
            ),
            (
                Some(pass),
                KeySize::Unspecified,
                Ok(Some(KeySize::Unspecified)),
            ),
            (Some(pass), KeySize::AES128, Ok(Some(KeySize::AES128))),
            (Some(pass), KeySize::AES256, Ok(Some(KeySize::AES256))),
        ];
        for (passphrase, key_size, expected) in cases {
            let got = publisher_encryption(passphrase, key_size);
            let got = got
                .as_ref()
                .map(|ks| ks.as_ref().map(|k| k.key_size))
                .map_err(|r| r.reason.as_str());
            assert_eq!(got, expected, "{passphrase:?} {key_size:?}");
        }
    }
}
