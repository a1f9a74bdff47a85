//! Table-driven rendering tests. Every expectation was written by hand from RFC 8216bis
//! (and the renderer's documented choices), not captured from the renderer's output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{seg, T0};
use packager_core::playlist::{
    render_media, render_multivariant, skippable_segments, AudioEntry, MediaPlaylist,
    MultivariantPlaylist, PartEntry, RenderOptions, RenditionReport, SegmentEntry, VariantEntry,
};

fn open(mut s: SegmentEntry) -> SegmentEntry {
    s.closed = false;
    s
}

/// TARGETDURATION 1, PART-TARGET 0.5, minimum hold backs, CAN-SKIP-UNTIL 6.
fn live(segments: Vec<SegmentEntry>, hint: Option<&str>) -> MediaPlaylist {
    MediaPlaylist {
        target_duration: 1,
        part_target: 0.5,
        part_hold_back: 1.5,
        hold_back: 3.0,
        can_skip_until: 6.0,
        discontinuity_sequence: 0,
        segments,
        preload_hint: hint.map(String::from),
        rendition_reports: vec![],
        ended: false,
    }
}

fn report(uri: &str, last_msn: u64, last_part: Option<u32>) -> RenditionReport {
    RenditionReport {
        uri: uri.into(),
        last_msn,
        last_part,
    }
}

struct Case {
    name: &'static str,
    model: MediaPlaylist,
    opts: RenderOptions,
    expected: &'static str,
}

const FULL: RenderOptions = RenderOptions { skip: false };
const DELTA: RenderOptions = RenderOptions { skip: true };

/// Five closed 1 s segments (two 0.5 s parts each) and an open one with one part.
fn live_model() -> MediaPlaylist {
    let mut segments: Vec<_> = (100..=104).map(|m| seg(m, &[0.5, 0.5])).collect();
    segments.push(open(seg(105, &[0.5])));
    let mut pl = live(segments, Some("seg105.1.m4s"));
    pl.rendition_reports = vec![
        report("../720p/index.m3u8", 105, Some(0)),
        report("../audio/index.m3u8", 104, None),
    ];
    pl
}

const LIVE_EXPECTED: &str = r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,HOLD-BACK=3.0,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z
#EXTINF:1.0,
seg100.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:21.000Z
#EXTINF:1.0,
seg101.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.000Z
#EXTINF:1.0,
seg102.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:23.000Z
#EXT-X-PART:DURATION=0.5,URI="seg103.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg103.1.m4s"
#EXTINF:1.0,
seg103.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:24.000Z
#EXT-X-PART:DURATION=0.5,URI="seg104.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg104.1.m4s"
#EXTINF:1.0,
seg104.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:25.000Z
#EXT-X-PART:DURATION=0.5,URI="seg105.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg105.1.m4s"
#EXT-X-RENDITION-REPORT:URI="../720p/index.m3u8",LAST-MSN=105,LAST-PART=0
#EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8",LAST-MSN=104
"#;

fn cases() -> Vec<Case> {
    let third = 1.0 / 3.0;
    vec![
        Case {
            // Playlist ends 5.5 s after MSN 100 starts: only 103 (2.5 s from the end),
            // 104 and the open 105 are within 3 target durations and list parts.
            name: "live, open segment, preload hint, rendition reports",
            model: live_model(),
            opts: FULL,
            expected: LIVE_EXPECTED,
        },
        Case {
            // 5.5 s of media < CAN-SKIP-UNTIL 6: nothing to skip, the full playlist answers.
            name: "delta requested, nothing skippable",
            model: live_model(),
            opts: DELTA,
            expected: LIVE_EXPECTED,
        },
        Case {
            // The open segment has no part yet, so the playlist ends at the end of 104;
            // 102 starts exactly 3 target durations before that and still lists parts.
            name: "part window boundary, open segment without parts",
            model: live(
                {
                    let mut s: Vec<_> = (100..=104)
                        .map(|m| seg(m, &[third, third, third]))
                        .collect();
                    s.push(open(seg(105, &[])));
                    s
                },
                Some("seg105.0.m4s"),
            ),
            opts: FULL,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,HOLD-BACK=3.0,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z
#EXTINF:1.0,
seg100.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:21.000Z
#EXTINF:1.0,
seg101.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.000Z
#EXT-X-PART:DURATION=0.33333,URI="seg102.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.33333,URI="seg102.1.m4s"
#EXT-X-PART:DURATION=0.33333,URI="seg102.2.m4s"
#EXTINF:1.0,
seg102.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:23.000Z
#EXT-X-PART:DURATION=0.33333,URI="seg103.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.33333,URI="seg103.1.m4s"
#EXT-X-PART:DURATION=0.33333,URI="seg103.2.m4s"
#EXTINF:1.0,
seg103.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:24.000Z
#EXT-X-PART:DURATION=0.33333,URI="seg104.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.33333,URI="seg104.1.m4s"
#EXT-X-PART:DURATION=0.33333,URI="seg104.2.m4s"
#EXTINF:1.0,
seg104.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:25.000Z
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg105.0.m4s"
"#,
        },
        Case {
            // Two encoder restarts: new init segment, wall clock jumps. The open segment's
            // DISCONTINUITY/MAP/PDT precede its parts (they apply to its parts too).
            name: "discontinuities with map change and program date time jumps",
            model: {
                let mut s300 = seg(300, &[1.0, 1.0]);
                s300.program_date_time_ms = T0;
                let mut s301 = seg(301, &[1.0, 0.5]);
                s301.discontinuity = true;
                s301.map_uri = "init1.mp4".into();
                s301.program_date_time_ms = T0 + 62_250;
                let mut s302 = seg(302, &[1.0, 1.0]);
                s302.map_uri = "init1.mp4".into();
                s302.program_date_time_ms = T0 + 63_750;
                let mut s303 = open(seg(303, &[1.0]));
                s303.discontinuity = true;
                s303.map_uri = "init2.mp4".into();
                s303.program_date_time_ms = T0 + 400_000;
                MediaPlaylist {
                    target_duration: 2,
                    part_target: 1.0,
                    part_hold_back: 3.0,
                    hold_back: 6.0,
                    can_skip_until: 12.0,
                    discontinuity_sequence: 3,
                    segments: vec![s300, s301, s302, s303],
                    preload_hint: Some("seg303.1.m4s".into()),
                    rendition_reports: vec![],
                    ended: false,
                }
            },
            opts: FULL,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,HOLD-BACK=6.0,PART-HOLD-BACK=3.0
#EXT-X-PART-INF:PART-TARGET=1.0
#EXT-X-MEDIA-SEQUENCE:300
#EXT-X-DISCONTINUITY-SEQUENCE:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z
#EXTINF:2.0,
seg300.m4s
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="init1.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:14:22.250Z
#EXT-X-PART:DURATION=1.0,URI="seg301.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg301.1.m4s"
#EXTINF:1.5,
seg301.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:14:23.750Z
#EXT-X-PART:DURATION=1.0,URI="seg302.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=1.0,URI="seg302.1.m4s"
#EXTINF:2.0,
seg302.m4s
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="init2.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:20:00.000Z
#EXT-X-PART:DURATION=1.0,URI="seg303.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg303.1.m4s"
"#,
        },
        Case {
            // 101 is a gap: EXT-X-GAP, no parts even inside the window. 103 changes the
            // init segment without a discontinuity: only EXT-X-MAP is repeated.
            name: "gap segment and map change without discontinuity",
            model: {
                let mut s101 = seg(101, &[0.5, 0.5]);
                s101.gap = true;
                let mut s103 = seg(103, &[0.5, 0.5]);
                s103.map_uri = "init1.mp4".into();
                live(
                    vec![seg(100, &[0.5, 0.5]), s101, seg(102, &[0.5, 0.5]), s103],
                    Some("seg104.0.m4s"),
                )
            },
            opts: FULL,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,HOLD-BACK=3.0,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z
#EXTINF:1.0,
seg100.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:21.000Z
#EXT-X-GAP
#EXTINF:1.0,
seg101.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.000Z
#EXT-X-PART:DURATION=0.5,URI="seg102.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg102.1.m4s"
#EXTINF:1.0,
seg102.m4s
#EXT-X-MAP:URI="init1.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:23.000Z
#EXT-X-PART:DURATION=0.5,URI="seg103.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg103.1.m4s"
#EXTINF:1.0,
seg103.m4s
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg104.0.m4s"
"#,
        },
        Case {
            // Ended: no preload hint even if the model still carries one, EXT-X-ENDLIST last.
            name: "ended playlist",
            model: {
                let mut pl = live(
                    (100..=102).map(|m| seg(m, &[0.5, 0.5])).collect(),
                    Some("seg103.0.m4s"),
                );
                pl.ended = true;
                pl.rendition_reports = vec![report("../audio/index.m3u8", 102, Some(1))];
                pl
            },
            opts: FULL,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,HOLD-BACK=3.0,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z
#EXT-X-PART:DURATION=0.5,URI="seg100.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg100.1.m4s"
#EXTINF:1.0,
seg100.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:21.000Z
#EXT-X-PART:DURATION=0.5,URI="seg101.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg101.1.m4s"
#EXTINF:1.0,
seg101.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.000Z
#EXT-X-PART:DURATION=0.5,URI="seg102.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg102.1.m4s"
#EXTINF:1.0,
seg102.m4s
#EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8",LAST-MSN=102,LAST-PART=1
#EXT-X-ENDLIST
"#,
        },
        Case {
            // 10.5 s listed: 100..=104 start >= 6 s before the end and are skipped (the
            // skipped discontinuity at 102 stays counted by DISCONTINUITY-SEQUENCE, which
            // is unchanged). 105 repeats the EXT-X-MAP in effect (init1, from 102).
            name: "delta update skipping five segments",
            model: delta_model(),
            opts: DELTA,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,HOLD-BACK=3.0,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-DISCONTINUITY-SEQUENCE:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-SKIP:SKIPPED-SEGMENTS=5
#EXT-X-MAP:URI="init1.mp4"
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:25.000Z
#EXTINF:1.0,
seg105.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:26.000Z
#EXTINF:1.0,
seg106.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:27.000Z
#EXTINF:1.0,
seg107.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:28.000Z
#EXT-X-PART:DURATION=0.5,URI="seg108.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg108.1.m4s"
#EXTINF:1.0,
seg108.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:29.000Z
#EXT-X-PART:DURATION=0.5,URI="seg109.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.5,URI="seg109.1.m4s"
#EXTINF:1.0,
seg109.m4s
#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:30.000Z
#EXT-X-PART:DURATION=0.5,URI="seg110.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg110.1.m4s"
"#,
        },
        Case {
            // Garbage numbers render as 0.0, an unusable CAN-SKIP-UNTIL is left out (so no
            // delta either), and characters that would break a line are percent-encoded.
            name: "odd model renders without panicking",
            model: MediaPlaylist {
                target_duration: 1,
                part_target: f64::NAN,
                part_hold_back: -1.0,
                hold_back: f64::INFINITY,
                can_skip_until: f64::NAN,
                discontinuity_sequence: 0,
                segments: vec![SegmentEntry {
                    msn: 5,
                    duration: f64::NAN,
                    uri: "a\nb.m4s".into(),
                    parts: vec![PartEntry {
                        duration: -0.5,
                        uri: "p\"0".into(),
                        independent: false,
                    }],
                    closed: true,
                    discontinuity: false,
                    map_uri: "i.mp4".into(),
                    program_date_time_ms: 0,
                    gap: false,
                }],
                preload_hint: None,
                rendition_reports: vec![],
                ended: false,
            },
            opts: DELTA,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=0.0,PART-HOLD-BACK=0.0
#EXT-X-PART-INF:PART-TARGET=0.0
#EXT-X-MEDIA-SEQUENCE:5
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="i.mp4"
#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:00.000Z
#EXT-X-PART:DURATION=0.0,URI="p%220"
#EXTINF:0.0,
a%0Ab.m4s
"#,
        },
        Case {
            name: "no segments at all",
            model: live(vec![], None),
            opts: DELTA,
            expected: r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,HOLD-BACK=3.0,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
"#,
        },
    ]
}

/// 100..=109 closed, 110 open; a discontinuity with a new init segment at 102.
fn delta_model() -> MediaPlaylist {
    let mut segments: Vec<_> = (100..=109).map(|m| seg(m, &[0.5, 0.5])).collect();
    for s in &mut segments[2..] {
        s.map_uri = "init1.mp4".into();
    }
    segments[2].discontinuity = true;
    let mut last = open(seg(110, &[0.5]));
    last.map_uri = "init1.mp4".into();
    segments.push(last);
    let mut pl = live(segments, Some("seg110.1.m4s"));
    pl.discontinuity_sequence = 7;
    pl
}

#[test]
fn media_playlists_render_as_specified() {
    let mut failures = Vec::new();
    for case in cases() {
        let got = render_media(&case.model, case.opts);
        if got != case.expected {
            failures.push(format!(
                "--- {}\n--- expected\n{}--- got\n{}",
                case.name, case.expected, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skippable_segments_counts_segments_past_the_skip_boundary() {
    assert_eq!(skippable_segments(&delta_model()), 5);
    assert_eq!(skippable_segments(&live_model()), 0);
    // The full rendering of the delta model keeps everything, discontinuity included.
    let full = render_media(&delta_model(), FULL);
    assert!(!full.contains("EXT-X-SKIP"));
    assert_eq!(full.matches("#EXTINF:").count(), 10);
    assert_eq!(full.matches("#EXT-X-DISCONTINUITY\n").count(), 1);
    // Never the last segment, even when its own duration reaches the boundary.
    let mut pl = live(vec![seg(100, &[0.5, 0.5]), seg(101, &[0.5, 0.5])], None);
    pl.can_skip_until = 0.5;
    assert_eq!(skippable_segments(&pl), 1);
}

#[test]
fn multivariant_with_audio_group() {
    let pl = MultivariantPlaylist {
        variants: vec![
            VariantEntry {
                uri: "720p/index.m3u8".into(),
                bandwidth: 3_000_000,
                average_bandwidth: 2_500_000,
                codecs: "avc1.64001f,mp4a.40.2".into(),
                width: 1280,
                height: 720,
                frame_rate: 29.97,
                audio_group: Some("aac".into()),
            },
            VariantEntry {
                uri: "360p/index.m3u8".into(),
                bandwidth: 800_000,
                average_bandwidth: 0,
                codecs: "avc1.4d401e,mp4a.40.2".into(),
                width: 640,
                height: 360,
                frame_rate: 30.0,
                audio_group: Some("aac".into()),
            },
        ],
        audio: vec![
            AudioEntry {
                group_id: "aac".into(),
                name: "English".into(),
                uri: "audio/index.m3u8".into(),
                channels: 2,
                default: true,
            },
            AudioEntry {
                group_id: "aac".into(),
                name: "Commentary".into(),
                uri: "commentary/index.m3u8".into(),
                channels: 1,
                default: false,
            },
        ],
    };
    let expected = r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Commentary",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="1",URI="commentary/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970,AUDIO="aac"
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=30.000,AUDIO="aac"
360p/index.m3u8
"#;
    assert_eq!(render_multivariant(&pl), expected);
}

#[test]
fn multivariant_audio_only_variant_omits_video_attributes() {
    let pl = MultivariantPlaylist {
        variants: vec![VariantEntry {
            uri: "audio_only.m3u8".into(),
            bandwidth: 128_000,
            average_bandwidth: 128_000,
            codecs: "mp4a.40.2".into(),
            width: 0,
            height: 0,
            frame_rate: 0.0,
            audio_group: None,
        }],
        audio: vec![],
    };
    let expected = r#"#EXTM3U
#EXT-X-VERSION:9
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=128000,AVERAGE-BANDWIDTH=128000,CODECS="mp4a.40.2"
audio_only.m3u8
"#;
    assert_eq!(render_multivariant(&pl), expected);
}
