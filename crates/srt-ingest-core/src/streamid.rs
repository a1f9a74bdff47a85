//! Parsing of the SRT stream id a publisher sends in its handshake.
//!
//! Two forms are accepted (see the crate documentation):
//!
//! - plain: the whole stream id is the stream key (`srt://edge:9000?streamid=<key>`);
//! - SRT Access Control: `#!::r=<anything>,m=publish,u=<user>,s=<key>`, where `s=` carries
//!   the key and `m`, when present, must be `publish`. Other keys (`r`, `u`, `h`, `t`, …)
//!   are accepted and ignored.

use thiserror::Error;

/// The longest stream key (and stream id) accepted, in bytes (SRT's own stream id limit).
pub const MAX_KEY_LEN: usize = 512;

/// Prefix that marks the SRT Access Control syntax.
const ACCESS_CONTROL_PREFIX: &str = "#!::";

/// Why a stream id does not name a key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StreamIdError {
    /// No stream id in the handshake, or an empty one.
    #[error("missing streamid")]
    Missing,
    /// Access Control form without an `s=` entry.
    #[error("missing stream key (s=) in streamid")]
    MissingKey,
    /// Access Control form whose `m=` is not `publish`.
    #[error("streamid mode must be publish, got {0:?}")]
    NotPublish(String),
    /// Access Control form that does not parse (an entry without `=`, an empty name,
    /// a repeated name).
    #[error("malformed streamid: {0}")]
    Malformed(String),
    /// The key is longer than [`MAX_KEY_LEN`].
    #[error("stream key too long ({0} bytes, at most 512)")]
    TooLong(usize),
    /// The key holds a character outside visible ASCII (`!`..=`~`).
    #[error("stream key contains a character that is not visible ASCII")]
    InvalidCharacter,
}

/// Checks a stream key: 1..=512 bytes, visible ASCII only (no spaces, no control
/// characters, nothing beyond `~`).
pub fn validate_key(key: &str) -> Result<(), StreamIdError> {
    if key.is_empty() {
        return Err(StreamIdError::Missing);
    }
    if key.len() > MAX_KEY_LEN {
        return Err(StreamIdError::TooLong(key.len()));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(StreamIdError::InvalidCharacter);
    }
    Ok(())
}

/// Extracts the stream key from a handshake's stream id (`None` when the caller sent none).
pub fn parse_stream_id(stream_id: Option<&str>) -> Result<String, StreamIdError> {
    let raw = match stream_id {
        None | Some("") => return Err(StreamIdError::Missing),
        Some(raw) => raw,
    };
    if raw.len() > MAX_KEY_LEN {
        return Err(StreamIdError::TooLong(raw.len()));
    }
    let key = match raw.strip_prefix(ACCESS_CONTROL_PREFIX) {
        Some(entries) => access_control_key(entries)?,
        None => raw,
    };
    validate_key(key)?;
    Ok(key.to_owned())
}

/// The `s=` value of an Access Control entry list (`r=…,m=publish,s=…`).
fn access_control_key(entries: &str) -> Result<&str, StreamIdError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut key = None;
    let mut mode = None;
    for entry in entries.split(',') {
        let (name, value) = entry
            .split_once('=')
            .ok_or_else(|| StreamIdError::Malformed(format!("entry {entry:?} has no '='")))?;
        if name.is_empty() {
            return Err(StreamIdError::Malformed(format!(
                "entry {entry:?} has no name"
            )));
        }
        if seen.contains(&name) {
            return Err(StreamIdError::Malformed(format!("{name:?} appears twice")));
        }
        seen.push(name);
        match name {
            "s" => key = Some(value),
            "m" => mode = Some(value),
            _ => {}
        }
    }
    if let Some(mode) = mode {
        if mode != "publish" {
            return Err(StreamIdError::NotPublish(mode.to_owned()));
        }
    }
    match key {
        None | Some("") => Err(StreamIdError::MissingKey),
        Some(key) => Ok(key),
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn parses_table() {
        let long_key = "k".repeat(512);
        let too_long = "k".repeat(513);
        let ac_long = format!("#!::s={}", "k".repeat(506));
        let cases: Vec<(Option<&str>, Result<&str, StreamIdError>)> = vec![
            (None, Err(StreamIdError::Missing)),
            (Some(""), Err(StreamIdError::Missing)),
            (Some("abc123"), Ok("abc123")),
            (Some("live_KEY-1.x~!"), Ok("live_KEY-1.x~!")),
            (Some(&long_key), Ok(&long_key)),
            (Some(&too_long), Err(StreamIdError::TooLong(513))),
            (Some("has space"), Err(StreamIdError::InvalidCharacter)),
            (Some("tab\there"), Err(StreamIdError::InvalidCharacter)),
            (Some("caf\u{e9}"), Err(StreamIdError::InvalidCharacter)),
            (Some("#!::s=key1"), Ok("key1")),
            (Some("#!::r=live/cam,m=publish,u=alice,s=key1"), Ok("key1")),
            (Some("#!::m=publish,s=key1,h=edge.example"), Ok("key1")),
            (Some("#!::u=alice,s=k=with=equals"), Ok("k=with=equals")),
            (
                Some("#!::r=anything,u=alice"),
                Err(StreamIdError::MissingKey),
            ),
            (Some("#!::s="), Err(StreamIdError::MissingKey)),
            (
                Some("#!::"),
                Err(StreamIdError::Malformed("entry \"\" has no '='".into())),
            ),
            (
                Some("#!::r=a,m=request,s=key1"),
                Err(StreamIdError::NotPublish("request".into())),
            ),
            (
                Some("#!::m=,s=key1"),
                Err(StreamIdError::NotPublish(String::new())),
            ),
            (
                Some("#!::s=a,s=b"),
                Err(StreamIdError::Malformed("\"s\" appears twice".into())),
            ),
            (
                Some("#!::=x,s=a"),
                Err(StreamIdError::Malformed("entry \"=x\" has no name".into())),
            ),
            (
                Some("#!::s=key with space"),
                Err(StreamIdError::InvalidCharacter),
            ),
            (Some(&ac_long), Ok(&ac_long[6..])),
            // Not the Access Control prefix: the whole id is the key.
            (Some("#!:s=key1"), Ok("#!:s=key1")),
        ];
        for (input, expected) in cases {
            let got = parse_stream_id(input);
            assert_eq!(
                got.as_deref().map_err(Clone::clone),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn validates_keys() {
        assert_eq!(validate_key("a"), Ok(()));
        assert_eq!(validate_key(""), Err(StreamIdError::Missing));
        assert_eq!(
            validate_key(&"x".repeat(513)),
            Err(StreamIdError::TooLong(513))
        );
        assert_eq!(
            validate_key("a\u{7f}"),
            Err(StreamIdError::InvalidCharacter)
        );
    }
}
