//! Cuts one track's samples into CMAF parts and segments.
//!
//! INTERFACE CONTRACT (implemented by the segmenter work; the stream coordinator relies on it):
//!
//! - Segment boundaries sit at absolute media times `m * segment_target` (m integer), with a
//!   tolerance of half a sample duration: a segment closes as soon as its end time reaches
//!   the next boundary, so the close is announced with the last part, not one sample late.
//! - A part closes as soon as adding one more sample of the last seen duration would make it
//!   longer than `part_target` (so parts never exceed the target), or when its segment closes.
//! - A part is `independent` when its first sample is a sync sample. For video, a segment
//!   that would start with a non-sync sample is reported with `independent == false` on its
//!   first part (the origin forces key frames on boundaries, so that is an encoder fault).
//! - Part bytes are ONE CMAF chunk (`moof` + `mdat`) holding all samples of the part,
//!   whatever fragmentation FFmpeg used.

use crate::mp4::{Sample, TrackInfo};

/// Part and segment lengths. Defaults: 200 ms parts, 1 s segments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmenterConfig {
    /// Seconds.
    pub part_target: f64,
    /// Seconds.
    pub segment_target: f64,
}

impl Default for SegmenterConfig {
    fn default() -> Self {
        Self { part_target: 0.2, segment_target: 1.0 }
    }
}

/// A finished part.
#[derive(Debug, Clone, PartialEq)]
pub struct PartOut {
    /// One `moof` + `mdat`.
    pub bytes: Vec<u8>,
    /// Seconds.
    pub duration: f64,
    /// Media time of the first sample, seconds (decode time / timescale).
    pub start_time: f64,
    pub independent: bool,
    /// This part is the first of a new segment.
    pub starts_segment: bool,
    pub sample_count: u32,
}

/// What the segmenter reports, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmenterEvent {
    Part(PartOut),
    /// The segment holding the preceding parts is complete. Seconds.
    SegmentEnd { duration: f64 },
}
