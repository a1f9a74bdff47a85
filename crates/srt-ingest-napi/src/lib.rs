#![allow(unsafe_code)] // napi-derive expands to FFI glue; this crate writes none itself.

//! N-API binding of `srt-ingest-core` for the edge service. Thin on purpose: it converts
//! between JavaScript and Rust values, turns core errors into JavaScript errors in one place
//! (`to_js_error`), delivers events through a non-blocking threadsafe function, and owns the
//! tokio runtime the ingest runs on (created by `start()`, shut down by `close()`, so a
//! closed ingest leaves no thread, task or socket behind).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use napi::bindgen_prelude::{Function, FunctionRef, Object};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;
use srt_ingest_core as core;

/// How long `close()` lets the runtime's remaining tasks finish before dropping them.
const RUNTIME_SHUTDOWN: Duration = Duration::from_secs(2);

#[napi(object)]
#[derive(Debug)]
pub struct SrtIngestOptions {
    /// Address to bind (an IP address, e.g. `0.0.0.0`).
    pub host: String,
    /// UDP port; 0 picks a free one (`start()` resolves with it).
    pub port: u32,
    /// SRT receive latency for publishers in ms (default 120).
    pub latency_ms: Option<u32>,
    /// AES passphrase publishers must use (10-79 characters); none: no encryption.
    pub passphrase: Option<String>,
    /// Most concurrent publishers (default 64); beyond, handshakes are rejected (overload).
    pub max_publishers: Option<u32>,
}

#[napi(object)]
#[derive(Debug)]
pub struct StreamKey {
    pub key: String,
    pub stream: String,
}

#[napi(object)]
#[derive(Debug)]
pub struct ForwardTarget {
    pub host: String,
    pub port: u32,
    /// AES-128 passphrase of the listener (the origin's contribution passphrase).
    pub passphrase: Option<String>,
    /// SRT latency in ms (default 120).
    pub latency_ms: Option<u32>,
}

#[napi(object)]
#[derive(Debug)]
pub struct SessionInfo {
    pub session_id: u32,
    pub stream: String,
    /// `ip:port` of the publisher.
    pub remote: String,
    pub bytes_in: f64,
    pub bytes_forwarded: f64,
    /// Bytes dropped from the bounded pre-forward buffer (oldest first).
    pub bytes_dropped: f64,
    pub bitrate_bps: f64,
    /// Unix time of the accepted handshake, in ms.
    pub started_at_ms: f64,
    /// Whether a forward is connected right now.
    pub forwarding: bool,
}

#[napi(discriminant = "type", discriminant_case = "kebab-case")]
#[derive(Debug)]
pub enum IngestEvent {
    Publish {
        session_id: u32,
        stream: String,
        remote: String,
    },
    Rejected {
        stream_id: String,
        remote: String,
        reason: String,
    },
    Stats {
        session_id: u32,
        stream: String,
        bitrate_bps: f64,
        bytes_in: f64,
        bytes_dropped: f64,
    },
    Ended {
        session_id: u32,
        stream: String,
        reason: String,
        bytes_in: f64,
        bytes_forwarded: f64,
    },
    ForwardError {
        session_id: u32,
        stream: String,
        message: String,
    },
}

impl From<core::IngestEvent> for IngestEvent {
    fn from(e: core::IngestEvent) -> Self {
        match e {
            core::IngestEvent::Publish {
                session_id,
                stream,
                remote,
            } => Self::Publish {
                session_id,
                stream,
                remote,
            },
            core::IngestEvent::Rejected {
                stream_id,
                remote,
                reason,
            } => Self::Rejected {
                stream_id,
                remote,
                reason,
            },
            core::IngestEvent::Stats {
                session_id,
                stream,
                bitrate_bps,
                bytes_in,
                bytes_dropped,
            } => Self::Stats {
                session_id,
                stream,
                bitrate_bps,
                bytes_in: bytes_in as f64,
                bytes_dropped: bytes_dropped as f64,
            },
            core::IngestEvent::Ended {
                session_id,
                stream,
                reason,
                bytes_in,
                bytes_forwarded,
            } => Self::Ended {
                session_id,
                stream,
                reason,
                bytes_in: bytes_in as f64,
                bytes_forwarded: bytes_forwarded as f64,
            },
            core::IngestEvent::ForwardError {
                session_id,
                stream,
                message,
            } => Self::ForwardError {
                session_id,
                stream,
                message,
            },
        }
    }
}

fn to_js_error(e: impl std::fmt::Display) -> Error {
    Error::new(Status::InvalidArg, e.to_string())
}

fn closed_error() -> Error {
    Error::new(Status::GenericFailure, "the SRT ingest is closed")
}

fn resolved(_: Env) -> Result<()> {
    Ok(())
}

type EventCallback = ThreadsafeFunction<IngestEvent, (), IngestEvent, Status, false>;

/// Where events go; emptied by `close()` so the callback no longer keeps Node alive.
type EventSlot = Arc<Mutex<Option<EventCallback>>>;

fn slot(s: &EventSlot) -> std::sync::MutexGuard<'_, Option<EventCallback>> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

/// An SRT ingest: many publishers on one UDP port, admitted by stream key at handshake
/// time, each relayed to an origin's SRT listener. Events arrive on the callback given to
/// the constructor, from the JavaScript thread, in order.
#[napi]
pub struct SrtIngest {
    ingest: Arc<core::SrtIngest>,
    on_event: FunctionRef<IngestEvent, ()>,
    events: EventSlot,
    runtime: Option<tokio::runtime::Runtime>,
    closed: bool,
}

impl std::fmt::Debug for SrtIngest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrtIngest")
            .field("ingest", &self.ingest)
            .field("started", &self.runtime.is_some())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

#[napi]
impl SrtIngest {
    /** Binds nothing yet. */
    #[napi(
        constructor,
        ts_args_type = "options: SrtIngestOptions, onEvent: (event: IngestEvent) => void"
    )]
    pub fn new(options: SrtIngestOptions, on_event: Function<IngestEvent, ()>) -> Result<Self> {
        let config = core::IngestConfig::new(
            &options.host,
            options.port,
            options.latency_ms,
            options.passphrase,
            options.max_publishers,
        )
        .map_err(to_js_error)?;
        let events: EventSlot = Arc::new(Mutex::new(None));
        let sink_slot = events.clone();
        let sink: core::EventSink = Arc::new(move |event: core::IngestEvent| {
            if let Some(callback) = slot(&sink_slot).as_ref() {
                // Non-blocking: the queue is unbounded, so this never waits on JavaScript.
                let _ = callback.call(event.into(), ThreadsafeFunctionCallMode::NonBlocking);
            }
        });
        Ok(Self {
            ingest: Arc::new(core::SrtIngest::new(config, sink)),
            on_event: on_event.create_ref()?,
            events,
            runtime: None,
            closed: false,
        })
    }

    /** Binds the UDP port and starts accepting; resolves with the bound port (options.port 0 = pick one). */
    #[napi(ts_return_type = "Promise<number>")]
    pub fn start<'env>(&mut self, env: &'env Env) -> Result<Object<'env>> {
        if self.closed {
            return Err(closed_error());
        }
        if self.runtime.is_some() {
            return Err(Error::new(
                Status::GenericFailure,
                "the SRT ingest is already started",
            ));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("srt-ingest")
            .enable_all()
            .build()
            .map_err(|e| Error::new(Status::GenericFailure, format!("tokio runtime: {e}")))?;
        // While the ingest runs, its callback keeps the Node process alive (like a server).
        let callback: EventCallback = self
            .on_event
            .borrow_back(env)?
            .build_threadsafe_function::<IngestEvent>()
            .callee_handled::<false>()
            .build()?;
        *slot(&self.events) = Some(callback);
        let (deferred, promise) = env.create_deferred::<u32, _>()?;
        let ingest = self.ingest.clone();
        runtime.spawn(async move {
            match ingest.start().await {
                Ok(port) => deferred.resolve(move |_| Ok(u32::from(port))),
                Err(e) => deferred.reject(to_js_error(e)),
            }
        });
        self.runtime = Some(runtime);
        Ok(promise)
    }

    /** Replaces the accepted stream keys: key -> stream name. Checked at each handshake. */
    #[napi]
    pub fn set_stream_keys(&self, keys: Vec<StreamKey>) -> Result<()> {
        self.ingest
            .set_stream_keys(keys.into_iter().map(|k| (k.key, k.stream)))
            .map_err(to_js_error)
    }

    /** Starts relaying session `sessionId`'s bytes to an SRT listener (caller mode). Bytes that arrived before this call are buffered (bounded, 8 MiB, oldest dropped and counted in bytesDropped) and sent first. */
    #[napi]
    pub fn forward(&self, session_id: u32, target: ForwardTarget) -> Result<()> {
        let target = core::ForwardTarget::new(
            &target.host,
            target.port,
            target.passphrase,
            target.latency_ms,
        )
        .map_err(to_js_error)?;
        self.ingest.forward(session_id, target).map_err(to_js_error)
    }

    /** Disconnects a publisher (e.g. operator kick); its 'ended' event says "kicked". */
    #[napi]
    pub fn disconnect(&self, session_id: u32) -> Result<()> {
        self.ingest.disconnect(session_id).map_err(to_js_error)
    }

    /** Current sessions with their counters. */
    #[napi]
    pub fn sessions(&self) -> Vec<SessionInfo> {
        self.ingest
            .sessions()
            .into_iter()
            .map(|s| SessionInfo {
                session_id: s.session_id,
                stream: s.stream,
                remote: s.remote,
                bytes_in: s.bytes_in as f64,
                bytes_forwarded: s.bytes_forwarded as f64,
                bytes_dropped: s.bytes_dropped as f64,
                bitrate_bps: s.bitrate_bps,
                started_at_ms: s.started_at_ms,
                forwarding: s.forwarding,
            })
            .collect()
    }

    /** Stops accepting, closes every session and forward; idempotent. */
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&mut self, env: &'env Env) -> Result<Object<'env>> {
        self.closed = true;
        let (deferred, promise) = env.create_deferred::<(), fn(Env) -> Result<()>>()?;
        let ingest = self.ingest.clone();
        let events = self.events.clone();
        match self.runtime.take() {
            Some(runtime) => {
                // The runtime cannot be shut down from one of its own threads: a short-lived
                // thread closes the ingest on it, shuts it down, then settles the promise.
                let closer = std::thread::Builder::new()
                    .name("srt-ingest-close".into())
                    .spawn(move || {
                        runtime.block_on(ingest.close());
                        runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
                        // Releasing the callback lets Node exit; queued events still arrive.
                        slot(&events).take();
                        deferred.resolve(resolved);
                    });
                if let Err(e) = closer {
                    return Err(Error::new(
                        Status::GenericFailure,
                        format!("cannot start the close thread: {e}"),
                    ));
                }
            }
            None => {
                slot(&events).take();
                deferred.resolve(resolved);
            }
        }
        Ok(promise)
    }
}
