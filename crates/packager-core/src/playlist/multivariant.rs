//! Multivariant playlist rendering (RFC 8216bis §4.4.6).

use super::format::Out;
use super::media::HLS_VERSION;
use super::MultivariantPlaylist;

/// Renders the multivariant playlist: audio renditions first, then the variants in the
/// order given (clients treat the first variant as the default start, §6.3.1).
///
/// Optional attributes whose model value is meaningless are left out rather than
/// rendered as garbage: `AVERAGE-BANDWIDTH` when 0, `CODECS` when empty, `RESOLUTION`
/// when a dimension is 0 (audio-only variant), `FRAME-RATE` when not a positive number,
/// `CHANNELS` when 0.
pub fn render_multivariant(pl: &MultivariantPlaylist) -> String {
    let mut out = Out::with_capacity(1024);
    out.str("#EXTM3U").eol();
    // Same version as the media playlists: some validators flag a mismatch.
    out.str("#EXT-X-VERSION:").int(HLS_VERSION).eol();
    // §4.4.2.1: applies to every media playlist; each segment starts with a key frame.
    out.str("#EXT-X-INDEPENDENT-SEGMENTS").eol();

    for audio in &pl.audio {
        out.str("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=")
            .quoted(&audio.group_id)
            .str(",NAME=")
            .quoted(&audio.name)
            .str(",DEFAULT=")
            .yes_no(audio.default)
            .str(",AUTOSELECT=YES");
        // §4.4.6.1: CHANNELS is a quoted-string whose first parameter is the count.
        if audio.channels > 0 {
            out.str(",CHANNELS=\"").int(audio.channels).str("\"");
        }
        out.str(",URI=").quoted(&audio.uri).eol();
    }

    for v in &pl.variants {
        out.str("#EXT-X-STREAM-INF:BANDWIDTH=").int(v.bandwidth);
        if v.average_bandwidth > 0 {
            out.str(",AVERAGE-BANDWIDTH=").int(v.average_bandwidth);
        }
        if !v.codecs.is_empty() {
            out.str(",CODECS=").quoted(&v.codecs);
        }
        if v.width > 0 && v.height > 0 {
            out.str(",RESOLUTION=").int(v.width).str("x").int(v.height);
        }
        // §4.4.6.2: FRAME-RATE is rounded to three decimal places.
        if v.frame_rate.is_finite() && v.frame_rate > 0.0 {
            out.fmt(format_args!(",FRAME-RATE={:.3}", v.frame_rate));
        }
        if let Some(group) = &v.audio_group {
            out.str(",AUDIO=").quoted(group);
        }
        out.eol();
        out.uri(&v.uri).eol();
    }
    out.finish()
}
