//! The admission decision taken at handshake time: which stream a stream id publishes to,
//! or why the handshake is rejected. Pure: the server feeds it the current key table and
//! the set of streams that already have a publisher.

use std::collections::HashMap;

use crate::streamid::{parse_stream_id, validate_key, StreamIdError, MAX_KEY_LEN};

/// The accepted stream keys: key -> stream name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyTable(HashMap<String, String>);

/// A key table entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyTableError {
    #[error("stream key {key:?}: {error}")]
    InvalidKey { key: String, error: StreamIdError },
    #[error("stream name for key {key:?} must be 1..=512 bytes")]
    InvalidStream { key: String },
}

impl KeyTable {
    /// Builds a table from `(key, stream)` pairs; a later duplicate key replaces an earlier one.
    pub fn new(entries: impl IntoIterator<Item = (String, String)>) -> Result<Self, KeyTableError> {
        let mut table = HashMap::new();
        for (key, stream) in entries {
            if let Err(error) = validate_key(&key) {
                return Err(KeyTableError::InvalidKey { key, error });
            }
            if stream.is_empty() || stream.len() > MAX_KEY_LEN {
                return Err(KeyTableError::InvalidStream { key });
            }
            table.insert(key, stream);
        }
        Ok(Self(table))
    }

    /// The stream a key publishes to.
    pub fn stream_for(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What the SRT reject code of a rejection is (the caller sees it as its reject reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectKind {
    /// Malformed stream id: SRT `BadRequest` (2400).
    BadRequest,
    /// Missing or unknown key: SRT `Unauthorized` (2401).
    Unauthorized,
    /// Too many publishers on this edge: SRT `Overload` (2402).
    Overload,
    /// Access Control `m=` other than `publish`: SRT `BadMode` (2405).
    BadMode,
    /// The stream already has a publisher: SRT `Conflict` (2409).
    Conflict,
    /// Encryption required by one side and not offered by the other: SRT core `Unsecure` (1011).
    Unsecure,
}

impl RejectKind {
    /// The numeric SRT reject reason.
    pub fn code(self) -> i32 {
        match self {
            RejectKind::BadRequest => 2400,
            RejectKind::Unauthorized => 2401,
            RejectKind::Overload => 2402,
            RejectKind::BadMode => 2405,
            RejectKind::Conflict => 2409,
            RejectKind::Unsecure => 1011,
        }
    }
}

/// A rejected handshake: its SRT reject code and a human-readable reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub kind: RejectKind,
    pub reason: String,
}

impl Rejection {
    pub fn new(kind: RejectKind, reason: impl Into<String>) -> Self {
        Self {
            kind,
            reason: reason.into(),
        }
    }
}

/// An admitted publisher: its key and the stream it publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub key: String,
    pub stream: String,
}

/// What the server knows about current publishers when a handshake arrives.
#[derive(Clone, Copy)]
pub struct Occupancy<'a> {
    /// Publishers accepted or being accepted right now.
    pub publishers: usize,
    /// At most this many at once.
    pub max_publishers: usize,
    /// Whether a stream already has a publisher.
    pub has_publisher: &'a dyn Fn(&str) -> bool,
}

impl std::fmt::Debug for Occupancy<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Occupancy")
            .field("publishers", &self.publishers)
            .field("max_publishers", &self.max_publishers)
            .finish_non_exhaustive()
    }
}

/// Decides a handshake, in this order: a valid stream id, a known key, a free stream,
/// room for one more publisher.
pub fn decide(
    stream_id: Option<&str>,
    keys: &KeyTable,
    occupancy: Occupancy<'_>,
) -> Result<Admission, Rejection> {
    let key = parse_stream_id(stream_id).map_err(|error| {
        let kind = match error {
            StreamIdError::Missing | StreamIdError::MissingKey => RejectKind::Unauthorized,
            StreamIdError::NotPublish(_) => RejectKind::BadMode,
            StreamIdError::Malformed(_)
            | StreamIdError::TooLong(_)
            | StreamIdError::InvalidCharacter => RejectKind::BadRequest,
        };
        Rejection::new(kind, error.to_string())
    })?;
    let stream = keys
        .stream_for(&key)
        .ok_or_else(|| Rejection::new(RejectKind::Unauthorized, "unknown stream key"))?;
    if (occupancy.has_publisher)(stream) {
        return Err(Rejection::new(
            RejectKind::Conflict,
            "stream already has a publisher",
        ));
    }
    if occupancy.publishers >= occupancy.max_publishers {
        return Err(Rejection::new(RejectKind::Overload, "too many publishers"));
    }
    Ok(Admission {
        stream: stream.to_owned(),
        key,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use super::*;

    fn table() -> KeyTable {
        KeyTable::new([
            ("key1".to_owned(), "alpha".to_owned()),
            ("key2".to_owned(), "beta".to_owned()),
        ])
        .unwrap()
    }

    #[test]
    fn decision_table() {
        let busy = |stream: &str| stream == "beta";
        // (stream id, publishers now, max, expected stream or (kind, reason))
        let cases: Vec<(Option<&str>, usize, usize, Result<&str, (RejectKind, &str)>)> = vec![
            (Some("key1"), 0, 64, Ok("alpha")),
            (Some("#!::r=x,m=publish,u=bob,s=key1"), 3, 64, Ok("alpha")),
            (Some("#!::s=key1"), 63, 64, Ok("alpha")),
            (
                None,
                0,
                64,
                Err((RejectKind::Unauthorized, "missing streamid")),
            ),
            (
                Some(""),
                0,
                64,
                Err((RejectKind::Unauthorized, "missing streamid")),
            ),
            (
                Some("nope"),
                0,
                64,
                Err((RejectKind::Unauthorized, "unknown stream key")),
            ),
            (
                Some("#!::r=key1"),
                0,
                64,
                Err((
                    RejectKind::Unauthorized,
                    "missing stream key (s=) in streamid",
                )),
            ),
            (
                Some("#!::m=request,s=key1"),
                0,
                64,
                Err((
                    RejectKind::BadMode,
                    "streamid mode must be publish, got \"request\"",
                )),
            ),
            (
                Some("#!::s"),
                0,
                64,
                Err((
                    RejectKind::BadRequest,
                    "malformed streamid: entry \"s\" has no '='",
                )),
            ),
            (
                Some("key 1"),
                0,
                64,
                Err((
                    RejectKind::BadRequest,
                    "stream key contains a character that is not visible ASCII",
                )),
            ),
            (
                Some("key2"),
                0,
                64,
                Err((RejectKind::Conflict, "stream already has a publisher")),
            ),
            (
                Some("key1"),
                64,
                64,
                Err((RejectKind::Overload, "too many publishers")),
            ),
            (
                Some("key1"),
                0,
                0,
                Err((RejectKind::Overload, "too many publishers")),
            ),
            // An unknown key is reported as such even when the edge is full.
            (
                Some("nope"),
                64,
                64,
                Err((RejectKind::Unauthorized, "unknown stream key")),
            ),
        ];
        for (stream_id, publishers, max_publishers, expected) in cases {
            let got = decide(
                stream_id,
                &table(),
                Occupancy {
                    publishers,
                    max_publishers,
                    has_publisher: &busy,
                },
            );
            let got = got
                .as_ref()
                .map(|a| a.stream.as_str())
                .map_err(|r| (r.kind, r.reason.as_str()));
            assert_eq!(got, expected, "stream id {stream_id:?}");
        }
    }

    #[test]
    fn key_table_validation() {
        assert!(KeyTable::new([("ok".into(), "s".into())]).is_ok());
        assert!(matches!(
            KeyTable::new([("bad key".into(), "s".into())]),
            Err(KeyTableError::InvalidKey { .. })
        ));
        assert!(matches!(
            KeyTable::new([("".into(), "s".into())]),
            Err(KeyTableError::InvalidKey { .. })
        ));
        assert!(matches!(
            KeyTable::new([("k".into(), "".into())]),
            Err(KeyTableError::InvalidStream { .. })
        ));
        let t = KeyTable::new([("k".into(), "a".into()), ("k".into(), "b".into())]).unwrap();
        assert_eq!(t.stream_for("k"), Some("b"));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn reject_codes() {
        assert_eq!(RejectKind::Unauthorized.code(), 2401);
        assert_eq!(RejectKind::Conflict.code(), 2409);
        assert_eq!(RejectKind::Overload.code(), 2402);
    }
}
