#![allow(unsafe_code)] // napi-derive expands to FFI glue; this crate writes none itself.

//! N-API binding of `packager-core` for the origin service. Thin on purpose: it converts
//! between JavaScript and Rust values and turns core errors into JavaScript errors in one
//! place (`to_js_error`); all packaging logic lives in the core crate.

use napi::bindgen_prelude::{Buffer, Error, Result, Status};
use napi_derive::napi;
use packager_core::mp4::TrackKind;
use packager_core::playlist::{RenderOptions, RenditionReport};
use packager_core::relay::{self, Added, PartAnnouncement, RelayConfig};
use packager_core::segmenter::SegmenterConfig;
use packager_core::stream::{self, RenditionConfig, StreamConfig, StreamError, StreamEvent};

#[napi(string_enum = "lowercase")]
#[derive(Debug)]
pub enum MediaKind {
    Video,
    Audio,
}

#[napi(object)]
#[derive(Debug)]
pub struct RenditionOptions {
    /// Path token, e.g. `720p` or `audio`.
    pub name: String,
    pub kind: MediaKind,
    /// Configured bit rate in bits/s (shown until measured).
    pub bitrate: u32,
    pub frame_rate: Option<f64>,
}

#[napi(object)]
#[derive(Debug)]
pub struct PackagerOptions {
    /// Part target duration in milliseconds (default 200).
    pub part_target_ms: Option<u32>,
    /// Segment target duration in milliseconds (default 1000).
    pub segment_target_ms: Option<u32>,
    /// Segments listed in each media playlist (default 30).
    pub window_segments: Option<u32>,
    /// Media sequence number of the first segment (default 0).
    pub first_msn: Option<i64>,
    pub renditions: Vec<RenditionOptions>,
}

#[napi(object)]
#[derive(Debug)]
pub struct TrackDescription {
    pub codec: String,
    pub timescale: u32,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
}

/// What the packager reports after being fed bytes; `type` tells which.
#[napi(discriminant = "type", discriminant_case = "lowercase")]
#[allow(missing_debug_implementations)] // napi's Buffer has no Debug
pub enum PackagerEvent {
    Init {
        rendition: u32,
        uri: String,
        bytes: Buffer,
        track: TrackDescription,
    },
    Part {
        rendition: u32,
        msn: i64,
        part: u32,
        /// Seconds.
        duration: f64,
        independent: bool,
        bytes: Buffer,
        /// Relative to the media playlist, like the two below.
        uri: String,
        segment_uri: String,
        map_uri: String,
        program_date_time_ms: i64,
        discontinuity: bool,
        /// Seconds; present when this part completes its segment.
        segment_duration: Option<f64>,
    },
    Evicted {
        rendition: u32,
        msn: i64,
    },
    /// Media was lost but packaging went on (e.g. a run ended inside a box).
    Warning {
        rendition: u32,
        message: String,
    },
}

#[napi(object)]
#[derive(Debug)]
pub struct PartPosition {
    pub msn: i64,
    pub part: u32,
}

/// Packaging state of one live stream (see `packager_core::stream`).
#[napi]
#[derive(Debug)]
pub struct StreamPackager {
    inner: stream::StreamPackager,
}

#[napi]
impl StreamPackager {
    #[napi(constructor)]
    pub fn new(options: PackagerOptions) -> Result<Self> {
        let defaults = SegmenterConfig::default();
        let segmenter = SegmenterConfig {
            part_target: options
                .part_target_ms
                .map_or(defaults.part_target, ms_to_seconds),
            segment_target: options
                .segment_target_ms
                .map_or(defaults.segment_target, ms_to_seconds),
        };
        let renditions = options
            .renditions
            .into_iter()
            .map(|r| RenditionConfig {
                name: r.name,
                kind: match r.kind {
                    MediaKind::Video => TrackKind::Video,
                    MediaKind::Audio => TrackKind::Audio,
                },
                bitrate: u64::from(r.bitrate),
                frame_rate: r.frame_rate,
            })
            .collect();
        let config = StreamConfig {
            segmenter,
            window_segments: options.window_segments.unwrap_or(30) as usize,
            first_msn: options
                .first_msn
                .and_then(|v| u64::try_from(v).ok())
                .unwrap_or(0),
            renditions,
        };
        stream::StreamPackager::new(config)
            .map(|inner| Self { inner })
            .map_err(to_js_error)
    }

    /// Starts a transcoder run; `wallAtZeroMs` is when media time zero entered the system.
    #[napi]
    pub fn begin_run(&mut self, wall_at_zero_ms: i64) -> Result<()> {
        self.inner.begin_run(wall_at_zero_ms).map_err(to_js_error)
    }

    /// Feeds fMP4 bytes of one rendition. Bad media throws an error whose message starts
    /// with `MalformedMedia:`.
    #[napi]
    pub fn push(&mut self, rendition: u32, data: &[u8]) -> Result<Vec<PackagerEvent>> {
        let events = self
            .inner
            .push(rendition as usize, data)
            .map_err(to_js_error)?;
        Ok(convert(events))
    }

    /// Ends the current run: flushes open parts, aligns sequence numbers.
    #[napi]
    pub fn end_run(&mut self) -> Vec<PackagerEvent> {
        convert(self.inner.end_run())
    }

    /// Ends the stream: playlists get `EXT-X-ENDLIST`.
    #[napi]
    pub fn end_stream(&mut self) -> Vec<PackagerEvent> {
        convert(self.inner.end_stream())
    }

    #[napi(getter)]
    pub fn ended(&self) -> bool {
        self.inner.ended()
    }

    /// A rendition's media playlist, `null` until it has a part.
    #[napi]
    pub fn media_playlist(&self, rendition: u32, skip: bool) -> Option<String> {
        self.inner
            .media_playlist(rendition as usize, RenderOptions { skip })
    }

    /// The multivariant playlist, `null` until every rendition has an init segment.
    #[napi]
    pub fn multivariant_playlist(&self) -> Option<String> {
        self.inner.multivariant_playlist()
    }

    /// The newest part of a rendition.
    #[napi]
    pub fn last_part(&self, rendition: u32) -> Option<PartPosition> {
        let (msn, part) = self.inner.last_part(rendition as usize)?;
        Some(PartPosition {
            msn: to_i64(msn),
            part,
        })
    }
}

fn ms_to_seconds(ms: u32) -> f64 {
    f64::from(ms) / 1000.0
}

/// JavaScript numbers hold 2^53 exactly; sequence numbers never get near it.
fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_js_error(error: StreamError) -> Error {
    let status = match error {
        StreamError::Media { .. } | StreamError::WrongKind { .. } | StreamError::NoInit { .. } => {
            return Error::new(Status::GenericFailure, format!("MalformedMedia: {error}"));
        }
        StreamError::NoSuchRendition { .. } | StreamError::Config(_) => Status::InvalidArg,
        StreamError::NoRun | StreamError::Ended => Status::GenericFailure,
    };
    Error::new(status, error.to_string())
}

fn convert(events: Vec<StreamEvent>) -> Vec<PackagerEvent> {
    events
        .into_iter()
        .map(|event| match event {
            StreamEvent::Init {
                rendition,
                uri,
                bytes,
                track,
            } => PackagerEvent::Init {
                rendition: rendition as u32,
                uri,
                bytes: bytes.into(),
                track: TrackDescription {
                    codec: track.codec,
                    timescale: track.timescale,
                    width: track.width,
                    height: track.height,
                    sample_rate: track.sample_rate,
                    channels: track.channels.map(u32::from),
                },
            },
            StreamEvent::Part(p) => PackagerEvent::Part {
                rendition: p.rendition as u32,
                msn: to_i64(p.msn),
                part: p.part,
                duration: p.duration,
                independent: p.independent,
                bytes: p.bytes.into(),
                uri: p.uri,
                segment_uri: p.segment_uri,
                map_uri: p.map_uri,
                program_date_time_ms: p.program_date_time_ms,
                discontinuity: p.discontinuity,
                segment_duration: p.segment_end,
            },
            StreamEvent::Evicted { rendition, msn } => PackagerEvent::Evicted {
                rendition: rendition as u32,
                msn: to_i64(msn),
            },
            StreamEvent::Warning { rendition, message } => PackagerEvent::Warning {
                rendition: rendition as u32,
                message,
            },
        })
        .collect()
}

#[napi(object)]
#[derive(Debug)]
pub struct RelayOptions {
    pub part_target_ms: u32,
    pub segment_target_ms: u32,
    /// Segments listed (default 30).
    pub window_segments: Option<u32>,
}

/// One part as the origin announced it (the fields of a part manifest the playlist needs).
#[napi(object)]
#[derive(Debug)]
pub struct RelayPart {
    pub msn: i64,
    pub part: u32,
    /// Seconds.
    pub duration: f64,
    pub independent: bool,
    /// Init segment name relative to the media playlist, e.g. `init-1700000000.mp4`.
    pub map_uri: String,
    pub program_date_time_ms: i64,
    pub discontinuity: bool,
    /// Seconds, when this part completes its segment.
    pub segment_duration: Option<f64>,
}

#[napi(object)]
#[derive(Debug)]
pub struct RelayReport {
    /// Relative URI of the other rendition's playlist, e.g. `../480p/index.m3u8`.
    pub uri: String,
    pub last_msn: i64,
    pub last_part: u32,
}

#[napi(string_enum = "kebab-case")]
#[derive(Debug)]
pub enum RelayAdded {
    Listed,
    Stale,
    WaitingForSegmentStart,
}

/// A media playlist rebuilt from part manifests, for edges (see `packager_core::relay`).
#[napi]
#[derive(Debug)]
pub struct RelayedPlaylist {
    inner: relay::RelayedPlaylist,
}

#[napi]
impl RelayedPlaylist {
    #[napi(constructor)]
    pub fn new(options: RelayOptions) -> Self {
        Self {
            inner: relay::RelayedPlaylist::new(RelayConfig {
                part_target: ms_to_seconds(options.part_target_ms),
                segment_target: ms_to_seconds(options.segment_target_ms),
                window_segments: options.window_segments.unwrap_or(30) as usize,
            }),
        }
    }

    /// Lists a part; throws when parts were lost in between (the caller resynchronises).
    #[napi]
    pub fn add_part(&mut self, part: RelayPart) -> Result<RelayAdded> {
        let announcement = PartAnnouncement {
            msn: u64::try_from(part.msn)
                .map_err(|_| Error::new(Status::InvalidArg, "negative msn"))?,
            part: part.part,
            duration: part.duration,
            independent: part.independent,
            map_uri: part.map_uri,
            program_date_time_ms: part.program_date_time_ms,
            discontinuity: part.discontinuity,
            segment_end: part.segment_duration,
        };
        match self.inner.add_part(&announcement) {
            Ok(Added::Listed) => Ok(RelayAdded::Listed),
            Ok(Added::Stale) => Ok(RelayAdded::Stale),
            Ok(Added::WaitingForSegmentStart) => Ok(RelayAdded::WaitingForSegmentStart),
            Err(error) => Err(Error::new(Status::GenericFailure, error.to_string())),
        }
    }

    /// The stream ended: the playlist gets `EXT-X-ENDLIST`.
    #[napi]
    pub fn end(&mut self) {
        self.inner.end();
    }

    #[napi(getter)]
    pub fn ended(&self) -> bool {
        self.inner.ended()
    }

    #[napi]
    pub fn last_part(&self) -> Option<PartPosition> {
        let (msn, part) = self.inner.last_part()?;
        Some(PartPosition {
            msn: to_i64(msn),
            part,
        })
    }

    /// Whether segment `msn` is complete (or a later one is listed).
    #[napi]
    pub fn segment_complete(&self, msn: i64) -> bool {
        u64::try_from(msn).is_ok_and(|msn| self.inner.segment_complete(msn))
    }

    /// The playlist text, `null` before the first segment starts.
    #[napi]
    pub fn render(&self, skip: bool, reports: Vec<RelayReport>) -> Option<String> {
        let reports = reports
            .into_iter()
            .filter_map(|r| {
                Some(RenditionReport {
                    uri: r.uri,
                    last_msn: u64::try_from(r.last_msn).ok()?,
                    last_part: Some(r.last_part),
                })
            })
            .collect();
        self.inner.render(RenderOptions { skip }, reports)
    }
}
