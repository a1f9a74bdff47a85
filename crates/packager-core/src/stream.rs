//! One live stream's packaging state: every rendition's reader, segmenter and playlist
//! window, kept together so that media sequence numbers stay aligned across renditions
//! and playlists can carry rendition reports.
//!
//! A stream lives through *runs*: one run per transcoder process. A new run starts a new
//! init segment and an `EXT-X-DISCONTINUITY`; media sequence numbers continue. When a run
//! ends with renditions at different sequence numbers (a crash cuts pipes at different
//! points), the ones behind are padded with `EXT-X-GAP` segments so the next run starts
//! every rendition at the same number.

use std::collections::VecDeque;

use crate::error::Mp4Error;
use crate::mp4::{Fmp4Event, Fmp4Reader, Init, ReaderLimits, TrackInfo, TrackKind};
use crate::playlist::{
    self, AudioEntry, LiveTiming, MediaPlaylist, MultivariantPlaylist, PartEntry, RenderOptions,
    RenditionReport, SegmentEntry, SegmentWindow, VariantEntry,
};
use crate::segmenter::{PartOut, Segmenter, SegmenterConfig, SegmenterEvent};

/// The audio rendition group every video variant refers to.
const AUDIO_GROUP: &str = "audio";

/// What the origin says about one rendition before any media arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct RenditionConfig {
    /// Path token, e.g. `720p` or `audio`.
    pub name: String,
    pub kind: TrackKind,
    /// Configured bit rate (bits/s), used in the multivariant playlist until measured.
    pub bitrate: u64,
    /// Output frame rate (video).
    pub frame_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StreamConfig {
    pub segmenter: SegmenterConfig,
    /// Segments kept in each media playlist (and whose bytes the origin keeps).
    pub window_segments: usize,
    /// Media sequence number of the first segment. The origin derives it from the wall
    /// clock so that URIs never repeat when a stream of the same name starts again.
    pub first_msn: u64,
    pub renditions: Vec<RenditionConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("rendition {index} does not exist (stream has {count})")]
    NoSuchRendition { index: usize, count: usize },
    #[error("no run in progress: call begin_run first")]
    NoRun,
    #[error("stream has ended")]
    Ended,
    #[error("rendition '{rendition}': {source}")]
    Media { rendition: String, source: Mp4Error },
    #[error("rendition '{rendition}' carries {found:?} media, configured as {expected:?}")]
    WrongKind {
        rendition: String,
        expected: TrackKind,
        found: TrackKind,
    },
    #[error("rendition '{rendition}' sent media before its init segment")]
    NoInit { rendition: String },
    #[error("invalid stream configuration: {0}")]
    Config(String),
}

/// What the origin must act on after feeding bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A new init segment (`EXT-X-MAP`) for this run.
    Init {
        rendition: usize,
        uri: String,
        bytes: Vec<u8>,
        track: TrackInfo,
    },
    /// A finished part; `segment_end` carries the segment's duration when this part closes it.
    Part(PartEvent),
    /// A segment left the playlist window: its bytes may be dropped.
    Evicted { rendition: usize, msn: u64 },
    /// Media was lost but packaging went on, e.g. a run's output ended inside a box.
    Warning { rendition: usize, message: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartEvent {
    pub rendition: usize,
    pub msn: u64,
    pub part: u32,
    pub duration: f64,
    pub independent: bool,
    pub bytes: Vec<u8>,
    /// Relative to the media playlist.
    pub uri: String,
    pub segment_uri: String,
    pub map_uri: String,
    pub program_date_time_ms: i64,
    pub discontinuity: bool,
    pub segment_end: Option<f64>,
}

/// Names of the media resources, relative to a rendition's media playlist.
pub mod uri {
    pub use crate::playlist::part_uri as part;
    pub fn segment(msn: u64) -> String {
        format!("{msn}.m4s")
    }
    pub fn init(run: u64) -> String {
        format!("init-{run}.mp4")
    }
    pub fn media_playlist(rendition: &str) -> String {
        format!("{rendition}/index.m3u8")
    }
    pub fn sibling_playlist(rendition: &str) -> String {
        format!("../{rendition}/index.m3u8")
    }
}

#[derive(Debug)]
struct Rendition {
    config: RenditionConfig,
    /// This rendition's playlist as its siblings' rendition reports name it (made once:
    /// every playlist render lists it).
    report_uri: String,
    reader: Fmp4Reader,
    segmenter: Option<Segmenter>,
    track: Option<TrackInfo>,
    map_uri: Option<String>,
    segments: SegmentWindow,
    next_msn: u64,
    /// The next segment follows a break.
    discontinuity_pending: bool,
    /// Byte size of each listed closed segment, for measured bandwidth (bits/s).
    segment_bitrates: VecDeque<f64>,
    open_segment_bytes: usize,
    /// Media time (s) of the end of the last sample this run, to pad gaps.
    media_end: f64,
}

impl Rendition {
    fn new(config: RenditionConfig) -> Self {
        Self {
            report_uri: uri::sibling_playlist(&config.name),
            config,
            reader: Fmp4Reader::new(ReaderLimits::default()),
            segmenter: None,
            track: None,
            map_uri: None,
            segments: SegmentWindow::default(),
            next_msn: 0,
            discontinuity_pending: false,
            segment_bitrates: VecDeque::new(),
            open_segment_bytes: 0,
            media_end: 0.0,
        }
    }
}

/// Packaging state of one live stream.
#[derive(Debug)]
pub struct StreamPackager {
    config: StreamConfig,
    renditions: Vec<Rendition>,
    /// The run in progress; `None` between runs.
    run: Option<Run>,
    ended: bool,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    /// First media sequence number of the run; names its init segment.
    index: u64,
    /// Wall clock (ms since epoch) at media time zero of this run.
    wall_at_zero_ms: i64,
}

impl StreamPackager {
    pub fn new(config: StreamConfig) -> Result<Self, StreamError> {
        let seg = config.segmenter;
        if !(seg.part_target > 0.0 && seg.segment_target >= seg.part_target) {
            return Err(StreamError::Config(format!(
                "need 0 < part target ({}) <= segment target ({})",
                seg.part_target, seg.segment_target
            )));
        }
        if config.renditions.is_empty() || config.window_segments < 3 {
            return Err(StreamError::Config(
                "need at least one rendition and a window of 3 segments".into(),
            ));
        }
        let renditions = config
            .renditions
            .iter()
            .cloned()
            .map(|c| Rendition {
                next_msn: config.first_msn,
                ..Rendition::new(c)
            })
            .collect();
        Ok(Self {
            config,
            renditions,
            run: None,
            ended: false,
        })
    }

    /// Starts a run (a transcoder process). `wall_at_zero_ms` is the wall-clock time at which
    /// the media that the transcoder stamps as time zero entered the system.
    pub fn begin_run(&mut self, wall_at_zero_ms: i64) -> Result<(), StreamError> {
        if self.ended {
            return Err(StreamError::Ended);
        }
        if self.run.is_some() {
            self.end_run();
        }
        // Runs are named after their first sequence number, unique over the stream's life.
        let index = self
            .renditions
            .iter()
            .map(|r| r.next_msn)
            .max()
            .unwrap_or(0);
        for r in &mut self.renditions {
            r.reader = Fmp4Reader::new(ReaderLimits::default());
            r.segmenter = None;
            r.map_uri = None;
            r.discontinuity_pending = !r.segments.is_empty();
        }
        self.run = Some(Run {
            index,
            wall_at_zero_ms,
        });
        Ok(())
    }

    /// Feeds bytes of one rendition's fMP4 output. On error the run's media for that
    /// rendition is unusable; the caller ends the run (and restarts the transcoder).
    pub fn push(&mut self, rendition: usize, data: &[u8]) -> Result<Vec<StreamEvent>, StreamError> {
        let run = self.run.ok_or(StreamError::NoRun)?;
        let count = self.renditions.len();
        let window = self.config.window_segments;
        let segmenter_config = self.config.segmenter;
        let r = self
            .renditions
            .get_mut(rendition)
            .ok_or(StreamError::NoSuchRendition {
                index: rendition,
                count,
            })?;
        let media_events = r.reader.push(data).map_err(|source| StreamError::Media {
            rendition: r.config.name.clone(),
            source,
        })?;
        let mut out = Vec::new();
        for event in media_events {
            match event {
                Fmp4Event::Init(init) => {
                    out.push(accept_init(r, rendition, run, init, segmenter_config)?)
                }
                Fmp4Event::Samples(samples) => {
                    let Some(segmenter) = r.segmenter.as_mut() else {
                        return Err(StreamError::NoInit {
                            rendition: r.config.name.clone(),
                        });
                    };
                    let events = segmenter.push(samples);
                    apply_segmenter_events(r, rendition, run, events, window, &mut out);
                }
            }
        }
        Ok(out)
    }

    /// Ends the current run: closes open parts and segments and aligns sequence numbers.
    pub fn end_run(&mut self) -> Vec<StreamEvent> {
        let Some(run) = self.run.take() else {
            return Vec::new();
        };
        let window = self.config.window_segments;
        let mut out = Vec::new();
        for (index, r) in self.renditions.iter_mut().enumerate() {
            // A transcoder killed mid-write leaves half a box: say so, keep what was whole.
            if let Err(error) = r.reader.finish() {
                out.push(StreamEvent::Warning {
                    rendition: index,
                    message: error.to_string(),
                });
            }
            if let Some(mut segmenter) = r.segmenter.take() {
                let events = segmenter.flush();
                apply_segmenter_events(r, index, run, events, window, &mut out);
            }
            // A segment left open (no parts in flight) is closed with what it has.
            r.segments.close_open();
        }
        let next = self
            .renditions
            .iter()
            .map(|r| r.next_msn)
            .max()
            .unwrap_or(0);
        let media_end = self
            .renditions
            .iter()
            .map(|r| r.media_end)
            .fold(0.0, f64::max);
        let segment_target = self.config.segmenter.segment_target;
        for (index, r) in self.renditions.iter_mut().enumerate() {
            while r.next_msn < next {
                let msn = r.next_msn;
                let gap_duration = (media_end - r.media_end).clamp(0.001, segment_target);
                r.media_end += gap_duration;
                let entry = SegmentEntry {
                    msn,
                    duration: gap_duration,
                    uri: uri::segment(msn),
                    parts: Vec::new(),
                    closed: true,
                    discontinuity: std::mem::take(&mut r.discontinuity_pending),
                    map_uri: r.map_uri.clone().unwrap_or_else(|| uri::init(run.index)),
                    program_date_time_ms: run.wall_at_zero_ms
                        + seconds_to_ms(r.media_end - gap_duration),
                    gap: true,
                };
                push_segment(r, index, entry, window, &mut out);
            }
        }
        out
    }

    /// Marks the stream as finished: playlists get `EXT-X-ENDLIST`.
    pub fn end_stream(&mut self) -> Vec<StreamEvent> {
        let out = self.end_run();
        self.ended = true;
        out
    }

    pub fn ended(&self) -> bool {
        self.ended
    }

    /// `(msn, part)` of the newest part of a rendition.
    pub fn last_part(&self, rendition: usize) -> Option<(u64, u32)> {
        self.renditions.get(rendition)?.segments.last_part()
    }

    /// The data model of a rendition's media playlist right now, borrowing its segments;
    /// `None` before its first part.
    pub fn media_model(&self, rendition: usize) -> Option<MediaPlaylist<&[SegmentEntry]>> {
        self.renditions.get(rendition)?.segments.model(
            self.live_timing(),
            self.rendition_reports(rendition),
            self.ended,
        )
    }

    fn live_timing(&self) -> LiveTiming {
        let seg = self.config.segmenter;
        LiveTiming {
            part_target: seg.part_target,
            segment_target: seg.segment_target,
        }
    }

    /// Where the other renditions stand, for a rendition's playlist.
    fn rendition_reports(&self, rendition: usize) -> Vec<RenditionReport> {
        self.renditions
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != rendition)
            .filter_map(|(_, other)| {
                let (last_msn, last_part) = other.segments.last_part()?;
                Some(RenditionReport {
                    uri: other.report_uri.clone(),
                    last_msn,
                    last_part: Some(last_part),
                })
            })
            .collect()
    }

    /// A rendition's media playlist text, or `None` when it has nothing to list yet.
    pub fn media_playlist(&self, rendition: usize, options: RenderOptions) -> Option<String> {
        let r = self.renditions.get(rendition)?;
        r.segments.render(
            self.live_timing(),
            self.rendition_reports(rendition),
            self.ended,
            options,
        )
    }

    /// The multivariant playlist, once every rendition has told its codec.
    pub fn multivariant_playlist(&self) -> Option<String> {
        let tracks: Option<Vec<&TrackInfo>> =
            self.renditions.iter().map(|r| r.track.as_ref()).collect();
        let tracks = tracks?;
        let audio: Vec<(usize, &TrackInfo)> = tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TrackKind::Audio)
            .map(|(i, t)| (i, *t))
            .collect();
        let audio_bandwidth = audio
            .iter()
            .map(|(i, _)| self.bandwidth(*i))
            .max()
            .unwrap_or((0, 0));
        let audio_codec = audio.first().map(|(_, t)| t.codec.clone());
        let audio_entries = audio
            .iter()
            .enumerate()
            .map(|(n, (i, t))| AudioEntry {
                group_id: AUDIO_GROUP.into(),
                name: self
                    .renditions
                    .get(*i)
                    .map(|r| r.config.name.clone())
                    .unwrap_or_default(),
                uri: self
                    .renditions
                    .get(*i)
                    .map(|r| uri::media_playlist(&r.config.name))
                    .unwrap_or_default(),
                channels: t.channels.unwrap_or(2),
                default: n == 0,
            })
            .collect();
        let variants = tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TrackKind::Video)
            .filter_map(|(i, t)| {
                let r = self.renditions.get(i)?;
                let (peak, average) = self.bandwidth(i);
                let codecs = match &audio_codec {
                    Some(a) => format!("{},{a}", t.codec),
                    None => t.codec.clone(),
                };
                Some(VariantEntry {
                    uri: uri::media_playlist(&r.config.name),
                    bandwidth: peak + audio_bandwidth.0,
                    average_bandwidth: average + audio_bandwidth.1,
                    codecs,
                    width: t.width.unwrap_or(0),
                    height: t.height.unwrap_or(0),
                    frame_rate: r.config.frame_rate.unwrap_or(30.0),
                    audio_group: audio_codec.as_ref().map(|_| AUDIO_GROUP.to_string()),
                })
            })
            .collect();
        Some(playlist::render_multivariant(&MultivariantPlaylist {
            variants,
            audio: audio_entries,
        }))
    }

    /// (peak, average) bits/s: measured over the window's segments once two are complete,
    /// the configured rate before that.
    fn bandwidth(&self, rendition: usize) -> (u64, u64) {
        let Some(r) = self.renditions.get(rendition) else {
            return (0, 0);
        };
        if r.segment_bitrates.len() < 2 {
            return (r.config.bitrate, r.config.bitrate);
        }
        let peak = r.segment_bitrates.iter().copied().fold(0.0, f64::max);
        let average = r.segment_bitrates.iter().sum::<f64>() / r.segment_bitrates.len() as f64;
        (peak.round() as u64, average.round() as u64)
    }
}

fn accept_init(
    r: &mut Rendition,
    rendition: usize,
    run: Run,
    init: Init,
    config: SegmenterConfig,
) -> Result<StreamEvent, StreamError> {
    if init.track.kind != r.config.kind {
        return Err(StreamError::WrongKind {
            rendition: r.config.name.clone(),
            expected: r.config.kind,
            found: init.track.kind,
        });
    }
    let map_uri = uri::init(run.index);
    r.segmenter = Some(Segmenter::new(config, &init.track));
    r.track = Some(init.track.clone());
    r.map_uri = Some(map_uri.clone());
    Ok(StreamEvent::Init {
        rendition,
        uri: map_uri,
        bytes: init.bytes,
        track: init.track,
    })
}

fn apply_segmenter_events(
    r: &mut Rendition,
    rendition: usize,
    run: Run,
    events: Vec<SegmenterEvent>,
    window: usize,
    out: &mut Vec<StreamEvent>,
) {
    for event in events {
        match event {
            SegmenterEvent::Part(part) => {
                if let Some(event) = add_part(r, rendition, run, part, window, out) {
                    out.push(StreamEvent::Part(event));
                }
            }
            SegmenterEvent::SegmentEnd { duration } => {
                let bytes = std::mem::take(&mut r.open_segment_bytes);
                if let Some(open) = r.segments.open_mut() {
                    open.closed = true;
                    open.duration = duration;
                    if duration > 0.0 {
                        r.segment_bitrates.push_back(bytes as f64 * 8.0 / duration);
                        if r.segment_bitrates.len() > window {
                            r.segment_bitrates.pop_front();
                        }
                    }
                }
                // The part that closed the segment was emitted just before: mark it.
                if let Some(StreamEvent::Part(last)) = out.last_mut() {
                    if last.rendition == rendition {
                        last.segment_end = Some(duration);
                    }
                }
            }
        }
    }
}

fn add_part(
    r: &mut Rendition,
    rendition: usize,
    run: Run,
    part: PartOut,
    window: usize,
    out: &mut Vec<StreamEvent>,
) -> Option<PartEvent> {
    let map_uri = r.map_uri.clone()?;
    let pdt = run.wall_at_zero_ms + seconds_to_ms(part.start_time);
    r.media_end = part.start_time + part.duration;
    if part.starts_segment || r.segments.open_mut().is_none() {
        r.segments.close_open(); // defensive: the segmenter always ends a segment first
        let msn = r.next_msn;
        let entry = SegmentEntry {
            msn,
            duration: 0.0,
            uri: uri::segment(msn),
            parts: Vec::new(),
            closed: false,
            discontinuity: std::mem::take(&mut r.discontinuity_pending),
            map_uri: map_uri.clone(),
            program_date_time_ms: pdt,
            gap: false,
        };
        push_segment(r, rendition, entry, window, out);
    }
    r.open_segment_bytes += part.bytes.len();
    let open = r.segments.open_mut()?;
    let index = u32::try_from(open.parts.len()).ok()?;
    let part_uri = uri::part(open.msn, index);
    open.parts.push(PartEntry {
        duration: part.duration,
        uri: part_uri.clone(),
        independent: part.independent,
    });
    open.duration += part.duration;
    Some(PartEvent {
        rendition,
        msn: open.msn,
        part: index,
        duration: part.duration,
        independent: part.independent,
        bytes: part.bytes,
        uri: part_uri,
        segment_uri: open.uri.clone(),
        map_uri,
        program_date_time_ms: pdt,
        discontinuity: open.discontinuity && index == 0,
        segment_end: None,
    })
}

/// Appends a segment and slides the window, reporting evicted segments.
fn push_segment(
    r: &mut Rendition,
    rendition: usize,
    entry: SegmentEntry,
    window: usize,
    out: &mut Vec<StreamEvent>,
) {
    r.next_msn = entry.msn + 1;
    r.segments.push(entry, window, |msn| {
        out.push(StreamEvent::Evicted { rendition, msn })
    });
}

fn seconds_to_ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}
