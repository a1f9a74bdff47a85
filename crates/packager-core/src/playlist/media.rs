//! Media playlist rendering with partial segments and delta updates (RFC 8216bis §4.4,
//! §6.2.2, §6.2.5.1).

use super::format::{seconds, DateTime, Decimal, Quoted, UriLine, EPS};
use super::{MediaPlaylist, RenderOptions, SegmentEntry};
use std::fmt::{Arguments, Write};

/// `EXT-X-VERSION` of every playlist we serve. The minimum our features need: 6 for
/// `EXT-X-MAP` without `EXT-X-I-FRAMES-ONLY`, 9 for `EXT-X-SKIP` (RFC 8216bis §8; 10 is
/// only for skipping `EXT-X-DATERANGE`s, which we never list). Full playlists and delta
/// updates of one stream carry the same version so it does not flip between reloads.
pub const HLS_VERSION: u32 = 9;

/// Parts are listed for segments within this many target durations of the end of the
/// playlist (§4.4.4.9: EXT-X-PART tags SHOULD be removed once they are more than three
/// target durations from the end).
const PART_WINDOW_TARGETS: f64 = 3.0;

/// Line-oriented output buffer. Writing to a `String` cannot fail.
pub(crate) struct Out(String);

impl Out {
    pub(crate) fn new() -> Self {
        Out(String::with_capacity(4096))
    }

    pub(crate) fn line(&mut self, args: Arguments<'_>) {
        let _ = self.0.write_fmt(args);
        self.0.push('\n');
    }

    pub(crate) fn finish(self) -> String {
        self.0
    }
}

/// Seconds from the start of each segment to the end of the listed media (the open
/// segment's parts included). Used for both the part window and the skip boundary, so
/// those decisions never depend on whether a delta update is being rendered.
fn time_to_end(segments: &[SegmentEntry]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut out: Vec<f64> = segments
        .iter()
        .rev()
        .map(|s| {
            acc += seconds(s.duration);
            acc
        })
        .collect();
    out.reverse();
    out
}

/// Number of oldest segments a delta update (`_HLS_skip=YES`) replaces with
/// `EXT-X-SKIP` (§6.2.5.1): closed segments that start at least `CAN-SKIP-UNTIL`
/// seconds before the end of the playlist. The last segment is never skipped, so a
/// delta update always lists at least one segment. 0 when `can_skip_until` is not a
/// positive number (we then do not advertise delta updates at all).
pub fn skippable_segments(pl: &MediaPlaylist) -> usize {
    let boundary = pl.can_skip_until;
    if !(boundary.is_finite() && boundary > 0.0) {
        return 0;
    }
    let listed = pl.segments.len().saturating_sub(1);
    pl.segments
        .iter()
        .zip(time_to_end(&pl.segments))
        .take(listed)
        .take_while(|(s, to_end)| s.closed && *to_end + EPS >= boundary)
        .count()
}

/// Renders a media playlist; with `opts.skip`, a Playlist Delta Update when at least one
/// segment can be skipped (otherwise the full playlist, which is also a valid answer).
///
/// Never panics: non-finite or negative durations render as `0.0`, and characters that
/// would break a line are percent-encoded. Whether the model is coherent is
/// [`validate`](super::validate)'s job, not the renderer's.
pub fn render_media(pl: &MediaPlaylist, opts: RenderOptions) -> String {
    let mut out = Out::new();
    let skipped = if opts.skip { skippable_segments(pl) } else { 0 };

    out.line(format_args!("#EXTM3U"));
    out.line(format_args!("#EXT-X-VERSION:{HLS_VERSION}"));
    out.line(format_args!("#EXT-X-TARGETDURATION:{}", pl.target_duration));
    // §4.4.3.8. CAN-SKIP-UNTIL is left out when unusable so clients never ask for deltas.
    let can_skip = if pl.can_skip_until.is_finite() && pl.can_skip_until > 0.0 {
        format!("CAN-SKIP-UNTIL={},", Decimal(pl.can_skip_until))
    } else {
        String::new()
    };
    out.line(format_args!(
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,{can_skip}HOLD-BACK={},PART-HOLD-BACK={}",
        Decimal(pl.hold_back),
        Decimal(pl.part_hold_back)
    ));
    out.line(format_args!(
        "#EXT-X-PART-INF:PART-TARGET={}",
        Decimal(pl.part_target)
    ));
    // §4.4.3.2: the MSN of the first segment of the full playlist, also in a delta update
    // (the client locates the skipped segments from it).
    let first_msn = pl.segments.first().map_or(0, |s| s.msn);
    out.line(format_args!("#EXT-X-MEDIA-SEQUENCE:{first_msn}"));
    // Always written (0 is the default anyway): a fixed header layout, and a delta update
    // that skips a discontinuity stays correct since the value counts discontinuities
    // before the first segment of the full playlist (§4.4.3.3).
    out.line(format_args!(
        "#EXT-X-DISCONTINUITY-SEQUENCE:{}",
        pl.discontinuity_sequence
    ));
    // §4.4.2.1: the origin forces a key frame at every segment boundary, so each segment
    // decodes without its predecessor (audio frames are all sync samples).
    out.line(format_args!("#EXT-X-INDEPENDENT-SEGMENTS"));
    if skipped > 0 {
        out.line(format_args!("#EXT-X-SKIP:SKIPPED-SEGMENTS={skipped}"));
    }

    let to_end = time_to_end(&pl.segments);
    let part_window = PART_WINDOW_TARGETS * f64::from(pl.target_duration) + EPS;
    let mut prev_map: Option<&str> = None;
    for (seg, to_end) in pl.segments.iter().zip(to_end).skip(skipped) {
        if seg.discontinuity {
            out.line(format_args!("#EXT-X-DISCONTINUITY"));
        }
        // The first rendered segment always gets its EXT-X-MAP, also after an EXT-X-SKIP:
        // a client parsing only this response must know the init segment (§4.4.4.5).
        if prev_map != Some(seg.map_uri.as_str()) {
            out.line(format_args!("#EXT-X-MAP:URI={}", Quoted(&seg.map_uri)));
        }
        prev_map = Some(&seg.map_uri);
        // On every segment rather than only after discontinuities: the coordinator knows
        // each segment's wall-clock start, and restating it keeps clients from
        // accumulating EXTINF rounding drift; it also makes every segment's block
        // self-contained, which keeps delta updates byte-identical to the full tail.
        out.line(format_args!(
            "#EXT-X-PROGRAM-DATE-TIME:{}",
            DateTime(seg.program_date_time_ms)
        ));
        if seg.gap {
            // A gap segment has no media, hence no parts to address (§4.4.4.7).
            if seg.closed {
                out.line(format_args!("#EXT-X-GAP"));
            }
        } else if !seg.closed || to_end <= part_window {
            for part in &seg.parts {
                let independent = if part.independent {
                    ",INDEPENDENT=YES"
                } else {
                    ""
                };
                out.line(format_args!(
                    "#EXT-X-PART:DURATION={},URI={}{independent}",
                    Decimal(part.duration),
                    Quoted(&part.uri)
                ));
            }
        }
        // An open segment has no URI yet: it is only reachable through its parts.
        if seg.closed {
            out.line(format_args!("#EXTINF:{},", Decimal(seg.duration)));
            out.line(format_args!("{}", UriLine(&seg.uri)));
        }
    }

    // §4.4.5.3: the part being produced; pointless once the stream has ended.
    if let (Some(hint), false) = (&pl.preload_hint, pl.ended) {
        out.line(format_args!(
            "#EXT-X-PRELOAD-HINT:TYPE=PART,URI={}",
            Quoted(hint)
        ));
    }
    // §4.4.5.4.
    for report in &pl.rendition_reports {
        let last_part = report
            .last_part
            .map_or(String::new(), |p| format!(",LAST-PART={p}"));
        out.line(format_args!(
            "#EXT-X-RENDITION-REPORT:URI={},LAST-MSN={}{last_part}",
            Quoted(&report.uri),
            report.last_msn
        ));
    }
    if pl.ended {
        out.line(format_args!("#EXT-X-ENDLIST"));
    }
    out.finish()
}
