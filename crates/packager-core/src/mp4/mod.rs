//! Fragmented MP4 (ISO BMFF) reading and CMAF chunk writing.
//!
//! Layout: `header` (box headers, bounds-checked field reads), `reader` (incremental
//! top-level reader, [`Fmp4Reader`]), `moov` (init parsing), `moof` (fragments into
//! samples), `codec` (RFC 6381 strings), [`chunk`] (CMAF chunk writer).
//!
//! INTERFACE CONTRACT (implemented by the mp4 work; other modules rely on exactly this):

pub mod chunk;
mod codec;
mod header;
mod moof;
mod moov;
mod reader;

pub use crate::error::Mp4Error;
pub use chunk::{chunk_len, write_chunk, write_chunk_into};
pub use header::FourCc;
pub use reader::{Fmp4Event, Fmp4Reader, ReaderLimits};

/// What kind of media a track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackKind {
    Video,
    Audio,
}

/// Facts about the single track of one rendition's fMP4 stream, read from `moov`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackInfo {
    pub track_id: u32,
    pub kind: TrackKind,
    /// `mdhd` timescale: ticks per second for every time below.
    pub timescale: u32,
    /// RFC 6381 codec string, e.g. `avc1.64001f` or `mp4a.40.2`.
    pub codec: String,
    /// Video only (from the sample entry).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Audio only.
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
}

/// The initialisation segment (`ftyp` + `moov`, bytes as received).
#[derive(Debug, Clone)]
pub struct Init {
    pub bytes: Vec<u8>,
    pub track: TrackInfo,
}

/// One media sample (frame) as described by `trun`, with its payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Decode time in track timescale ticks (absolute, from `tfdt` + preceding durations).
    pub decode_time: u64,
    pub duration: u32,
    /// Composition time offset (signed; version-1 `trun` semantics).
    pub composition_offset: i32,
    /// Sample flags (ISO BMFF 8.8.3.1 layout); see `is_sync`.
    pub flags: u32,
    pub data: Vec<u8>,
}

impl Sample {
    /// A sync sample: `sample_is_non_sync_sample` bit clear (and for safety, depends_on != 1).
    pub fn is_sync(&self) -> bool {
        self.flags & 0x0001_0000 == 0 && (self.flags >> 24) & 0x3 != 1
    }
}
