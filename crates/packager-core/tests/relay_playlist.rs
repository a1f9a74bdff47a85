//! An edge's playlist rebuilt from the origin's part announcements renders the same text
//! as the origin's own, and copes with redelivery, late joins, gaps and lost parts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::fixture;
use packager_core::mp4::TrackKind;
use packager_core::playlist::RenderOptions;
use packager_core::relay::{Added, PartAnnouncement, RelayConfig, RelayError, RelayedPlaylist};
use packager_core::segmenter::SegmenterConfig;
use packager_core::stream::{
    PartEvent, RenditionConfig, StreamConfig, StreamEvent, StreamPackager,
};

const CONFIG: RelayConfig = RelayConfig {
    part_target: 0.2,
    segment_target: 1.0,
    window_segments: 30,
};

fn announcement(p: &PartEvent) -> PartAnnouncement {
    PartAnnouncement {
        msn: p.msn,
        part: p.part,
        duration: p.duration,
        independent: p.independent,
        map_uri: p.map_uri.clone(),
        program_date_time_ms: p.program_date_time_ms,
        discontinuity: p.discontinuity,
        segment_end: p.segment_end,
    }
}

fn origin_parts(runs: usize) -> (StreamPackager, Vec<PartEvent>) {
    let mut origin = StreamPackager::new(StreamConfig {
        segmenter: SegmenterConfig::default(),
        window_segments: 30,
        first_msn: 500,
        renditions: vec![RenditionConfig {
            name: "v".into(),
            kind: TrackKind::Video,
            bitrate: 1,
            frame_rate: None,
        }],
    })
    .unwrap();
    let mut parts = Vec::new();
    for run in 0..runs {
        origin.begin_run(1_000_000 * run as i64).unwrap();
        let events = origin.push(0, &fixture("video.mp4")).unwrap();
        parts.extend(events.into_iter().filter_map(|e| match e {
            StreamEvent::Part(p) => Some(p),
            _ => None,
        }));
        if run + 1 < runs {
            origin.end_run();
        }
    }
    (origin, parts)
}

#[test]
fn renders_what_the_origin_renders() {
    let (origin, parts) = origin_parts(2);
    let mut edge = RelayedPlaylist::new(CONFIG);
    for (i, p) in parts.iter().enumerate() {
        assert_eq!(edge.add_part(&announcement(p)).unwrap(), Added::Listed);
        // Redelivery of anything already listed is ignored.
        assert_eq!(
            edge.add_part(&announcement(&parts[i / 2])).unwrap(),
            Added::Stale
        );
    }
    for skip in [false, true] {
        let options = RenderOptions { skip };
        assert_eq!(
            edge.render(options, vec![]),
            origin.media_playlist(0, options)
        );
    }
    assert_eq!(edge.last_part(), origin.last_part(0));
}

#[test]
fn a_late_join_waits_for_a_segment_start() {
    let (_, parts) = origin_parts(1);
    let mut edge = RelayedPlaylist::new(CONFIG);
    assert_eq!(
        edge.add_part(&announcement(&parts[2])).unwrap(),
        Added::WaitingForSegmentStart
    );
    assert!(edge.render(RenderOptions::default(), vec![]).is_none());
    let start = parts
        .iter()
        .position(|p| p.part == 0 && p.msn == 501)
        .unwrap();
    for p in &parts[start..] {
        edge.add_part(&announcement(p)).unwrap();
    }
    let text = edge.render(RenderOptions::default(), vec![]).unwrap();
    assert!(text.contains("#EXT-X-MEDIA-SEQUENCE:501"), "{text}");
}

#[test]
fn lost_parts_are_an_error_and_jumps_to_a_new_segment_become_gaps() {
    let (_, parts) = origin_parts(1);
    let mut edge = RelayedPlaylist::new(CONFIG);
    edge.add_part(&announcement(&parts[0])).unwrap();
    let err = edge.add_part(&announcement(&parts[2])).unwrap_err();
    assert!(matches!(
        err,
        RelayError::OutOfOrder {
            expected_part: 1,
            ..
        }
    ));

    // The segment 501 never reached this rendition: 502 follows 500 with a gap between.
    let mut jump = announcement(&parts[10]);
    assert_eq!((jump.msn, jump.part), (502, 0));
    jump.discontinuity = true;
    assert_eq!(edge.add_part(&jump).unwrap(), Added::Listed);
    let text = edge.render(RenderOptions::default(), vec![]).unwrap();
    assert!(text.contains("#EXT-X-GAP\n#EXTINF:1.0,\n501.m4s"), "{text}");
    assert!(edge.segment_complete(501));
    assert!(!edge.segment_complete(502));

    edge.end();
    assert!(edge
        .render(RenderOptions::default(), vec![])
        .unwrap()
        .ends_with("#EXT-X-ENDLIST\n"));
    assert_eq!(
        edge.add_part(&announcement(&parts[11])),
        Err(RelayError::Ended)
    );
}
