//! Configuration of the ingest and of a forward, validated before anything binds.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use thiserror::Error;

use crate::buffer::DEFAULT_BUFFER_BYTES;

/// Largest SRT payload in live mode. srt-tokio announces its payload size in the handshake's
/// MSS field; libsrt reads that field as the MTU and subtracts 44 bytes of headers, so with
/// srt-tokio's default (1316) a libsrt peer limits itself to 1272-byte messages and rejects
/// the standard 1316-byte ones (7 TS packets). Announcing 1456 lets libsrt use
/// 1456 - 44 = 1412 >= 1316.
pub const LIVE_MAX_PAYLOAD: u64 = 1456;

/// Default SRT latency for publishers and forwards, in milliseconds.
pub const DEFAULT_LATENCY_MS: u32 = 120;
/// Default most concurrent publishers.
pub const DEFAULT_MAX_PUBLISHERS: u32 = 64;
/// A publisher that sends no data for this long is dropped (reason `timeout`).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Highest accepted latency (ms): beyond this a live relay makes little sense.
pub const MAX_LATENCY_MS: u32 = 10_000;
/// Highest accepted `max_publishers`.
pub const MAX_PUBLISHERS_LIMIT: u32 = 4096;

/// A configuration value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("host {0:?} is not an IP address")]
    Host(String),
    #[error("latencyMs must be 0..={MAX_LATENCY_MS}, got {0}")]
    Latency(u32),
    #[error("passphrase must be 10..=79 characters, got {0}")]
    Passphrase(usize),
    #[error("maxPublishers must be 1..={MAX_PUBLISHERS_LIMIT}, got {0}")]
    MaxPublishers(u32),
    #[error("port must be 0..=65535, got {0}")]
    Port(u32),
}

/// Checks an SRT passphrase (libsrt and srt-tokio accept 10..=79 characters).
pub fn validate_passphrase(passphrase: &str) -> Result<(), ConfigError> {
    let len = passphrase.chars().count();
    if (10..=79).contains(&len) && passphrase.is_ascii() {
        Ok(())
    } else {
        Err(ConfigError::Passphrase(len))
    }
}

fn parse_host(host: &str) -> Result<IpAddr, ConfigError> {
    host.parse().map_err(|_| ConfigError::Host(host.to_owned()))
}

fn port(port: u32) -> Result<u16, ConfigError> {
    u16::try_from(port).map_err(|_| ConfigError::Port(port))
}

fn latency(ms: u32) -> Result<Duration, ConfigError> {
    if ms > MAX_LATENCY_MS {
        return Err(ConfigError::Latency(ms));
    }
    Ok(Duration::from_millis(u64::from(ms)))
}

/// Validated settings of an ingest listener.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Address the UDP port binds (port 0: the system picks one).
    pub bind: SocketAddr,
    /// SRT receive latency for publishers.
    pub latency: Duration,
    /// AES passphrase publishers must use (none: publishers must not encrypt).
    pub passphrase: Option<String>,
    /// Most concurrent publishers; beyond, handshakes are rejected (overload).
    pub max_publishers: usize,
    /// Bytes buffered per session while not forwarding (oldest dropped beyond).
    pub buffer_bytes: usize,
    /// A publisher that sends no data for this long is dropped.
    pub idle_timeout: Duration,
    /// SRT payload size announced to publishers ([`LIVE_MAX_PAYLOAD`]; lower values break
    /// libsrt callers that send 1316-byte messages, see there).
    pub payload_size: u64,
}

impl IngestConfig {
    /// Validates options as the JavaScript API passes them (`latency_ms` default 120,
    /// `max_publishers` default 64).
    pub fn new(
        host: &str,
        port_number: u32,
        latency_ms: Option<u32>,
        passphrase: Option<String>,
        max_publishers: Option<u32>,
    ) -> Result<Self, ConfigError> {
        let max = max_publishers.unwrap_or(DEFAULT_MAX_PUBLISHERS);
        if max == 0 || max > MAX_PUBLISHERS_LIMIT {
            return Err(ConfigError::MaxPublishers(max));
        }
        if let Some(p) = &passphrase {
            validate_passphrase(p)?;
        }
        Ok(Self {
            bind: SocketAddr::new(parse_host(host)?, port(port_number)?),
            latency: latency(latency_ms.unwrap_or(DEFAULT_LATENCY_MS))?,
            passphrase,
            max_publishers: usize::try_from(max).unwrap_or(usize::MAX),
            buffer_bytes: DEFAULT_BUFFER_BYTES,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            payload_size: LIVE_MAX_PAYLOAD,
        })
    }
}

/// Where a session's bytes go: an SRT listener (the origin's contribution port), us calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardTarget {
    pub addr: SocketAddr,
    /// AES-128 passphrase of the listener.
    pub passphrase: Option<String>,
    pub latency: Duration,
}

impl ForwardTarget {
    /// Validates a target as the JavaScript API passes it (`latency_ms` default 120).
    pub fn new(
        host: &str,
        port_number: u32,
        passphrase: Option<String>,
        latency_ms: Option<u32>,
    ) -> Result<Self, ConfigError> {
        if let Some(p) = &passphrase {
            validate_passphrase(p)?;
        }
        let port = port(port_number)?;
        if port == 0 {
            return Err(ConfigError::Port(0));
        }
        Ok(Self {
            addr: SocketAddr::new(parse_host(host)?, port),
            passphrase,
            latency: latency(latency_ms.unwrap_or(DEFAULT_LATENCY_MS))?,
        })
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn ingest_config_table() {
        let ok = IngestConfig::new("127.0.0.1", 0, None, None, None);
        assert!(ok.is_ok_and(|c| c.max_publishers == 64
            && c.latency == Duration::from_millis(120)
            && c.bind.port() == 0));
        let cases: Vec<(
            &str,
            u32,
            Option<u32>,
            Option<&str>,
            Option<u32>,
            ConfigError,
        )> = vec![
            (
                "localhost",
                9000,
                None,
                None,
                None,
                ConfigError::Host("localhost".into()),
            ),
            ("0.0.0.0", 70000, None, None, None, ConfigError::Port(70000)),
            (
                "::",
                9000,
                Some(10_001),
                None,
                None,
                ConfigError::Latency(10_001),
            ),
            (
                "::",
                9000,
                None,
                Some("short"),
                None,
                ConfigError::Passphrase(5),
            ),
            (
                "::",
                9000,
                None,
                None,
                Some(0),
                ConfigError::MaxPublishers(0),
            ),
            (
                "::",
                9000,
                None,
                None,
                Some(5000),
                ConfigError::MaxPublishers(5000),
            ),
        ];
        for (host, port, lat, pass, max, expected) in cases {
            let got = IngestConfig::new(host, port, lat, pass.map(str::to_owned), max);
            assert_eq!(got.err(), Some(expected), "{host} {port}");
        }
    }

    #[test]
    fn forward_target_table() {
        assert!(ForwardTarget::new("127.0.0.1", 10000, None, None).is_ok());
        assert_eq!(
            ForwardTarget::new("127.0.0.1", 0, None, None).err(),
            Some(ConfigError::Port(0))
        );
        assert_eq!(
            ForwardTarget::new("127.0.0.1", 1, Some("x".repeat(80)), None).err(),
            Some(ConfigError::Passphrase(80))
        );
    }
}
