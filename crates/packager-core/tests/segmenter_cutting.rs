//! Segmenter on synthetic sample streams: part/segment lengths, boundaries, independence.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use packager_core::mp4::{Sample, TrackInfo, TrackKind};
use packager_core::segmenter::{PartOut, Segmenter, SegmenterConfig, SegmenterEvent};

const NON_SYNC: u32 = 0x0101_0000; // depends on others, non-sync (ISO BMFF 8.8.3.1)
const SYNC: u32 = 0x0200_0000;

fn track(kind: TrackKind, timescale: u32) -> TrackInfo {
    TrackInfo {
        track_id: 1,
        kind,
        timescale,
        codec: String::new(),
        width: None,
        height: None,
        sample_rate: None,
        channels: None,
    }
}

/// `count` samples of `duration` ticks starting at `start`. Video gets a key frame on the
/// first frame at or after each segment boundary minus half a frame, as an encoder forcing
/// key frames at boundaries does.
fn stream(t: &TrackInfo, start: u64, duration: u32, count: u64, segment: f64) -> Vec<Sample> {
    let ts = f64::from(t.timescale);
    let mut next_key = 0.0;
    (0..count)
        .map(|i| {
            let decode_time = start + i * u64::from(duration);
            let time = decode_time as f64 / ts;
            let mut flags = SYNC;
            if t.kind == TrackKind::Video {
                let half = f64::from(duration) / ts / 2.0;
                if time + half >= next_key {
                    next_key = (((time + half) / segment).floor() + 1.0) * segment;
                } else {
                    flags = NON_SYNC;
                }
            }
            Sample {
                decode_time,
                duration,
                composition_offset: 0,
                flags,
                data: vec![i as u8; 3],
            }
        })
        .collect()
}

/// Parts grouped by segment; the last group may be unterminated (no SegmentEnd).
fn segments(events: &[SegmenterEvent]) -> Vec<(Vec<PartOut>, Option<f64>)> {
    let mut out = vec![(vec![], None)];
    for e in events {
        match e {
            SegmenterEvent::Part(p) => out.last_mut().unwrap().0.push(p.clone()),
            SegmenterEvent::SegmentEnd { duration } => {
                out.last_mut().unwrap().1 = Some(*duration);
                out.push((vec![], None));
            }
        }
    }
    if out.last().unwrap().0.is_empty() {
        out.pop();
    }
    out
}

struct Case {
    name: &'static str,
    kind: TrackKind,
    timescale: u32,
    duration: u32,
    part: f64,
    segment: f64,
    /// Samples per part in the first segment.
    first_segment: Vec<u32>,
}

fn cases() -> Vec<Case> {
    use TrackKind::{Audio, Video};
    let c = |name, kind, timescale, duration, part, segment, first_segment| Case {
        name,
        kind,
        timescale,
        duration,
        part,
        segment,
        first_segment,
    };
    vec![
        c("30fps 0.2/1", Video, 15360, 512, 0.2, 1.0, vec![6; 5]),
        c("30fps 0.1/1", Video, 15360, 512, 0.1, 1.0, vec![3; 10]),
        c("30fps 0.2/2", Video, 90000, 3000, 0.2, 2.0, vec![6; 10]),
        c("25fps 0.2/1", Video, 12800, 512, 0.2, 1.0, vec![5; 5]),
        c(
            "25fps 0.1/1",
            Video,
            12800,
            512,
            0.1,
            1.0,
            [vec![2; 12], vec![1]].concat(),
        ),
        c(
            "25fps 0.1/2",
            Video,
            90000,
            3600,
            0.1,
            2.0,
            [vec![2; 25]].concat(),
        ),
        // 6 frames of 1001/30000 s are 0.2002 s > 0.2: five-frame parts.
        c("29.97fps 0.2/1", Video, 30000, 1001, 0.2, 1.0, vec![5; 6]),
        c("29.97fps 0.1/2", Video, 30000, 1001, 0.1, 2.0, vec![2; 30]),
        // 21.33 ms frames: 9 per 0.2 s part; the segment ends at the first frame end
        // >= 1 s - 10.67 ms (frame 47, 1.00267 s).
        c(
            "AAC 48k 0.2/1",
            Audio,
            48000,
            1024,
            0.2,
            1.0,
            [vec![9; 5], vec![2]].concat(),
        ),
        c(
            "AAC 48k 0.1/2",
            Audio,
            48000,
            1024,
            0.1,
            2.0,
            [vec![4; 23], vec![2]].concat(),
        ),
        // 23.22 ms frames: 8 per part; 43 frames (0.99846 s) reach 1 s - 11.6 ms.
        c(
            "AAC 44.1k 0.2/1",
            Audio,
            44100,
            1024,
            0.2,
            1.0,
            [vec![8; 5], vec![3]].concat(),
        ),
        c(
            "AAC 44.1k 0.1/2",
            Audio,
            44100,
            1024,
            0.1,
            2.0,
            [vec![4; 21], vec![2]].concat(),
        ),
    ]
}

#[test]
fn table_of_rates_and_targets() {
    for case in cases() {
        let t = track(case.kind, case.timescale);
        let ts = f64::from(case.timescale);
        let frame = f64::from(case.duration) / ts;
        let config = SegmenterConfig {
            part_target: case.part,
            segment_target: case.segment,
        };
        let total = (20.0 * case.segment / frame) as u64; // ~20 segments
        let input = stream(&t, 0, case.duration, total, case.segment);
        let mut seg = Segmenter::new(config, &t);
        // Push in uneven batches, as fragments arrive.
        let mut events = vec![];
        for batch in input.chunks(7) {
            events.extend(seg.push(batch.to_vec()));
        }
        events.extend(seg.flush());
        let segs = segments(&events);
        let name = case.name;

        let counts: Vec<u32> = segs[0].0.iter().map(|p| p.sample_count).collect();
        assert_eq!(counts, case.first_segment, "{name}: first segment");

        let mut next_sample = 0u64;
        let mut boundary_index = 0.0;
        for (i, (parts, end)) in segs.iter().enumerate() {
            let end = end.unwrap_or_else(|| panic!("{name}: segment {i} not closed after flush"));
            // Every part within target, contiguous, one chunk each; first starts the segment.
            for (j, p) in parts.iter().enumerate() {
                assert!(
                    p.duration <= case.part + 1e-6,
                    "{name}: part {j} of segment {i}: {}",
                    p.duration
                );
                assert_eq!(p.starts_segment, j == 0, "{name}: seg {i} part {j}");
                assert!((p.start_time - next_sample as f64 * frame).abs() < 1e-9);
                next_sample += u64::from(p.sample_count);
            }
            let sum: f64 = parts.iter().map(|p| p.duration).sum();
            assert_eq!(
                end, sum,
                "{name}: segment {i} duration is the sum of its parts"
            );
            assert!(
                parts[0].independent,
                "{name}: segment {i} starts with a key frame"
            );
            if i + 1 < segs.len() {
                // Full segments end within half a frame of the next boundary m * target.
                boundary_index += 1.0;
                let seg_end = next_sample as f64 * frame;
                let boundary = boundary_index * case.segment;
                assert!(
                    seg_end >= boundary - frame / 2.0 - 1e-9 && seg_end < boundary + frame / 2.0,
                    "{name}: segment {i} ends at {seg_end}, boundary {boundary}"
                );
            }
        }
        assert_eq!(
            next_sample, total,
            "{name}: every sample in exactly one part"
        );
    }
}

#[test]
fn video_30fps_gives_six_frame_parts_and_thirty_frame_segments() {
    let t = track(TrackKind::Video, 15360);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    let events = seg.push(stream(&t, 0, 512, 90, 1.0));
    let kinds: Vec<String> = events
        .iter()
        .map(|e| match e {
            SegmenterEvent::Part(p) => format!(
                "P{}{}",
                p.sample_count,
                if p.independent { "i" } else { "" }
            ),
            SegmenterEvent::SegmentEnd { duration } => format!("E{duration}"),
        })
        .collect();
    let one = ["P6i", "P6", "P6", "P6", "P6", "E1"];
    assert_eq!(kinds, [one, one, one].concat());
    // The close comes with the last part: nothing is left pending.
    assert_eq!(seg.pending_duration(), 0.0);
    assert!(!seg.is_segment_open());
    assert_eq!(seg.last_sample_end(), Some(3.0));
    assert!(seg.flush().is_empty());
}

#[test]
fn mfhd_sequence_numbers_increase_per_part() {
    let t = track(TrackKind::Audio, 48000);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    let mut events = seg.push(stream(&t, 0, 1024, 200, 1.0));
    events.extend(seg.flush());
    let seqs: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            // mfhd's sequence_number sits at moof header 8 + mfhd header 8 + FullBox 4.
            SegmenterEvent::Part(p) => {
                Some(u32::from_be_bytes(p.bytes[20..24].try_into().unwrap()))
            }
            SegmenterEvent::SegmentEnd { .. } => None,
        })
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u32).collect::<Vec<_>>());
    assert_eq!(seg.next_sequence_number(), seqs.len() as u32 + 1);
}

#[test]
fn open_segment_accounting() {
    let t = track(TrackKind::Video, 15360);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    let events = seg.push(stream(&t, 0, 512, 14, 1.0));
    assert_eq!(events.len(), 2, "two 6-frame parts");
    assert!((seg.open_segment_duration() - 0.4).abs() < 1e-9);
    assert!((seg.pending_duration() - 2.0 / 30.0).abs() < 1e-9);
    assert!(seg.is_segment_open());
    let events = seg.flush();
    assert!(
        matches!(events.as_slice(), [SegmenterEvent::Part(p), SegmenterEvent::SegmentEnd { duration }]
            if p.sample_count == 2 && (duration - 14.0 / 30.0).abs() < 1e-9)
    );
    assert_eq!(seg.open_segment_duration(), 0.0);
}

#[test]
fn time_gap_past_a_boundary_closes_the_segment_first() {
    let t = track(TrackKind::Video, 15360);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    let mut input = stream(&t, 0, 512, 10, 1.0); // 0 .. 0.333 s
    let mut later = stream(&t, 15360 * 5 / 2, 512, 10, 1.0); // 2.5 s ..
    later[0].flags = SYNC;
    input.extend(later);
    let mut events = seg.push(input);
    events.extend(seg.flush());
    let segs = segments(&events);
    assert_eq!(segs.len(), 2);
    assert_eq!(segs[0].0.iter().map(|p| p.sample_count).sum::<u32>(), 10);
    let second = &segs[1].0[0];
    assert!(second.starts_segment && second.independent);
    assert_eq!(second.start_time, 2.5);
    // 2.5 s .. 2.833 s: the open segment's boundary is 3 s, so flush closes it.
    assert!(segs[1].1.is_some());
}

#[test]
fn time_going_backwards_starts_a_new_segment() {
    let t = track(TrackKind::Audio, 48000);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    let mut input = stream(&t, 480_000, 1024, 20, 1.0);
    input.extend(stream(&t, 0, 1024, 5, 1.0));
    let mut events = seg.push(input);
    events.extend(seg.flush());
    let segs = segments(&events);
    assert!(segs[0].1.is_some(), "old segment closed");
    assert_eq!(segs[0].0.iter().map(|p| p.sample_count).sum::<u32>(), 20);
    assert_eq!(segs[1].0[0].start_time, 0.0);
    assert!(segs[1].0[0].starts_segment);
}

#[test]
fn stream_starting_mid_timeline_aligns_to_absolute_boundaries() {
    let t = track(TrackKind::Video, 15360);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    // Starts at 10.4 s: the first segment runs to 11 s (18 frames), then whole seconds.
    let start = 15360 * 104 / 10;
    let events = seg.push(stream(&t, start, 512, 18 + 30, 1.0));
    let segs = segments(&events);
    let counts: Vec<u32> = segs
        .iter()
        .map(|s| s.0.iter().map(|p| p.sample_count).sum())
        .collect();
    assert_eq!(counts, [18, 30]);
}

#[test]
fn segment_not_starting_on_a_key_frame_is_reported_dependent() {
    let t = track(TrackKind::Video, 15360);
    let mut seg = Segmenter::new(SegmenterConfig::default(), &t);
    let mut input = stream(&t, 0, 512, 60, 1.0);
    input[30].flags = NON_SYNC; // encoder missed the forced key frame
    let segs = segments(&seg.push(input));
    assert!(segs[0].0[0].independent);
    assert!(!segs[1].0[0].independent);
}

#[test]
fn invalid_targets_fall_back_to_defaults() {
    let t = track(TrackKind::Video, 15360);
    let seg = Segmenter::new(
        SegmenterConfig {
            part_target: f64::NAN,
            segment_target: -1.0,
        },
        &t,
    );
    assert_eq!(seg.config(), SegmenterConfig::default());
}
