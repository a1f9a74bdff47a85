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
        Self {
            part_target: 0.2,
            segment_target: 1.0,
        }
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
    SegmentEnd {
        duration: f64,
    },
}

/// Slack for comparing accumulated durations in seconds (float sums of tick ratios).
const EPSILON: f64 = 1e-6;

/// The segment being filled.
#[derive(Debug, Clone, Copy)]
struct OpenSegment {
    /// Media time (seconds) the segment ends at, `m * segment_target`.
    boundary: f64,
    /// Sum of the durations of the parts already emitted in it.
    emitted: f64,
    parts: u32,
}

/// Cuts one track's samples into parts and segments (see the module contract).
///
/// Besides the contract: if decode time goes backwards (encoder restart), the open part and
/// segment are closed and boundaries are recomputed from the new time.
#[derive(Debug)]
pub struct Segmenter {
    config: SegmenterConfig,
    track_id: u32,
    timescale: f64,
    next_sequence: u32,
    /// Samples of the part being filled, and their total duration in ticks.
    part: Vec<Sample>,
    part_ticks: u64,
    segment: Option<OpenSegment>,
    /// Decode time (ticks) where the last sample ended.
    last_end: Option<u64>,
}

impl Segmenter {
    /// A segmenter for `track`. Non-positive or non-finite targets fall back to the defaults.
    pub fn new(config: SegmenterConfig, track: &TrackInfo) -> Self {
        let valid = |v: f64, default: f64| if v.is_finite() && v > 0.0 { v } else { default };
        let defaults = SegmenterConfig::default();
        Self {
            config: SegmenterConfig {
                part_target: valid(config.part_target, defaults.part_target),
                segment_target: valid(config.segment_target, defaults.segment_target),
            },
            track_id: track.track_id,
            timescale: f64::from(track.timescale.max(1)),
            next_sequence: 1,
            part: Vec::new(),
            part_ticks: 0,
            segment: None,
            last_end: None,
        }
    }

    /// The configuration in use (after validation).
    pub fn config(&self) -> SegmenterConfig {
        self.config
    }

    /// Adds samples in decode order; returns the parts and segment ends they completed.
    pub fn push(&mut self, samples: impl IntoIterator<Item = Sample>) -> Vec<SegmenterEvent> {
        let mut out = Vec::new();
        for sample in samples {
            self.add(sample, &mut out);
        }
        out
    }

    /// End of input: closes the open part and segment, if they hold anything.
    pub fn flush(&mut self) -> Vec<SegmenterEvent> {
        let mut out = Vec::new();
        self.close_segment(&mut out);
        out
    }

    /// Seconds of the open segment already emitted as parts (what a playlist shows for
    /// it); 0 when no segment is open.
    pub fn open_segment_duration(&self) -> f64 {
        self.segment.map_or(0.0, |s| s.emitted)
    }

    /// Seconds of samples held for the part being filled (not yet emitted).
    pub fn pending_duration(&self) -> f64 {
        self.seconds(self.part_ticks)
    }

    /// Whether a segment is open (has parts emitted or samples pending).
    pub fn is_segment_open(&self) -> bool {
        self.segment.is_some()
    }

    /// Media time (seconds) where the last pushed sample ends.
    pub fn last_sample_end(&self) -> Option<f64> {
        self.last_end.map(|t| self.seconds(t))
    }

    /// The `mfhd` sequence number the next part will carry (1 for the first).
    pub fn next_sequence_number(&self) -> u32 {
        self.next_sequence
    }

    fn seconds(&self, ticks: u64) -> f64 {
        ticks as f64 / self.timescale
    }

    fn add(&mut self, sample: Sample, out: &mut Vec<SegmenterEvent>) {
        let start = self.seconds(sample.decode_time);
        let duration = self.seconds(u64::from(sample.duration));
        let end = self.seconds(
            sample
                .decode_time
                .saturating_add(u64::from(sample.duration)),
        );
        let tolerance = duration / 2.0;

        // A time gap past the boundary, or time going backwards, ends the open segment.
        if let Some(seg) = self.segment {
            let backwards = self.last_end.is_some_and(|e| sample.decode_time < e);
            if backwards || start + EPSILON >= seg.boundary - tolerance {
                self.close_segment(out);
            }
        }
        // Close the part before a sample that would not fit in it.
        if !self.part.is_empty()
            && self.pending_duration() + duration > self.config.part_target + EPSILON
        {
            self.close_part(out);
        }
        let boundary = match self.segment {
            Some(seg) => seg.boundary,
            None => {
                // The first boundary after the start (a start within tolerance of a
                // boundary counts as on it).
                let s = self.config.segment_target;
                let boundary = (((start + tolerance) / s).floor() + 1.0) * s;
                self.segment = Some(OpenSegment {
                    boundary,
                    emitted: 0.0,
                    parts: 0,
                });
                boundary
            }
        };

        self.last_end = sample.decode_time.checked_add(u64::from(sample.duration));
        self.part_ticks = self.part_ticks.saturating_add(u64::from(sample.duration));
        self.part.push(sample);

        if end + EPSILON >= boundary - tolerance {
            self.close_segment(out);
        } else if self.pending_duration() + duration > self.config.part_target + EPSILON {
            // One more sample of this length would overshoot the target.
            self.close_part(out);
        }
    }

    fn close_part(&mut self, out: &mut Vec<SegmenterEvent>) {
        let Some(first) = self.part.first() else {
            return;
        };
        let duration = self.seconds(self.part_ticks);
        let starts_segment = self.segment.map_or(true, |s| s.parts == 0);
        let part = PartOut {
            bytes: crate::mp4::write_chunk(self.track_id, self.next_sequence, &self.part),
            duration,
            start_time: self.seconds(first.decode_time),
            independent: first.is_sync(),
            starts_segment,
            sample_count: u32::try_from(self.part.len()).unwrap_or(u32::MAX),
        };
        // mfhd sequence numbers only need to increase within a stream's lifetime; wrapping
        // after 2^32 parts (years of 200 ms parts) is harmless.
        self.next_sequence = self.next_sequence.wrapping_add(1);
        if let Some(seg) = &mut self.segment {
            seg.emitted += duration;
            seg.parts = seg.parts.saturating_add(1);
        }
        self.part.clear();
        self.part_ticks = 0;
        out.push(SegmenterEvent::Part(part));
    }

    fn close_segment(&mut self, out: &mut Vec<SegmenterEvent>) {
        self.close_part(out);
        if let Some(seg) = self.segment.take() {
            if seg.parts > 0 {
                out.push(SegmenterEvent::SegmentEnd {
                    duration: seg.emitted,
                });
            }
        }
    }
}
