//! SRT ingest of a Tributary edge.
//!
//! One UDP port accepts many concurrent publishers (OBS, FFmpeg, `srt-live-transmit`, any
//! SRT caller in live mode). Each handshake is decided **at handshake time** from its SRT
//! stream id: an unknown or missing key, a stream that already has a publisher, or a full
//! edge is rejected with an SRT reject reason, and nothing of it is forwarded. Each accepted
//! publisher's MPEG-TS is relayed, message by message, to an origin's SRT listener, this
//! side calling ([`SrtIngest::forward`]); bytes that arrive before (or between) forwards wait
//! in a bounded buffer.
//!
//! # Stream id syntax
//!
//! - Plain: the stream id is the stream key: `srt://edge:9000?streamid=<key>`.
//! - SRT Access Control: `#!::r=<anything>,m=publish,u=<user>,s=<key>`. `s=` carries the
//!   key; `m=`, when present, must be `publish`; other entries are ignored; an entry
//!   without `=` or a repeated entry is malformed.
//!
//! A key is 1..=512 bytes of visible ASCII (`!`..=`~`: no spaces or control characters).
//!
//! | handshake | SRT reject reason | `rejected` event reason |
//! |---|---|---|
//! | no stream id | 2401 Unauthorized | `missing streamid` |
//! | `#!::` without `s=` | 2401 Unauthorized | `missing stream key (s=) in streamid` |
//! | key not in the table | 2401 Unauthorized | `unknown stream key` |
//! | malformed id, bad key characters, too long | 2400 BadRequest | `malformed streamid: …` / … |
//! | `m=` not `publish` | 2405 BadMode | `streamid mode must be publish, got "…"` |
//! | stream already has a publisher | 2409 Conflict | `stream already has a publisher` |
//! | `max_publishers` reached | 2402 Overload | `too many publishers` |
//! | edge passphrase set, caller unencrypted | 1011 Unsecure (by srt-tokio) | `handshake failed: wrong or missing passphrase` |
//! | edge passphrase set, wrong passphrase | 1010 BadSecret (by srt-tokio) | `handshake failed: wrong or missing passphrase` |
//! | no edge passphrase, caller sets `pbkeylen` | 1011 Unsecure | `encryption not enabled on this edge …` |
//!
//! # Limits
//!
//! Everything a publisher controls is bounded: the stream id (512 bytes), the number of
//! sessions (`max_publishers`, counted from admission, before the handshake completes),
//! the buffer per session ([`buffer::DEFAULT_BUFFER_BYTES`], oldest dropped and counted),
//! and silence: a publisher that sends no data for [`config::DEFAULT_IDLE_TIMEOUT`] is
//! dropped (`ended` with reason `timeout`).
//!
//! # Interoperability with libsrt
//!
//! Both the listener and the forward announce a payload size of [`LIVE_MAX_PAYLOAD`]
//! (1456): srt-tokio puts its payload size where libsrt expects the MTU, so the default
//! (1316) would make libsrt callers refuse 1316-byte messages.

pub mod admission;
pub mod buffer;
pub mod config;
pub mod events;
mod forward;
pub mod server;
mod session;
pub mod streamid;

pub use admission::{decide, Admission, KeyTable, RejectKind, Rejection};
pub use config::{ConfigError, ForwardTarget, IngestConfig, LIVE_MAX_PAYLOAD};
pub use events::{EventSink, IngestEvent, SessionInfo};
pub use server::{IngestError, SrtIngest};
pub use streamid::{parse_stream_id, StreamIdError};
