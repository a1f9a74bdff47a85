//! Tributary's packager core: reads fragmented MP4 as FFmpeg writes it, cuts it into
//! CMAF parts and segments, and renders Low-Latency HLS playlists. Pure Rust, no I/O:
//! the N-API crate `packager-napi` exposes it to the origin service.

pub mod error;
pub mod mp4;
pub mod playlist;
pub mod relay;
pub mod segmenter;
pub mod stream;

pub use error::Mp4Error;
