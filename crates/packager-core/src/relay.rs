//! A media playlist rebuilt from part announcements, for edges: the origin publishes one
//! manifest per part (JetStream), the edge feeds them here in order and renders the same
//! LL-HLS text the origin would, with the shared renderer.

use std::collections::VecDeque;

use crate::playlist::{
    self, MediaPlaylist, PartEntry, RenderOptions, RenditionReport, SegmentEntry,
};
use crate::stream::uri;

/// One part as announced by the origin.
#[derive(Debug, Clone, PartialEq)]
pub struct PartAnnouncement {
    pub msn: u64,
    pub part: u32,
    /// Seconds.
    pub duration: f64,
    pub independent: bool,
    /// Init segment name, relative to the media playlist.
    pub map_uri: String,
    pub program_date_time_ms: i64,
    /// First part after a break.
    pub discontinuity: bool,
    /// Seconds: this part completes its segment.
    pub segment_end: Option<f64>,
}

/// What `add_part` did with an announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Listed: the playlist changed.
    Listed,
    /// Already listed, or older than the window (redelivery): ignored.
    Stale,
    /// Mid-segment and the playlist has not started yet: ignored until a segment starts.
    WaitingForSegmentStart,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RelayError {
    #[error("part {msn}.{part} announced but {expected_msn}.{expected_part} was expected next")]
    OutOfOrder {
        msn: u64,
        part: u32,
        expected_msn: u64,
        expected_part: u32,
    },
    #[error("the playlist has ended")]
    Ended,
}

/// Timing settings shared with the origin (they must match its packager's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelayConfig {
    /// Seconds.
    pub part_target: f64,
    /// Seconds.
    pub segment_target: f64,
    pub window_segments: usize,
}

#[derive(Debug, Clone)]
pub struct RelayedPlaylist {
    config: RelayConfig,
    segments: VecDeque<SegmentEntry>,
    discontinuity_sequence: u64,
    ended: bool,
}

impl RelayedPlaylist {
    pub fn new(config: RelayConfig) -> Self {
        Self {
            config,
            segments: VecDeque::new(),
            discontinuity_sequence: 0,
            ended: false,
        }
    }

    /// Lists a part. Parts must come in order; a jump to a later segment's first part is
    /// allowed (the origin padded the missing numbers with gaps in this rendition).
    pub fn add_part(&mut self, a: &PartAnnouncement) -> Result<Added, RelayError> {
        if self.ended {
            return Err(RelayError::Ended);
        }
        let Some(last) = self.segments.back() else {
            if a.part != 0 {
                return Ok(Added::WaitingForSegmentStart);
            }
            self.open_segment(a);
            return Ok(Added::Listed);
        };
        let (expected_msn, expected_part) = if last.closed {
            (last.msn + 1, 0)
        } else {
            (last.msn, last.parts.len() as u32)
        };
        if (a.msn, a.part) < (expected_msn, expected_part) {
            return Ok(Added::Stale);
        }
        if a.msn == expected_msn && a.part == expected_part && expected_part > 0 {
            self.append_part(a);
            return Ok(Added::Listed);
        }
        if a.part != 0 {
            return Err(RelayError::OutOfOrder {
                msn: a.msn,
                part: a.part,
                expected_msn,
                expected_part,
            });
        }
        // A new segment, possibly after numbers this rendition did not get (gaps). An open
        // segment ends here: the origin closes a run's last segment without announcing it.
        if let Some(open) = self.segments.back_mut() {
            open.closed = true;
        }
        for msn in expected_msn..a.msn {
            let gap = SegmentEntry {
                msn,
                duration: self.config.segment_target,
                uri: uri::segment(msn),
                parts: Vec::new(),
                closed: true,
                discontinuity: false,
                map_uri: a.map_uri.clone(),
                program_date_time_ms: a.program_date_time_ms,
                gap: true,
            };
            self.push_segment(gap);
        }
        self.open_segment(a);
        Ok(Added::Listed)
    }

    /// The stream ended: `EXT-X-ENDLIST`, no more parts.
    pub fn end(&mut self) {
        if let Some(open) = self.segments.back_mut() {
            open.closed = true;
        }
        self.ended = true;
    }

    pub fn ended(&self) -> bool {
        self.ended
    }

    /// `(msn, part)` of the newest part.
    pub fn last_part(&self) -> Option<(u64, u32)> {
        let last = self.segments.iter().rev().find(|s| !s.gap)?;
        Some((last.msn, (last.parts.len() as u32).checked_sub(1)?))
    }

    /// Whether segment `msn` is listed complete (or a later one exists).
    pub fn segment_complete(&self, msn: u64) -> bool {
        self.segments
            .back()
            .is_some_and(|last| last.msn > msn || (last.msn == msn && last.closed))
    }

    /// The playlist text; `None` before the first segment starts.
    pub fn render(
        &self,
        options: RenderOptions,
        rendition_reports: Vec<RenditionReport>,
    ) -> Option<String> {
        let last = self.segments.back()?;
        let target_duration = self.config.segment_target.ceil().max(1.0) as u32;
        let preload_hint = match self.ended {
            true => None,
            false if last.closed => Some(uri::part(last.msn + 1, 0)),
            false => Some(uri::part(last.msn, last.parts.len() as u32)),
        };
        let model = MediaPlaylist {
            target_duration,
            part_target: self.config.part_target,
            part_hold_back: 3.0 * self.config.part_target,
            hold_back: 3.0 * f64::from(target_duration),
            can_skip_until: 6.0 * f64::from(target_duration),
            discontinuity_sequence: self.discontinuity_sequence,
            segments: self.segments.iter().cloned().collect(),
            preload_hint,
            rendition_reports,
            ended: self.ended,
        };
        Some(playlist::render_media(&model, options))
    }

    fn open_segment(&mut self, a: &PartAnnouncement) {
        let entry = SegmentEntry {
            msn: a.msn,
            duration: 0.0,
            uri: uri::segment(a.msn),
            parts: Vec::new(),
            closed: false,
            discontinuity: a.discontinuity,
            map_uri: a.map_uri.clone(),
            program_date_time_ms: a.program_date_time_ms,
            gap: false,
        };
        self.push_segment(entry);
        self.append_part(a);
    }

    fn append_part(&mut self, a: &PartAnnouncement) {
        let Some(open) = self.segments.back_mut() else {
            return;
        };
        open.parts.push(PartEntry {
            duration: a.duration,
            uri: uri::part(a.msn, a.part),
            independent: a.independent,
        });
        open.duration += a.duration;
        if let Some(duration) = a.segment_end {
            open.closed = true;
            open.duration = duration;
        }
    }

    fn push_segment(&mut self, entry: SegmentEntry) {
        self.segments.push_back(entry);
        while self.segments.len() > self.config.window_segments.max(3) {
            if self
                .segments
                .pop_front()
                .is_some_and(|old| old.discontinuity)
            {
                self.discontinuity_sequence += 1;
            }
        }
    }
}
