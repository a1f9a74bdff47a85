//! LL-HLS playlist rendering (RFC 8216bis): media playlists with partial segments and
//! delta updates, and the multivariant playlist.
//!
//! INTERFACE CONTRACT (the data model is filled by the stream coordinator; rendering is
//! pure: same model + options -> same text).

mod format;
mod media;
mod multivariant;
mod validate;
mod window;

pub use media::{render_media, skippable_segments, HLS_VERSION};
pub use multivariant::render_multivariant;
pub use validate::{validate, PlaylistError};
pub use window::{part_uri, LiveTiming, SegmentWindow};

/// One partial segment (a CMAF chunk) as advertised by `EXT-X-PART`.
#[derive(Debug, Clone, PartialEq)]
pub struct PartEntry {
    /// Seconds.
    pub duration: f64,
    pub uri: String,
    /// Starts with a sync sample (`INDEPENDENT=YES`).
    pub independent: bool,
}

/// One media segment, complete (`closed`) or still being filled (the last one).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentEntry {
    pub msn: u64,
    /// Seconds; for an open segment, the sum of its parts so far.
    pub duration: f64,
    pub uri: String,
    pub parts: Vec<PartEntry>,
    /// The segment is complete: it gets an `EXTINF` + URI line.
    pub closed: bool,
    /// `EXT-X-DISCONTINUITY` before this segment.
    pub discontinuity: bool,
    /// URI of the init segment (`EXT-X-MAP`) that applies to this segment.
    pub map_uri: String,
    /// Wall-clock time (ms since the Unix epoch) of the segment's first sample.
    pub program_date_time_ms: i64,
    /// `EXT-X-GAP`: the segment has no media in this rendition (kept for MSN alignment).
    pub gap: bool,
}

/// `EXT-X-RENDITION-REPORT` for another rendition of the same stream.
#[derive(Debug, Clone, PartialEq)]
pub struct RenditionReport {
    pub uri: String,
    pub last_msn: u64,
    /// Index of the last part of `last_msn`; `None` when that rendition has no parts listed.
    pub last_part: Option<u32>,
}

/// Everything a media playlist shows at one instant. The segments are held by `S`: a `Vec`
/// by default, or a slice borrowed from a live [`SegmentWindow`], so that rendering a live
/// playlist copies none of them.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaPlaylist<S = Vec<SegmentEntry>> {
    /// `EXT-X-TARGETDURATION`, whole seconds.
    pub target_duration: u32,
    /// `EXT-X-PART-INF:PART-TARGET`, seconds.
    pub part_target: f64,
    /// `PART-HOLD-BACK`, seconds (>= 3 x part_target).
    pub part_hold_back: f64,
    /// `HOLD-BACK`, seconds (>= 3 x target_duration).
    pub hold_back: f64,
    /// `CAN-SKIP-UNTIL`, seconds (>= 6 x target_duration).
    pub can_skip_until: f64,
    pub discontinuity_sequence: u64,
    /// Oldest first; the last one may be open (`closed == false`).
    pub segments: S,
    /// `EXT-X-PRELOAD-HINT:TYPE=PART` URI of the next part, if the stream is live.
    pub preload_hint: Option<String>,
    pub rendition_reports: Vec<RenditionReport>,
    /// `EXT-X-ENDLIST`.
    pub ended: bool,
}

/// How to render a media playlist for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// The client asked for a delta update (`_HLS_skip=YES`).
    pub skip: bool,
}

/// A variant (`EXT-X-STREAM-INF`) of the multivariant playlist.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantEntry {
    pub uri: String,
    /// Bits per second, peak segment bit rate (audio included).
    pub bandwidth: u64,
    pub average_bandwidth: u64,
    /// Full CODECS value, video and audio, e.g. `avc1.64001f,mp4a.40.2`.
    pub codecs: String,
    pub width: u32,
    pub height: u32,
    pub frame_rate: f64,
    /// GROUP-ID of the audio rendition group, if audio is a separate rendition.
    pub audio_group: Option<String>,
}

/// An `EXT-X-MEDIA:TYPE=AUDIO` rendition.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioEntry {
    pub group_id: String,
    pub name: String,
    pub uri: String,
    pub channels: u16,
    pub default: bool,
}

/// Everything the multivariant playlist shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MultivariantPlaylist {
    pub variants: Vec<VariantEntry>,
    pub audio: Vec<AudioEntry>,
}
