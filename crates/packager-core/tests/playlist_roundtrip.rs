//! Property tests: random valid models are rendered, parsed back with a small independent
//! line parser, and checked against the model and the RFC 8216bis rules; delta updates
//! must end with exactly the full playlist's lines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use packager_core::playlist::{
    render_media, skippable_segments, validate, MediaPlaylist, PartEntry, RenderOptions,
    RenditionReport, SegmentEntry,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Model generator

#[derive(Debug, Clone)]
struct SegSeed {
    /// Part durations as fractions of PART-TARGET.
    parts: Vec<f64>,
    discontinuity: bool,
    gap: bool,
    drop_parts: bool,
    jump_ms: i64,
    first_independent: bool,
}

fn seg_seed() -> impl Strategy<Value = SegSeed> {
    (
        prop::collection::vec(0.5f64..=1.0, 1..=20),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.2),
        0i64..100_000,
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(parts, discontinuity, gap, drop_parts, jump_ms, first_independent)| SegSeed {
                parts,
                discontinuity,
                gap,
                drop_parts,
                jump_ms,
                first_independent,
            },
        )
}

/// Models that satisfy `validate`: consecutive MSNs, segments no longer than the target,
/// parts no longer than the part target, minimum hold backs and skip boundary.
fn valid_model() -> impl Strategy<Value = MediaPlaylist> {
    (
        1u32..=4,
        prop::sample::select(vec![0.2, 0.25, 1.0 / 3.0, 0.5, 1.0]),
        0u64..1_000_000,
        prop::collection::vec(seg_seed(), 0..30),
        0usize..=4,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u64..10,
        prop::collection::vec((0u64..2_000, prop::option::of(0u32..10)), 0..3),
        1.0f64..2.0,
        1_577_836_800_000i64..1_893_456_000_000,
    )
        .prop_map(
            |(
                td,
                pt,
                first_msn,
                seeds,
                open_parts,
                open,
                ended,
                hint,
                dseq,
                reports,
                skip_factor,
                t0,
            )| {
                let max_parts = (f64::from(td) / pt + 1e-9).floor() as usize;
                let count = seeds.len();
                let mut pdt = t0;
                let mut map = 0;
                let mut segments = Vec::new();
                for (i, seed) in seeds.into_iter().enumerate() {
                    let msn = first_msn + i as u64;
                    let is_open = open && !ended && i + 1 == count;
                    let keep = if is_open {
                        open_parts.min(seed.parts.len()).min(max_parts)
                    } else {
                        seed.parts.len().min(max_parts)
                    };
                    let mut parts: Vec<PartEntry> = seed.parts[..keep]
                        .iter()
                        .enumerate()
                        .map(|(k, f)| PartEntry {
                            duration: f * pt,
                            uri: format!("s{msn}.{k}.m4s"),
                            independent: k == 0 && seed.first_independent,
                        })
                        .collect();
                    let duration: f64 = parts.iter().map(|p| p.duration).sum();
                    if seed.drop_parts && !is_open {
                        parts.clear();
                    }
                    if seed.discontinuity {
                        map += 1;
                        pdt += seed.jump_ms;
                    }
                    segments.push(SegmentEntry {
                        msn,
                        duration,
                        uri: format!("s{msn}.m4s"),
                        parts,
                        closed: !is_open,
                        discontinuity: seed.discontinuity,
                        map_uri: format!("init{map}.mp4"),
                        program_date_time_ms: pdt,
                        gap: seed.gap,
                    });
                    pdt += (duration * 1000.0).round() as i64;
                }
                MediaPlaylist {
                    target_duration: td,
                    part_target: pt,
                    part_hold_back: 3.0 * pt,
                    hold_back: 3.0 * f64::from(td),
                    can_skip_until: 6.0 * f64::from(td) * skip_factor,
                    discontinuity_sequence: dseq,
                    segments,
                    preload_hint: hint.then(|| format!("s{}.next.m4s", first_msn + count as u64)),
                    rendition_reports: reports
                        .into_iter()
                        .enumerate()
                        .map(|(i, (last_msn, last_part))| RenditionReport {
                            uri: format!("../r{i}/index.m3u8"),
                            last_msn,
                            last_part,
                        })
                        .collect(),
                    ended,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------
// Line parser (deliberately separate from the library)

#[derive(Debug, Default, Clone)]
struct ParsedPart {
    duration: f64,
    uri: String,
    independent: bool,
}

#[derive(Debug, Default, Clone)]
struct ParsedSegment {
    discontinuity: bool,
    map: Option<String>,
    pdt: Option<i64>,
    gap: bool,
    parts: Vec<ParsedPart>,
    duration: Option<f64>,
    /// `None` for the trailing open segment (tags and parts only).
    uri: Option<String>,
    touched: bool,
}

#[derive(Debug, Default)]
struct Parsed {
    version: Option<u32>,
    target: Option<u32>,
    server_control: Vec<(String, String)>,
    part_target: Option<f64>,
    media_sequence: Option<u64>,
    discontinuity_sequence: Option<u64>,
    independent_segments: bool,
    skipped: usize,
    segments: Vec<ParsedSegment>,
    hint: Option<String>,
    reports: Vec<(String, u64, Option<u32>)>,
    endlist: bool,
}

/// Splits an attribute list on commas outside quoted strings; strips the quotes.
fn attributes(list: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = list;
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or(format!("no '=' in {rest:?}"))?;
        let name = &rest[..eq];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_uppercase() || c == '-') {
            return Err(format!("bad attribute name {name:?}"));
        }
        let after = &rest[eq + 1..];
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"').ok_or("unterminated quoted string")?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.push((name.to_string(), value.to_string()));
        rest = match tail.strip_prefix(',') {
            Some(t) if !t.is_empty() => t,
            Some(_) => return Err("trailing comma".into()),
            None if tail.is_empty() => "",
            None => return Err(format!("junk after value: {tail:?}")),
        };
    }
    Ok(out)
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn decimal(s: &str) -> Result<f64, String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!("not a decimal-floating-point: {s:?}"));
    }
    s.parse().map_err(|e| format!("{s:?}: {e}"))
}

/// ms since the epoch of `YYYY-MM-DDTHH:MM:SS.mmmZ`, by counting days (years >= 1970).
fn iso_ms(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    if b.len() != 24 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[23] != b'Z' {
        return Err(format!("bad date-time {s:?}"));
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        s[r].parse::<i64>().map_err(|e| format!("{s:?}: {e}"))
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, m, sec, ms) = (num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?);
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = 0;
    for y in 1970..year {
        days += if leap(y) { 366 } else { 365 };
    }
    let month_len = [
        31,
        if leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += month_len[..(month - 1) as usize].iter().sum::<i64>() + day - 1;
    Ok((((days * 24 + h) * 60 + m) * 60 + sec) * 1000 + ms)
}

fn parse(text: &str) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    let mut lines = text.lines();
    if lines.next() != Some("#EXTM3U") {
        return Err("first line is not #EXTM3U".into());
    }
    if !text.ends_with('\n') {
        return Err("missing final newline".into());
    }
    let mut cur = ParsedSegment::default();
    for line in lines {
        if p.endlist {
            return Err(format!("{line:?} after EXT-X-ENDLIST"));
        }
        if line.is_empty() {
            return Err("empty line".into());
        }
        if !line.starts_with('#') {
            if cur.duration.is_none() {
                return Err(format!("URI {line:?} without EXTINF"));
            }
            cur.uri = Some(line.to_string());
            p.segments.push(std::mem::take(&mut cur));
            continue;
        }
        let (tag, value) = line.split_once(':').unwrap_or((line, ""));
        let segment_tag = matches!(
            tag,
            "#EXT-X-DISCONTINUITY"
                | "#EXT-X-MAP"
                | "#EXT-X-PROGRAM-DATE-TIME"
                | "#EXT-X-GAP"
                | "#EXT-X-PART"
                | "#EXTINF"
        );
        if segment_tag && (p.hint.is_some() || !p.reports.is_empty()) {
            return Err(format!("{tag} after the segment list"));
        }
        if segment_tag {
            cur.touched = true;
        }
        match tag {
            "#EXT-X-VERSION" => p.version = Some(value.parse().map_err(|_| "version")?),
            "#EXT-X-TARGETDURATION" => p.target = Some(value.parse().map_err(|_| "target")?),
            "#EXT-X-SERVER-CONTROL" => p.server_control = attributes(value)?,
            "#EXT-X-PART-INF" => {
                p.part_target = Some(decimal(
                    attr(&attributes(value)?, "PART-TARGET").ok_or("PART-TARGET")?,
                )?)
            }
            "#EXT-X-MEDIA-SEQUENCE" => p.media_sequence = Some(value.parse().map_err(|_| "msn")?),
            "#EXT-X-DISCONTINUITY-SEQUENCE" => {
                p.discontinuity_sequence = Some(value.parse().map_err(|_| "dseq")?)
            }
            "#EXT-X-INDEPENDENT-SEGMENTS" => p.independent_segments = true,
            "#EXT-X-SKIP" => {
                if !p.segments.is_empty() || cur.touched {
                    return Err("EXT-X-SKIP after a segment".into());
                }
                let a = attributes(value)?;
                p.skipped = attr(&a, "SKIPPED-SEGMENTS")
                    .ok_or("SKIPPED-SEGMENTS")?
                    .parse()
                    .map_err(|_| "skipped")?;
            }
            "#EXT-X-DISCONTINUITY" => cur.discontinuity = true,
            "#EXT-X-MAP" => {
                cur.map = Some(attr(&attributes(value)?, "URI").ok_or("MAP URI")?.into())
            }
            "#EXT-X-PROGRAM-DATE-TIME" => cur.pdt = Some(iso_ms(value)?),
            "#EXT-X-GAP" => cur.gap = true,
            "#EXT-X-PART" => {
                let a = attributes(value)?;
                cur.parts.push(ParsedPart {
                    duration: decimal(attr(&a, "DURATION").ok_or("DURATION")?)?,
                    uri: attr(&a, "URI").ok_or("PART URI")?.into(),
                    independent: match attr(&a, "INDEPENDENT") {
                        None => false,
                        Some("YES") => true,
                        Some(v) => return Err(format!("INDEPENDENT={v}")),
                    },
                });
            }
            "#EXTINF" => {
                let d = value.strip_suffix(',').ok_or("EXTINF without comma")?;
                cur.duration = Some(decimal(d)?);
            }
            "#EXT-X-PRELOAD-HINT" => {
                let a = attributes(value)?;
                if attr(&a, "TYPE") != Some("PART") {
                    return Err("hint TYPE".into());
                }
                p.hint = Some(attr(&a, "URI").ok_or("hint URI")?.into());
            }
            "#EXT-X-RENDITION-REPORT" => {
                let a = attributes(value)?;
                p.reports.push((
                    attr(&a, "URI").ok_or("report URI")?.into(),
                    attr(&a, "LAST-MSN")
                        .ok_or("LAST-MSN")?
                        .parse()
                        .map_err(|_| "LAST-MSN")?,
                    attr(&a, "LAST-PART")
                        .map(|v| v.parse().map_err(|_| "LAST-PART"))
                        .transpose()?,
                ));
            }
            "#EXT-X-ENDLIST" => p.endlist = true,
            other => return Err(format!("unexpected tag {other}")),
        }
    }
    if cur.duration.is_some() {
        return Err("EXTINF without URI".into());
    }
    if cur.touched {
        p.segments.push(cur);
    }
    Ok(p)
}

// ---------------------------------------------------------------------------------------
// Checks

/// Seconds from each segment's start to the end of the listed media.
fn time_to_end(pl: &MediaPlaylist) -> Vec<f64> {
    let total: f64 = pl.segments.iter().map(|s| s.duration).sum();
    let mut start = 0.0;
    pl.segments
        .iter()
        .map(|s| {
            let to_end = total - start;
            start += s.duration;
            to_end
        })
        .collect()
}

const TOL: f64 = 1e-5;

fn check(pl: &MediaPlaylist, opts: RenderOptions, text: &str) -> Result<(), TestCaseError> {
    let p = parse(text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    let td = f64::from(pl.target_duration);
    prop_assert!(p.version.unwrap() >= 9 || p.skipped == 0);
    prop_assert_eq!(p.target, Some(pl.target_duration));
    prop_assert!((p.part_target.unwrap() - pl.part_target).abs() < TOL);
    prop_assert_eq!(attr(&p.server_control, "CAN-BLOCK-RELOAD"), Some("YES"));
    for (name, value) in [
        ("CAN-SKIP-UNTIL", pl.can_skip_until),
        ("HOLD-BACK", pl.hold_back),
        ("PART-HOLD-BACK", pl.part_hold_back),
    ] {
        let got = decimal(attr(&p.server_control, name).unwrap()).unwrap();
        prop_assert!((got - value).abs() < TOL, "{name}");
    }
    prop_assert_eq!(
        p.media_sequence,
        Some(pl.segments.first().map_or(0, |s| s.msn))
    );
    prop_assert_eq!(p.discontinuity_sequence, Some(pl.discontinuity_sequence));
    prop_assert!(p.independent_segments);

    // §6.2.5.1: exactly the oldest segments starting >= CAN-SKIP-UNTIL before the end,
    // never the last one.
    let to_end = time_to_end(pl);
    let expected_skip = if opts.skip {
        to_end
            .iter()
            .take(pl.segments.len().saturating_sub(1))
            .take_while(|&&t| t >= pl.can_skip_until - 1e-6)
            .count()
    } else {
        0
    };
    prop_assert_eq!(p.skipped, expected_skip);
    if opts.skip {
        prop_assert_eq!(skippable_segments(pl), expected_skip);
    }

    let rendered = &pl.segments[p.skipped..];
    prop_assert_eq!(p.segments.len(), rendered.len());
    let mut map: Option<String> = None;
    for (i, (got, want)) in p.segments.iter().zip(rendered).enumerate() {
        let to_end = to_end[p.skipped + i];
        prop_assert_eq!(got.uri.as_deref(), want.closed.then_some(want.uri.as_str()));
        if let Some(d) = got.duration {
            prop_assert!((d - want.duration).abs() < TOL);
            prop_assert!(d.round() <= td, "EXTINF {} > target {}", d, td);
        }
        prop_assert_eq!(got.discontinuity, want.discontinuity);
        prop_assert_eq!(got.gap, want.gap && want.closed);
        prop_assert_eq!(got.pdt, Some(want.program_date_time_ms));
        if i == 0 {
            prop_assert!(got.map.is_some(), "first listed segment lacks EXT-X-MAP");
        }
        if got.map.is_some() {
            map.clone_from(&got.map);
        }
        prop_assert_eq!(map.as_deref(), Some(want.map_uri.as_str()));
        // §4.4.4.9: parts only within 3 target durations of the end (the open segment's
        // always), never for gaps.
        let listed = !want.gap && (!want.closed || to_end <= 3.0 * td + 1e-6);
        if listed {
            prop_assert_eq!(got.parts.len(), want.parts.len());
            for (g, w) in got.parts.iter().zip(&want.parts) {
                prop_assert!((g.duration - w.duration).abs() < TOL);
                prop_assert!(g.duration <= pl.part_target + TOL);
                prop_assert_eq!(&g.uri, &w.uri);
                prop_assert_eq!(g.independent, w.independent);
            }
        } else {
            prop_assert!(got.parts.is_empty());
        }
    }

    prop_assert_eq!(
        p.hint.as_deref(),
        if pl.ended {
            None
        } else {
            pl.preload_hint.as_deref()
        }
    );
    let reports: Vec<_> = pl
        .rendition_reports
        .iter()
        .map(|r| (r.uri.clone(), r.last_msn, r.last_part))
        .collect();
    prop_assert_eq!(&p.reports, &reports);
    prop_assert_eq!(p.endlist, pl.ended);
    Ok(())
}

/// The delta update's lines after `EXT-X-SKIP` are the full playlist's last lines, except
/// that the first rendered segment may repeat the EXT-X-MAP in effect.
fn check_delta_tail(pl: &MediaPlaylist) -> Result<(), TestCaseError> {
    let full = render_media(pl, RenderOptions { skip: false });
    let delta = render_media(pl, RenderOptions { skip: true });
    let n = skippable_segments(pl);
    if n == 0 {
        prop_assert_eq!(delta, full);
        return Ok(());
    }
    let f: Vec<&str> = full.lines().collect();
    let d: Vec<&str> = delta.lines().collect();
    const HEADER: usize = 8;
    prop_assert_eq!(&d[..HEADER], &f[..HEADER]);
    prop_assert_eq!(d[HEADER], format!("#EXT-X-SKIP:SKIPPED-SEGMENTS={n}"));
    let mut tail: Vec<&str> = d[HEADER + 1..].to_vec();
    if !f.ends_with(&tail) {
        // Drop the repeated MAP: it sits in the first segment's leading tags.
        let map_at = tail
            .iter()
            .take_while(|l| !l.starts_with("#EXT-X-PART:") && !l.starts_with("#EXTINF:"))
            .position(|l| l.starts_with("#EXT-X-MAP:"));
        prop_assert!(map_at.is_some(), "delta tail differs:\n{delta}\nvs\n{full}");
        let repeated = tail.remove(map_at.unwrap());
        prop_assert!(
            f.ends_with(&tail),
            "delta tail differs:\n{delta}\nvs\n{full}"
        );
        // And it repeats the map in effect, i.e. the last one before the tail.
        let prefix = &f[..f.len() - tail.len()];
        let in_effect = prefix.iter().rev().find(|l| l.starts_with("#EXT-X-MAP:"));
        prop_assert_eq!(in_effect, Some(&repeated));
    }
    // What the tail replaces is exactly the n skipped segments.
    let prefix = &f[HEADER..f.len() - tail.len()];
    prop_assert_eq!(
        prefix.iter().filter(|l| l.starts_with("#EXTINF:")).count(),
        n
    );
    prop_assert!(prefix.last().is_some_and(|l| !l.starts_with('#')));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_models_are_valid(pl in valid_model()) {
        prop_assert_eq!(validate(&pl), Ok(()));
    }

    #[test]
    fn full_playlists_parse_back_to_the_model(pl in valid_model()) {
        let opts = RenderOptions { skip: false };
        check(&pl, opts, &render_media(&pl, opts))?;
    }

    #[test]
    fn delta_updates_parse_back_to_the_model(pl in valid_model()) {
        let opts = RenderOptions { skip: true };
        check(&pl, opts, &render_media(&pl, opts))?;
    }

    #[test]
    fn delta_update_lines_are_the_full_playlist_tail(pl in valid_model()) {
        check_delta_tail(&pl)?;
    }
}

#[test]
fn parser_rejects_broken_playlists() {
    for bad in [
        "#EXT-X-VERSION:9\n",
        "#EXTM3U\n#EXTINF:1.0,\n",
        "#EXTM3U\nseg.m4s\n",
        "#EXTM3U\n#EXT-X-PART:DURATION=0.5,URI=\"a\n",
        "#EXTM3U\n#EXT-X-ENDLIST\n#EXTINF:1.0,\na\n",
        "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2020-01-01 00:00:00Z\n",
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(iso_ms("1970-01-01T00:00:00.000Z"), Ok(0));
    assert_eq!(iso_ms("2024-02-29T23:59:59.999Z"), Ok(1_709_251_199_999));
}
