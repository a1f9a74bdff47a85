//! What the ingest reports: events (pushed) and session snapshots (pulled).

/// Something that happened; delivered to the event sink in order per session.
#[derive(Debug, Clone, PartialEq)]
pub enum IngestEvent {
    /// A publisher's handshake was accepted.
    Publish {
        session_id: u32,
        stream: String,
        remote: String,
    },
    /// A handshake was rejected (nothing of it is forwarded).
    Rejected {
        /// The stream id as sent (empty when none).
        stream_id: String,
        remote: String,
        reason: String,
    },
    /// About once a second per session.
    Stats {
        session_id: u32,
        stream: String,
        bitrate_bps: f64,
        bytes_in: u64,
        /// Bytes dropped from the pre-forward buffer so far (oldest first).
        bytes_dropped: u64,
    },
    /// A session is over: `timeout`, `disconnected`, `kicked`, `closed`.
    Ended {
        session_id: u32,
        stream: String,
        reason: String,
        bytes_in: u64,
        bytes_forwarded: u64,
    },
    /// The forward of a session failed to connect or broke; the publisher stays connected.
    ForwardError {
        session_id: u32,
        stream: String,
        message: String,
    },
}

/// A session as `sessions()` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    pub session_id: u32,
    pub stream: String,
    pub remote: String,
    pub bytes_in: u64,
    pub bytes_forwarded: u64,
    pub bytes_dropped: u64,
    pub bitrate_bps: f64,
    /// Unix time of the accepted handshake, in milliseconds.
    pub started_at_ms: f64,
    /// Whether a forward is currently connected.
    pub forwarding: bool,
}

/// Receives events; called from the ingest's tasks, so it must not block.
pub type EventSink = std::sync::Arc<dyn Fn(IngestEvent) + Send + Sync>;
