//! `validate`: one broken invariant per case, and the error it must report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::seg;
use packager_core::playlist::{validate, MediaPlaylist, PlaylistError};

/// 1 s target, 0.2 s parts, exactly the minimum hold backs and skip boundary (3 x 0.2 is
/// 0.6000000000000001 in floating point: the check must tolerate that).
fn good() -> MediaPlaylist {
    let mut last = seg(12, &[0.2, 0.2]);
    last.closed = false;
    MediaPlaylist {
        target_duration: 1,
        part_target: 0.2,
        part_hold_back: 0.6,
        hold_back: 3.0,
        can_skip_until: 6.0,
        discontinuity_sequence: 0,
        segments: vec![
            seg(10, &[0.2; 5]),
            seg(11, &[0.2, 0.2, 0.2, 0.2, 0.2]),
            last,
        ],
        preload_hint: Some("seg12.2.m4s".into()),
        rendition_reports: vec![],
        ended: false,
    }
}

#[test]
fn valid_models_pass() {
    assert_eq!(validate(&good()), Ok(()));
    let mut empty = good();
    empty.segments.clear();
    assert_eq!(validate(&empty), Ok(()));
    // 1.4 s rounds to 1: allowed with a 1 s target (§4.4.3.1 compares rounded values).
    let mut long = good();
    long.segments[1].duration = 1.4;
    assert_eq!(validate(&long), Ok(()));
}

#[test]
fn each_broken_invariant_is_reported() {
    type Breaker = fn(&mut MediaPlaylist);
    let cases: Vec<(Breaker, PlaylistError)> = vec![
        (
            |pl| pl.segments[2].msn = 14,
            PlaylistError::NonConsecutiveMsn {
                index: 2,
                expected: 12,
                found: 14,
            },
        ),
        (
            |pl| pl.segments[0].closed = false,
            PlaylistError::OpenSegmentNotLast { msn: 10 },
        ),
        (
            |pl| pl.ended = true,
            PlaylistError::OpenSegmentAfterEnd { msn: 12 },
        ),
        (
            |pl| pl.part_hold_back = 0.5,
            PlaylistError::TooSmall {
                field: "PART-HOLD-BACK",
                value: 0.5,
                factor: 3,
                of: 0.2,
            },
        ),
        (
            |pl| pl.hold_back = 2.0,
            PlaylistError::TooSmall {
                field: "HOLD-BACK",
                value: 2.0,
                factor: 3,
                of: 1.0,
            },
        ),
        (
            |pl| pl.can_skip_until = 5.9,
            PlaylistError::TooSmall {
                field: "CAN-SKIP-UNTIL",
                value: 5.9,
                factor: 6,
                of: 1.0,
            },
        ),
        (
            |pl| pl.segments[1].parts[3].duration = 0.21,
            PlaylistError::PartTooLong {
                msn: 11,
                index: 3,
                duration: 0.21,
                part_target: 0.2,
            },
        ),
        (
            |pl| pl.segments[0].duration = 1.5,
            PlaylistError::SegmentTooLong {
                msn: 10,
                duration: 1.5,
                target_duration: 1,
            },
        ),
        (
            |pl| pl.target_duration = 0,
            PlaylistError::InvalidSetting {
                field: "TARGETDURATION",
                value: 0.0,
            },
        ),
        (
            |pl| pl.part_target = f64::INFINITY,
            PlaylistError::InvalidSetting {
                field: "PART-TARGET",
                value: f64::INFINITY,
            },
        ),
        (
            |pl| pl.segments[1].duration = -1.0,
            PlaylistError::InvalidSegmentDuration {
                msn: 11,
                duration: -1.0,
            },
        ),
    ];
    for (i, (breaker, expected)) in cases.into_iter().enumerate() {
        let mut pl = good();
        breaker(&mut pl);
        assert_eq!(validate(&pl), Err(expected), "case {i}");
    }
}

#[test]
fn nan_durations_are_rejected_and_errors_read_well() {
    let mut pl = good();
    pl.segments[0].parts[0].duration = f64::NAN;
    let err = validate(&pl).unwrap_err();
    assert!(matches!(
        err,
        PlaylistError::InvalidPartDuration {
            msn: 10,
            index: 0,
            ..
        }
    ));
    let mut pl = good();
    pl.segments[2].msn = 14;
    assert_eq!(
        validate(&pl).unwrap_err().to_string(),
        "segment #2 has MSN 14, expected 12 (MSNs must be consecutive)"
    );
}
