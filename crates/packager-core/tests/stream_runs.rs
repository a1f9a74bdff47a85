//! The stream coordinator over real FFmpeg fixtures (3 s of 30 fps video, 3 s of AAC):
//! sequence numbers shared by renditions, runs and discontinuities, gap padding when a
//! run ends with renditions at different points, the playlist window.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::fixture;

use packager_core::mp4::TrackKind;
use packager_core::playlist::{render_media, validate, RenderOptions};
use packager_core::segmenter::SegmenterConfig;
use packager_core::stream::{RenditionConfig, StreamConfig, StreamEvent, StreamPackager};

fn packager(window: usize) -> StreamPackager {
    let rendition = |name: &str, kind| RenditionConfig {
        name: name.into(),
        kind,
        bitrate: 100_000,
        frame_rate: Some(30.0),
    };
    StreamPackager::new(StreamConfig {
        segmenter: SegmenterConfig::default(),
        window_segments: window,
        first_msn: 1000,
        renditions: vec![
            rendition("video", TrackKind::Video),
            rendition("audio", TrackKind::Audio),
        ],
    })
    .unwrap()
}

fn parts(events: &[StreamEvent]) -> Vec<(usize, u64, u32)> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Part(p) => Some((p.rendition, p.msn, p.part)),
            _ => None,
        })
        .collect()
}

#[test]
fn renditions_share_sequence_numbers_and_runs_add_discontinuities() {
    let (video, audio) = (fixture("video.mp4"), fixture("audio.mp4"));
    let mut p = packager(30);
    p.begin_run(1_700_000_000_000).unwrap();
    let mut events = p.push(0, &video).unwrap();
    events.extend(p.push(1, &audio).unwrap());
    events.extend(p.end_run());
    let run1 = parts(&events);
    // 3 s of media: segments 1000..=1002 in both renditions, video 5 parts each.
    assert_eq!(
        run1.iter()
            .filter(|(r, _, i)| *r == 0 && *i == 0)
            .map(|(_, m, _)| *m)
            .collect::<Vec<_>>(),
        [1000, 1001, 1002]
    );
    assert_eq!(run1.iter().filter(|(r, _, _)| *r == 0).count(), 15);
    assert!(run1.iter().any(|(r, m, _)| *r == 1 && *m == 1002));

    // The audio fixture's last frame starts at 3.008 s, past the 3 s boundary: audio has a
    // segment 1003, so video is padded with a gap there and both go on at 1004.
    assert!(run1.iter().any(|(r, m, _)| *r == 1 && *m == 1003));
    let video_model = p.media_model(0).unwrap();
    assert!(video_model.segments.iter().any(|s| s.msn == 1003 && s.gap));

    // A second run: a new init, the next sequence number, a discontinuity.
    p.begin_run(1_700_000_010_000).unwrap();
    let events = p.push(0, &video).unwrap();
    let init = events.iter().find_map(|e| match e {
        StreamEvent::Init { uri, .. } => Some(uri.clone()),
        _ => None,
    });
    assert_eq!(init.as_deref(), Some("init-1004.mp4"));
    let first = events.iter().find_map(|e| match e {
        StreamEvent::Part(p) => Some(p.clone()),
        _ => None,
    });
    let first = first.unwrap();
    assert_eq!(
        (first.msn, first.part, first.discontinuity),
        (1004, 0, true)
    );
    assert_eq!(first.program_date_time_ms, 1_700_000_010_000);

    let model = p.media_model(0).unwrap();
    validate(&model).unwrap();
    let text = p.media_playlist(0, RenderOptions::default()).unwrap();
    assert!(text.contains("#EXT-X-DISCONTINUITY\n"), "{text}");
    assert!(text.contains("#EXT-X-MAP:URI=\"init-1000.mp4\""), "{text}");
    assert!(text.contains("#EXT-X-MAP:URI=\"init-1004.mp4\""), "{text}");
    assert!(
        text.contains("#EXT-X-RENDITION-REPORT:URI=\"../audio/index.m3u8\",LAST-MSN=1003"),
        "{text}"
    );
}

#[test]
fn a_run_cut_short_in_one_rendition_is_gap_padded() {
    let (video, audio) = (fixture("video.mp4"), fixture("audio.mp4"));
    let mut p = packager(30);
    p.begin_run(0).unwrap();
    p.push(0, &video).unwrap();
    // The audio pipe died after its first second or so: feed only part of it.
    p.push(1, &audio[..audio.len() / 3]).unwrap();
    let events = p.end_run();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Warning { rendition: 1, .. })),
        "truncated tail is reported"
    );
    let audio_model = p.media_model(1).unwrap();
    let gaps: Vec<u64> = audio_model
        .segments
        .iter()
        .filter(|s| s.gap)
        .map(|s| s.msn)
        .collect();
    assert!(!gaps.is_empty(), "audio behind video gets gap segments");
    assert_eq!(
        audio_model.segments.last().unwrap().msn,
        1002,
        "both renditions end at the same msn"
    );
    validate(&audio_model).unwrap();
    assert!(p
        .media_playlist(1, RenderOptions::default())
        .unwrap()
        .contains("#EXT-X-GAP"));

    p.begin_run(5_000).unwrap();
    let events = p.push(1, &audio).unwrap();
    assert_eq!(
        parts(&events).first(),
        Some(&(1, 1003, 0)),
        "audio was padded up to video"
    );
}

#[test]
fn the_window_slides_and_reports_evictions() {
    let video = fixture("video.mp4");
    let mut p = packager(3);
    let mut evicted = Vec::new();
    for run in 0..3 {
        p.begin_run(run * 10_000).unwrap();
        for e in p.push(0, &video).unwrap().into_iter().chain(p.end_run()) {
            if let StreamEvent::Evicted { rendition: 0, msn } = e {
                evicted.push(msn);
            }
        }
    }
    let model = p.media_model(0).unwrap();
    assert_eq!(model.segments.len(), 3);
    assert_eq!(model.segments[0].msn, 1006);
    assert_eq!(evicted, (1000..1006).collect::<Vec<_>>());
    // Discontinuities came before 1003 and 1006; the one before 1003 left with its segment.
    assert_eq!(model.discontinuity_sequence, 1);
    assert!(model.segments[0].discontinuity);
    p.end_stream();
    let text = p.media_playlist(0, RenderOptions::default()).unwrap();
    assert!(text.ends_with("#EXT-X-ENDLIST\n"), "{text}");
    assert!(!text.contains("PRELOAD-HINT"));
}

#[test]
fn media_before_a_run_and_bad_media_are_errors_not_panics() {
    let mut p = packager(30);
    assert!(p.push(0, &fixture("video.mp4")).is_err());
    p.begin_run(0).unwrap();
    assert!(p.push(7, b"x").is_err());
    let err = p
        .push(0, &[0, 0, 0, 3, b'm', b'o', b'o', b'f'])
        .unwrap_err();
    assert!(err.to_string().contains("moof"), "{err}");
    // Audio fed where video is configured.
    let mut q = packager(30);
    q.begin_run(0).unwrap();
    assert!(q
        .push(0, &fixture("audio.mp4"))
        .unwrap_err()
        .to_string()
        .contains("Audio"));
}

/// A live window renders each closed segment's lines once and copies them into every later
/// playlist; the text must stay exactly what its model renders to from scratch, through
/// parts arriving a few at a time (lines made while a segment is in the part window are
/// reused after it leaves), delta updates, runs with discontinuities, a run cut short
/// (gaps), evictions and the end of the stream.
#[test]
fn live_playlists_render_exactly_as_their_models() {
    let (video, audio) = (fixture("video.mp4"), fixture("audio.mp4"));
    for window in [3, 4, 30] {
        let mut p = packager(window);
        let (mut renders, mut deltas, mut gaps) = (0, 0, 0);
        let mut check = |p: &StreamPackager| {
            for rendition in 0..2 {
                for skip in [false, true] {
                    let options = RenderOptions { skip };
                    let text = p.media_playlist(rendition, options);
                    let expected = p.media_model(rendition).map(|m| render_media(&m, options));
                    assert_eq!(text, expected, "window {window}, rendition {rendition}");
                    let text = text.unwrap_or_default();
                    renders += 1;
                    deltas += usize::from(text.contains("#EXT-X-SKIP:"));
                    gaps += usize::from(text.contains("#EXT-X-GAP"));
                }
            }
        };
        for run in 0..6 {
            p.begin_run(1_700_000_000_000 + run * 2_900).unwrap();
            // The audio pipe of run 2 dies early: its end pads audio with gaps.
            let audio = if run == 2 {
                &audio[..audio.len() / 3]
            } else {
                &audio[..]
            };
            let (mut v, mut a) = (video.chunks(2_000), audio.chunks(1_500));
            loop {
                let (next_v, next_a) = (v.next(), a.next());
                if next_v.is_none() && next_a.is_none() {
                    break;
                }
                if let Some(chunk) = next_v {
                    p.push(0, chunk).unwrap();
                    check(&p);
                }
                if let Some(chunk) = next_a {
                    p.push(1, chunk).unwrap();
                    check(&p);
                }
            }
            if run < 5 {
                p.end_run();
            } else {
                p.end_stream();
            }
            check(&p);
        }
        assert!(
            renders > 500 && gaps > 0,
            "{renders} renders, {gaps} with gaps"
        );
        assert_eq!(deltas > 0, window == 30, "{deltas} delta updates");
    }
}
