//! A session's forward: calls an SRT listener (the origin's contribution port) and sends it
//! the session's buffered messages, one SRT message per publisher message (so 1316-byte
//! TS-aligned messages stay intact).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use srt_protocol::options::{ByteCount, KeySize, PacketSize, Passphrase};
use srt_tokio::SrtSocket;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::buffer::{SharedBuffer, DEFAULT_BUFFER_BYTES};
use crate::config::ForwardTarget;
use crate::config::LIVE_MAX_PAYLOAD;
use crate::session::Counters;

/// How long the caller handshake may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// srt-tokio's send buffer. Its default (46 592 bytes, about 32 packets) silently drops
/// packets when a backlog is sent at once; this holds the whole pre-forward buffer.
const SEND_BUFFER_BYTES: u64 = 2 * DEFAULT_BUFFER_BYTES as u64;
/// How long closing the forward (flushing what is in flight) may take.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Connects to `target` and sends the buffer's messages until cancelled (`Ok`) or until the
/// connection fails or breaks (`Err` with a message for the `forward-error` event). The
/// message that was being sent when the connection broke is lost; later ones stay buffered.
pub(crate) async fn run_forward(
    target: ForwardTarget,
    buffer: Arc<SharedBuffer>,
    counters: Arc<Counters>,
    cancel: CancellationToken,
) -> Result<(), String> {
    let addr = target.addr;
    let passphrase = match target.passphrase {
        Some(p) => Some(Passphrase::try_from(p).map_err(|e| format!("forward passphrase: {e}"))?),
        None => None,
    };
    let local = if addr.is_ipv6() {
        SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), 0)
    } else {
        SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0)
    };
    let latency = target.latency;
    let connect = SrtSocket::builder()
        .set(|o| {
            o.connect.local = local;
            o.connect.timeout = CONNECT_TIMEOUT;
            o.receiver.latency = latency;
            o.sender.peer_latency = latency;
            o.sender.max_payload_size = PacketSize(LIVE_MAX_PAYLOAD);
            o.sender.buffer_size = ByteCount(SEND_BUFFER_BYTES);
            if let Some(passphrase) = passphrase {
                o.encryption.key_size = KeySize::AES128;
                o.encryption.passphrase = Some(passphrase);
            }
        })
        .call(addr, None);
    let mut socket = tokio::select! {
        _ = cancel.cancelled() => return Ok(()),
        connected = timeout(CONNECT_TIMEOUT + Duration::from_secs(1), connect) => match connected {
            Ok(Ok(socket)) => socket,
            Ok(Err(e)) => return Err(format!("cannot connect to {addr}: {e}")),
            Err(_) => return Err(format!("cannot connect to {addr}: timed out")),
        },
    };
    counters.set_forwarding(true);
    let result = loop {
        tokio::select! {
            _ = cancel.cancelled() => break Ok(()),
            message = buffer.pop() => {
                let len = message.len();
                let sent = tokio::select! {
                    _ = cancel.cancelled() => break Ok(()),
                    sent = socket.send((std::time::Instant::now(), message)) => sent,
                };
                match sent {
                    Ok(()) => counters.add_forwarded(len),
                    Err(e) => break Err(format!("forward to {addr} broke: {e}")),
                }
            }
            // The origin sends nothing; the stream ends when the connection does.
            item = socket.next() => if item.is_none() {
                break Err(format!("forward to {addr} closed by the peer"));
            },
        }
    };
    counters.set_forwarding(false);
    let _ = timeout(CLOSE_TIMEOUT, socket.close_and_finish()).await;
    result
}
