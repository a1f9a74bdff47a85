//! Media playlist rendering with partial segments and delta updates (RFC 8216bis §4.4,
//! §6.2.2, §6.2.5.1).

use std::sync::OnceLock;

use super::format::{seconds, Out, EPS};
use super::{MediaPlaylist, RenderOptions, SegmentEntry};

/// `EXT-X-VERSION` of every playlist we serve. The minimum our features need: 6 for
/// `EXT-X-MAP` without `EXT-X-I-FRAMES-ONLY`, 9 for `EXT-X-SKIP` (RFC 8216bis §8; 10 is
/// only for skipping `EXT-X-DATERANGE`s, which we never list). Full playlists and delta
/// updates of one stream carry the same version so it does not flip between reloads.
pub const HLS_VERSION: u32 = 9;

/// Parts are listed for segments within this many target durations of the end of the
/// playlist (§4.4.4.9: EXT-X-PART tags SHOULD be removed once they are more than three
/// target durations from the end).
const PART_WINDOW_TARGETS: f64 = 3.0;

/// `CAN-SKIP-UNTIL` when it is a positive number of seconds; otherwise delta updates are
/// neither advertised nor served.
fn skip_boundary<S>(pl: &MediaPlaylist<S>) -> Option<f64> {
    let boundary = pl.can_skip_until;
    (boundary.is_finite() && boundary > 0.0).then_some(boundary)
}

/// Where the part window and the skip boundary fall among the segments.
///
/// Both are decided on the seconds from each segment's start to the end of the listed media
/// (the open segment's parts included), so they never depend on whether a delta update is
/// being rendered. Summed from the last segment back, those times never decrease, so each
/// decision holds for a suffix (parts listed) or a prefix (skippable) of the segments, and
/// one pass from the end finds both.
struct Bounds {
    /// Segments from this index on are within the part window.
    parts_from: usize,
    /// How many oldest segments a delta update replaces with `EXT-X-SKIP`.
    skippable: usize,
}

fn bounds<S: AsRef<[SegmentEntry]>>(pl: &MediaPlaylist<S>) -> Bounds {
    let segments = pl.segments.as_ref();
    let part_window = PART_WINDOW_TARGETS * f64::from(pl.target_duration) + EPS;
    let skip_until = skip_boundary(pl);
    let mut to_end = 0.0;
    let mut parts_from = segments.len();
    let mut past_boundary = 0;
    for (index, seg) in segments.iter().enumerate().rev() {
        to_end += seconds(seg.duration);
        if to_end <= part_window {
            parts_from = index;
        }
        if skip_until.is_some_and(|boundary| to_end + EPS >= boundary) {
            past_boundary += 1;
        }
    }
    // Only closed segments are skipped, and never the last: a delta update always lists
    // at least one segment.
    let listed = segments.len().saturating_sub(1);
    let skippable = segments
        .iter()
        .take(past_boundary.min(listed))
        .take_while(|s| s.closed)
        .count();
    Bounds {
        parts_from,
        skippable,
    }
}

/// Number of oldest segments a delta update (`_HLS_skip=YES`) replaces with
/// `EXT-X-SKIP` (§6.2.5.1): closed segments that start at least `CAN-SKIP-UNTIL`
/// seconds before the end of the playlist. The last segment is never skipped, so a
/// delta update always lists at least one segment. 0 when `can_skip_until` is not a
/// positive number (we then do not advertise delta updates at all).
pub fn skippable_segments<S: AsRef<[SegmentEntry]>>(pl: &MediaPlaylist<S>) -> usize {
    bounds(pl).skippable
}

/// Renders a media playlist; with `opts.skip`, a Playlist Delta Update when at least one
/// segment can be skipped (otherwise the full playlist, which is also a valid answer).
///
/// Never panics: non-finite or negative durations render as `0.0`, and characters that
/// would break a line are percent-encoded. Whether the model is coherent is
/// [`validate`](super::validate)'s job, not the renderer's.
pub fn render_media<S: AsRef<[SegmentEntry]>>(
    pl: &MediaPlaylist<S>,
    opts: RenderOptions,
) -> String {
    render_with(pl, opts, &[])
}

/// A closed segment's lines from `EXT-X-PROGRAM-DATE-TIME` to its URI, rendered once: a
/// live playlist is rendered for every reload and its closed segments never change, so
/// [`SegmentWindow`](super::SegmentWindow) keeps these and rendering copies them.
#[derive(Debug, Clone)]
pub(crate) struct SegmentLines {
    /// All but the parts: what is listed once the segment is outside the part window.
    text: String,
    /// Where the parts go in `text`.
    parts_at: usize,
    /// The `EXT-X-PART` lines.
    parts: String,
}

impl SegmentLines {
    fn of(seg: &SegmentEntry) -> Self {
        let mut text = Out::with_capacity(128);
        write_head(&mut text, seg);
        let parts_at = text.len();
        write_tail(&mut text, seg);
        let mut parts = Out::with_capacity(64 * seg.parts.len());
        write_parts(&mut parts, seg);
        SegmentLines {
            text: text.finish(),
            parts_at,
            parts: parts.finish(),
        }
    }

    fn write(&self, out: &mut Out, with_parts: bool) {
        match (with_parts, self.text.split_at_checked(self.parts_at)) {
            (true, Some((head, tail))) => out.str(head).str(&self.parts).str(tail),
            _ => out.str(&self.text),
        };
    }
}

/// Renders `pl`, taking each closed segment's lines from `lines` (one entry per segment,
/// filled on first use) where it has an entry, and writing them afresh otherwise.
pub(crate) fn render_with<S: AsRef<[SegmentEntry]>>(
    pl: &MediaPlaylist<S>,
    opts: RenderOptions,
    lines: &[OnceLock<SegmentLines>],
) -> String {
    let segments = pl.segments.as_ref();
    let bounds = bounds(pl);
    let skipped = if opts.skip { bounds.skippable } else { 0 };
    let mut out = Out::with_capacity(4096);

    out.str("#EXTM3U").eol();
    out.str("#EXT-X-VERSION:").int(HLS_VERSION).eol();
    out.str("#EXT-X-TARGETDURATION:")
        .int(pl.target_duration)
        .eol();
    out.str("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,");
    // §4.4.3.8. CAN-SKIP-UNTIL is left out when unusable so clients never ask for deltas.
    if let Some(boundary) = skip_boundary(pl) {
        out.str("CAN-SKIP-UNTIL=").decimal(boundary).str(",");
    }
    out.str("HOLD-BACK=")
        .decimal(pl.hold_back)
        .str(",PART-HOLD-BACK=")
        .decimal(pl.part_hold_back)
        .eol();
    out.str("#EXT-X-PART-INF:PART-TARGET=")
        .decimal(pl.part_target)
        .eol();
    // §4.4.3.2: the MSN of the first segment of the full playlist, also in a delta update
    // (the client locates the skipped segments from it).
    let first_msn = segments.first().map_or(0, |s| s.msn);
    out.str("#EXT-X-MEDIA-SEQUENCE:").int(first_msn).eol();
    // Always written (0 is the default anyway): a fixed header layout, and a delta update
    // that skips a discontinuity stays correct since the value counts discontinuities
    // before the first segment of the full playlist (§4.4.3.3).
    out.str("#EXT-X-DISCONTINUITY-SEQUENCE:")
        .int(pl.discontinuity_sequence)
        .eol();
    // §4.4.2.1: the origin forces a key frame at every segment boundary, so each segment
    // decodes without its predecessor (audio frames are all sync samples).
    out.str("#EXT-X-INDEPENDENT-SEGMENTS").eol();
    if skipped > 0 {
        out.str("#EXT-X-SKIP:SKIPPED-SEGMENTS=")
            .int(skipped as u64)
            .eol();
    }

    let mut prev_map: Option<&str> = None;
    for (index, seg) in segments.iter().enumerate().skip(skipped) {
        if seg.discontinuity {
            out.str("#EXT-X-DISCONTINUITY").eol();
        }
        // The first rendered segment always gets its EXT-X-MAP, also after an EXT-X-SKIP:
        // a client parsing only this response must know the init segment (§4.4.4.5).
        if prev_map != Some(seg.map_uri.as_str()) {
            out.str("#EXT-X-MAP:URI=").quoted(&seg.map_uri).eol();
        }
        prev_map = Some(&seg.map_uri);
        // A gap segment has no media, hence no parts to address (§4.4.4.7).
        let with_parts = !seg.gap && (!seg.closed || index >= bounds.parts_from);
        match lines.get(index).filter(|_| seg.closed) {
            Some(lines) => lines
                .get_or_init(|| SegmentLines::of(seg))
                .write(&mut out, with_parts),
            None => {
                write_head(&mut out, seg);
                if with_parts {
                    write_parts(&mut out, seg);
                }
                write_tail(&mut out, seg);
            }
        }
    }

    // §4.4.5.3: the part being produced; pointless once the stream has ended.
    if let (Some(hint), false) = (&pl.preload_hint, pl.ended) {
        out.str("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=")
            .quoted(hint)
            .eol();
    }
    // §4.4.5.4.
    for report in &pl.rendition_reports {
        out.str("#EXT-X-RENDITION-REPORT:URI=")
            .quoted(&report.uri)
            .str(",LAST-MSN=")
            .int(report.last_msn);
        if let Some(part) = report.last_part {
            out.str(",LAST-PART=").int(part);
        }
        out.eol();
    }
    if pl.ended {
        out.str("#EXT-X-ENDLIST").eol();
    }
    out.finish()
}

/// A segment's lines before its parts.
fn write_head(out: &mut Out, seg: &SegmentEntry) {
    // On every segment rather than only after discontinuities: the coordinator knows
    // each segment's wall-clock start, and restating it keeps clients from
    // accumulating EXTINF rounding drift; it also makes every segment's block
    // self-contained, which keeps delta updates byte-identical to the full tail.
    out.str("#EXT-X-PROGRAM-DATE-TIME:")
        .date_time(seg.program_date_time_ms)
        .eol();
    if seg.gap && seg.closed {
        out.str("#EXT-X-GAP").eol();
    }
}

fn write_parts(out: &mut Out, seg: &SegmentEntry) {
    for part in &seg.parts {
        out.str("#EXT-X-PART:DURATION=")
            .decimal(part.duration)
            .str(",URI=")
            .quoted(&part.uri);
        if part.independent {
            out.str(",INDEPENDENT=YES");
        }
        out.eol();
    }
}

fn write_tail(out: &mut Out, seg: &SegmentEntry) {
    // An open segment has no URI yet: it is only reachable through its parts.
    if seg.closed {
        out.str("#EXTINF:").decimal(seg.duration).str(",").eol();
        out.uri(&seg.uri).eol();
    }
}
