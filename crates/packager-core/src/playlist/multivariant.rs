//! Multivariant playlist rendering (RFC 8216bis §4.4.6).

use super::format::{yes_no, Quoted, UriLine};
use super::media::{Out, HLS_VERSION};
use super::MultivariantPlaylist;

/// Renders the multivariant playlist: audio renditions first, then the variants in the
/// order given (clients treat the first variant as the default start, §6.3.1).
///
/// Optional attributes whose model value is meaningless are left out rather than
/// rendered as garbage: `AVERAGE-BANDWIDTH` when 0, `CODECS` when empty, `RESOLUTION`
/// when a dimension is 0 (audio-only variant), `FRAME-RATE` when not a positive number,
/// `CHANNELS` when 0.
pub fn render_multivariant(pl: &MultivariantPlaylist) -> String {
    let mut out = Out::new();
    out.line(format_args!("#EXTM3U"));
    // Same version as the media playlists: some validators flag a mismatch.
    out.line(format_args!("#EXT-X-VERSION:{HLS_VERSION}"));
    // §4.4.2.1: applies to every media playlist; each segment starts with a key frame.
    out.line(format_args!("#EXT-X-INDEPENDENT-SEGMENTS"));

    for audio in &pl.audio {
        // §4.4.6.1: CHANNELS is a quoted-string whose first parameter is the count.
        let channels = if audio.channels > 0 {
            format!(",CHANNELS=\"{}\"", audio.channels)
        } else {
            String::new()
        };
        out.line(format_args!(
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID={},NAME={},DEFAULT={},AUTOSELECT=YES{channels},URI={}",
            Quoted(&audio.group_id),
            Quoted(&audio.name),
            yes_no(audio.default),
            Quoted(&audio.uri)
        ));
    }

    for v in &pl.variants {
        let mut attrs = format!("BANDWIDTH={}", v.bandwidth);
        if v.average_bandwidth > 0 {
            attrs.push_str(&format!(",AVERAGE-BANDWIDTH={}", v.average_bandwidth));
        }
        if !v.codecs.is_empty() {
            attrs.push_str(&format!(",CODECS={}", Quoted(&v.codecs)));
        }
        if v.width > 0 && v.height > 0 {
            attrs.push_str(&format!(",RESOLUTION={}x{}", v.width, v.height));
        }
        // §4.4.6.2: FRAME-RATE is rounded to three decimal places.
        if v.frame_rate.is_finite() && v.frame_rate > 0.0 {
            attrs.push_str(&format!(",FRAME-RATE={:.3}", v.frame_rate));
        }
        if let Some(group) = &v.audio_group {
            attrs.push_str(&format!(",AUDIO={}", Quoted(group)));
        }
        out.line(format_args!("#EXT-X-STREAM-INF:{attrs}"));
        out.line(format_args!("{}", UriLine(&v.uri)));
    }
    out.finish()
}
