//! The segments a live media playlist lists, shared by the origin's packager and the
//! edge's relayed playlists: the newest few, oldest first, the last one possibly open,
//! with the discontinuity count of those that left, the model they render to, and the
//! rendered lines of the closed ones.

use std::sync::OnceLock;

use super::media::{render_with, SegmentLines};
use super::{MediaPlaylist, RenderOptions, RenditionReport, SegmentEntry};

/// Name of a part relative to its media playlist (`{msn}.{part}.m4s`).
pub fn part_uri(msn: u64, part: u32) -> String {
    format!("{msn}.{part}.m4s")
}

/// Part and segment targets, from which every server-control value derives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveTiming {
    /// Seconds.
    pub part_target: f64,
    /// Seconds.
    pub segment_target: f64,
}

#[derive(Debug, Clone, Default)]
pub struct SegmentWindow {
    /// Contiguous, so a playlist model can borrow them all (evictions shift a few dozen
    /// entries once per segment).
    segments: Vec<SegmentEntry>,
    /// One per segment: its lines once rendered closed. Closed segments never change (only
    /// the open one is handed out mutably), so they stay valid until the segment leaves.
    lines: Vec<OnceLock<SegmentLines>>,
    /// Discontinuities no longer listed (`EXT-X-DISCONTINUITY-SEQUENCE`).
    discontinuity_sequence: u64,
}

impl SegmentWindow {
    /// Appends a segment and keeps the newest `limit`; `evicted` hears each one dropped.
    pub fn push(&mut self, entry: SegmentEntry, limit: usize, mut evicted: impl FnMut(u64)) {
        self.segments.push(entry);
        self.lines.push(OnceLock::new());
        let excess = self.segments.len().saturating_sub(limit);
        self.lines.drain(..excess);
        for old in self.segments.drain(..excess) {
            // The discontinuity sequence counts the breaks no longer listed (RFC 8216bis 4.4.3.3).
            if old.discontinuity {
                self.discontinuity_sequence += 1;
            }
            evicted(old.msn);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    pub fn last(&self) -> Option<&SegmentEntry> {
        self.segments.last()
    }

    /// The last segment while it is still being filled; the only one that may change.
    pub fn open_mut(&mut self) -> Option<&mut SegmentEntry> {
        self.segments.last_mut().filter(|s| !s.closed)
    }

    /// Closes the open segment, if any (a run or stream ended without announcing it).
    pub fn close_open(&mut self) {
        if let Some(open) = self.open_mut() {
            open.closed = true;
        }
    }

    /// `(msn, part)` of the newest part (gap segments have none).
    pub fn last_part(&self) -> Option<(u64, u32)> {
        let last = self.segments.iter().rev().find(|s| !s.gap)?;
        Some((
            last.msn,
            u32::try_from(last.parts.len()).ok()?.checked_sub(1)?,
        ))
    }

    /// Whether segment `msn` is listed complete, or a later one is listed.
    pub fn segment_complete(&self, msn: u64) -> bool {
        self.last()
            .is_some_and(|last| last.msn > msn || (last.msn == msn && last.closed))
    }

    /// The playlist model, borrowing the segments; `None` before the first segment.
    /// `ended` drops the preload hint.
    pub fn model(
        &self,
        timing: LiveTiming,
        rendition_reports: Vec<RenditionReport>,
        ended: bool,
    ) -> Option<MediaPlaylist<&[SegmentEntry]>> {
        let last = self.last()?;
        // The part after the newest: in the open segment, or first of the next one.
        let preload_hint = match ended {
            true => None,
            false if last.closed => Some(part_uri(last.msn + 1, 0)),
            false => Some(part_uri(last.msn, u32::try_from(last.parts.len()).ok()?)),
        };
        let target_duration = timing.segment_target.ceil().max(1.0) as u32;
        Some(MediaPlaylist {
            target_duration,
            part_target: timing.part_target,
            part_hold_back: 3.0 * timing.part_target,
            hold_back: 3.0 * f64::from(target_duration),
            can_skip_until: 6.0 * f64::from(target_duration),
            discontinuity_sequence: self.discontinuity_sequence,
            segments: &self.segments,
            preload_hint,
            rendition_reports,
            ended,
        })
    }

    /// The playlist text (see [`model`](Self::model)), copying closed segments' lines
    /// rendered before.
    pub fn render(
        &self,
        timing: LiveTiming,
        rendition_reports: Vec<RenditionReport>,
        ended: bool,
        options: RenderOptions,
    ) -> Option<String> {
        let model = self.model(timing, rendition_reports, ended)?;
        Some(render_with(&model, options, &self.lines))
    }
}
