//! Invariants the stream coordinator must hold before a model is rendered.

use super::format::EPS;
use super::{MediaPlaylist, SegmentEntry};

/// A media playlist model that would render into a playlist violating RFC 8216bis.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaylistError {
    #[error("{field} must be a positive finite number of seconds, got {value}")]
    InvalidSetting { field: &'static str, value: f64 },
    #[error("segment #{index} has MSN {found}, expected {expected} (MSNs must be consecutive)")]
    NonConsecutiveMsn {
        index: usize,
        expected: u64,
        found: u64,
    },
    #[error("segment {msn} is open but is not the last segment")]
    OpenSegmentNotLast { msn: u64 },
    #[error("the playlist has ended but segment {msn} is still open")]
    OpenSegmentAfterEnd { msn: u64 },
    #[error("segment {msn}: duration {duration} is not a finite non-negative number")]
    InvalidSegmentDuration { msn: u64, duration: f64 },
    #[error("segment {msn} part {index}: duration {duration} is not a finite non-negative number")]
    InvalidPartDuration {
        msn: u64,
        index: usize,
        duration: f64,
    },
    #[error("{field} {value} s is less than {factor} x {of} s (RFC 8216bis §4.4.3.8)")]
    TooSmall {
        field: &'static str,
        value: f64,
        factor: u32,
        of: f64,
    },
    #[error("segment {msn} part {index}: duration {duration} s exceeds PART-TARGET {part_target} s (§4.4.3.7)")]
    PartTooLong {
        msn: u64,
        index: usize,
        duration: f64,
        part_target: f64,
    },
    #[error("segment {msn}: duration {duration} s rounds above TARGETDURATION {target_duration} s (§4.4.3.1)")]
    SegmentTooLong {
        msn: u64,
        duration: f64,
        target_duration: u32,
    },
}

fn positive(field: &'static str, value: f64) -> Result<(), PlaylistError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(PlaylistError::InvalidSetting { field, value })
    }
}

fn at_least(field: &'static str, value: f64, factor: u32, of: f64) -> Result<(), PlaylistError> {
    if value + EPS >= f64::from(factor) * of {
        Ok(())
    } else {
        Err(PlaylistError::TooSmall {
            field,
            value,
            factor,
            of,
        })
    }
}

fn non_negative(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

/// Checks the model against the rules the renderer relies on but does not enforce:
/// consecutive MSNs, only the last segment open (and none once ended), the
/// `EXT-X-SERVER-CONTROL` minimums (`HOLD-BACK` >= 3 x target, `PART-HOLD-BACK` >=
/// 3 x part target, `CAN-SKIP-UNTIL` >= 6 x target), parts no longer than
/// `PART-TARGET`, and segment durations that round to at most `TARGETDURATION`.
/// Returns the first violation found.
pub fn validate<S: AsRef<[SegmentEntry]>>(pl: &MediaPlaylist<S>) -> Result<(), PlaylistError> {
    let segments = pl.segments.as_ref();
    let target = f64::from(pl.target_duration);
    positive("TARGETDURATION", target)?;
    positive("PART-TARGET", pl.part_target)?;
    positive("HOLD-BACK", pl.hold_back)?;
    positive("PART-HOLD-BACK", pl.part_hold_back)?;
    positive("CAN-SKIP-UNTIL", pl.can_skip_until)?;
    at_least("HOLD-BACK", pl.hold_back, 3, target)?;
    at_least("PART-HOLD-BACK", pl.part_hold_back, 3, pl.part_target)?;
    at_least("CAN-SKIP-UNTIL", pl.can_skip_until, 6, target)?;

    let last = segments.len().saturating_sub(1);
    let mut expected = segments.first().map_or(0, |s| s.msn);
    for (index, seg) in segments.iter().enumerate() {
        if seg.msn != expected {
            return Err(PlaylistError::NonConsecutiveMsn {
                index,
                expected,
                found: seg.msn,
            });
        }
        expected = expected.wrapping_add(1);
        if !seg.closed && index != last {
            return Err(PlaylistError::OpenSegmentNotLast { msn: seg.msn });
        }
        if !seg.closed && pl.ended {
            return Err(PlaylistError::OpenSegmentAfterEnd { msn: seg.msn });
        }
        if !non_negative(seg.duration) {
            return Err(PlaylistError::InvalidSegmentDuration {
                msn: seg.msn,
                duration: seg.duration,
            });
        }
        // The open segment is checked too: it only grows, so it would fail once closed.
        if seg.duration.round() > target {
            return Err(PlaylistError::SegmentTooLong {
                msn: seg.msn,
                duration: seg.duration,
                target_duration: pl.target_duration,
            });
        }
        for (index, part) in seg.parts.iter().enumerate() {
            if !non_negative(part.duration) {
                return Err(PlaylistError::InvalidPartDuration {
                    msn: seg.msn,
                    index,
                    duration: part.duration,
                });
            }
            if part.duration > pl.part_target + EPS {
                return Err(PlaylistError::PartTooLong {
                    msn: seg.msn,
                    index,
                    duration: part.duration,
                    part_target: pl.part_target,
                });
            }
        }
    }
    Ok(())
}
