//! A media playlist rebuilt from part announcements, for edges: the origin publishes one
//! manifest per part (JetStream), the edge feeds them here in order and renders the same
//! LL-HLS text the origin would, with the shared renderer.

use crate::playlist::{
    LiveTiming, PartEntry, RenderOptions, RenditionReport, SegmentEntry, SegmentWindow,
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
    segments: SegmentWindow,
    ended: bool,
}

impl RelayedPlaylist {
    pub fn new(config: RelayConfig) -> Self {
        Self {
            config,
            segments: SegmentWindow::default(),
            ended: false,
        }
    }

    /// Lists a part. Parts must come in order; a jump to a later segment's first part is
    /// allowed (the origin padded the missing numbers with gaps in this rendition).
    pub fn add_part(&mut self, a: &PartAnnouncement) -> Result<Added, RelayError> {
        if self.ended {
            return Err(RelayError::Ended);
        }
        let Some(last) = self.segments.last() else {
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
        self.segments.close_open();
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
        self.segments.close_open();
        self.ended = true;
    }

    pub fn ended(&self) -> bool {
        self.ended
    }

    /// `(msn, part)` of the newest part.
    pub fn last_part(&self) -> Option<(u64, u32)> {
        self.segments.last_part()
    }

    /// Whether segment `msn` is listed complete (or a later one exists).
    pub fn segment_complete(&self, msn: u64) -> bool {
        self.segments.segment_complete(msn)
    }

    /// The playlist text; `None` before the first segment starts.
    pub fn render(
        &self,
        options: RenderOptions,
        rendition_reports: Vec<RenditionReport>,
    ) -> Option<String> {
        let timing = LiveTiming {
            part_target: self.config.part_target,
            segment_target: self.config.segment_target,
        };
        self.segments
            .render(timing, rendition_reports, self.ended, options)
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
        let Some(open) = self.segments.open_mut() else {
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
        self.segments
            .push(entry, self.config.window_segments.max(3), |_| ());
    }
}
