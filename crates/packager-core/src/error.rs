//! Errors for malformed, truncated or oversized fMP4 input.
//!
//! Every variant names the box at fault and the stream offset where that box starts, so a
//! broken encoder feed can be diagnosed from the log line alone.

use crate::mp4::FourCc;

/// Why the fMP4 input was rejected.
///
/// `box_type` is the four-character code of the offending box (`????` when the stream ended
/// before the type was readable); `offset` is the byte offset, counted from the first byte
/// ever pushed into the reader, where that box's header starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mp4Error {
    /// The box contradicts its own layout (bad size, field past the end, bad value).
    #[error("malformed '{box_type}' box at offset {offset}: {reason}")]
    Malformed {
        box_type: FourCc,
        offset: u64,
        reason: String,
    },
    /// The stream ended inside a box.
    #[error("stream truncated inside '{box_type}' box at offset {offset}: {reason}")]
    Truncated {
        box_type: FourCc,
        offset: u64,
        reason: String,
    },
    /// A size or count is larger than the reader is configured to accept.
    #[error("'{box_type}' box at offset {offset}: {what} {value} exceeds limit {limit}")]
    LimitExceeded {
        box_type: FourCc,
        offset: u64,
        what: &'static str,
        value: u64,
        limit: u64,
    },
    /// Valid ISO BMFF that this packager does not handle (codec, track count, ...).
    #[error("unsupported '{box_type}' box at offset {offset}: {reason}")]
    Unsupported {
        box_type: FourCc,
        offset: u64,
        reason: String,
    },
    /// Boxes arrive in an order a live fMP4 stream cannot have (e.g. `moof` before `moov`).
    #[error("unexpected '{box_type}' box at offset {offset}: {reason}")]
    OutOfOrder {
        box_type: FourCc,
        offset: u64,
        reason: String,
    },
}

impl Mp4Error {
    /// The four-character code of the box at fault.
    pub fn box_type(&self) -> FourCc {
        match self {
            Self::Malformed { box_type, .. }
            | Self::Truncated { box_type, .. }
            | Self::LimitExceeded { box_type, .. }
            | Self::Unsupported { box_type, .. }
            | Self::OutOfOrder { box_type, .. } => *box_type,
        }
    }

    /// Stream offset of the first byte of the box at fault.
    pub fn offset(&self) -> u64 {
        match self {
            Self::Malformed { offset, .. }
            | Self::Truncated { offset, .. }
            | Self::LimitExceeded { offset, .. }
            | Self::Unsupported { offset, .. }
            | Self::OutOfOrder { offset, .. } => *offset,
        }
    }

    pub(crate) fn malformed(box_type: FourCc, offset: u64, reason: impl Into<String>) -> Self {
        Self::Malformed {
            box_type,
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(box_type: FourCc, offset: u64, reason: impl Into<String>) -> Self {
        Self::Unsupported {
            box_type,
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn out_of_order(box_type: FourCc, offset: u64, reason: impl Into<String>) -> Self {
        Self::OutOfOrder {
            box_type,
            offset,
            reason: reason.into(),
        }
    }
}
