//! Segmenter on FFmpeg fixtures: every part is a decodable CMAF chunk (checked with ffprobe
//! when it is on PATH).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

/// The fixture's init and all its samples in order.
fn read(data: &[u8]) -> (Init, Vec<Sample>) {
    let (init, batches) = common::read_fragments(data);
    (init, batches.into_iter().flatten().collect())
}

use std::path::PathBuf;
use std::process::Command;

use packager_core::mp4::{Fmp4Event, Fmp4Reader, Init, ReaderLimits, Sample};
use packager_core::segmenter::{PartOut, Segmenter, SegmenterConfig, SegmenterEvent};

/// Feeds the fixture fragment by fragment, as the coordinator would.
fn segment(name: &str) -> (Init, Vec<Sample>, Vec<SegmenterEvent>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let data = std::fs::read(path).unwrap();
    let mut reader = Fmp4Reader::new(ReaderLimits::default());
    let mut seg = None;
    let mut init = None;
    let mut samples = vec![];
    let mut events = vec![];
    for chunk in data.chunks(1000) {
        for e in reader.push(chunk).unwrap() {
            match e {
                Fmp4Event::Init(i) => {
                    seg = Some(Segmenter::new(SegmenterConfig::default(), &i.track));
                    init = Some(i);
                }
                Fmp4Event::Samples(s) => {
                    samples.extend(s.iter().cloned());
                    events.extend(seg.as_mut().unwrap().push(s));
                }
            }
        }
    }
    reader.finish().unwrap();
    events.extend(seg.as_mut().unwrap().flush());
    (init.unwrap(), samples, events)
}

fn parts(events: &[SegmenterEvent]) -> Vec<&PartOut> {
    events
        .iter()
        .filter_map(|e| match e {
            SegmenterEvent::Part(p) => Some(p),
            SegmenterEvent::SegmentEnd { .. } => None,
        })
        .collect()
}

#[test]
fn parts_carry_exactly_the_input_samples() {
    for name in ["video.mp4", "audio.mp4", "video_frag500ms.mp4"] {
        let (init, samples, events) = segment(name);
        let mut stream = init.bytes.clone();
        for p in parts(&events) {
            stream.extend_from_slice(&p.bytes);
        }
        assert_eq!(read(&stream).1, samples, "{name}");
    }
}

#[test]
fn video_fixture_cuts() {
    for name in ["video.mp4", "video_frag500ms.mp4"] {
        let (_, _, events) = segment(name);
        let counts: Vec<String> = events
            .iter()
            .map(|e| match e {
                SegmenterEvent::Part(p) => {
                    format!("{}{}", p.sample_count, if p.independent { "i" } else { "" })
                }
                SegmenterEvent::SegmentEnd { .. } => "|".into(),
            })
            .collect();
        let one = ["6i", "6", "6", "6", "6", "|"];
        assert_eq!(counts, [one, one, one].concat(), "{name}");
    }
}

#[test]
fn audio_fixture_cuts() {
    let (_, _, events) = segment("audio.mp4");
    let p = parts(&events);
    assert!(p.iter().all(|p| p.duration <= 0.2 + 1e-6 && p.independent));
    let first: Vec<u32> = p.iter().take(6).map(|p| p.sample_count).collect();
    assert_eq!(first, [9, 9, 9, 9, 9, 2]);
    assert!(
        matches!(events[6], SegmenterEvent::SegmentEnd { duration } if (duration - 47.0 * 1024.0 / 48000.0).abs() < 1e-9)
    );
}

/// Writes init + one part to a temp file and asks ffprobe to decode it.
fn ffprobe_frames(bytes: &[u8], tag: &str) -> Option<u32> {
    let path =
        std::env::temp_dir().join(format!("tributary-part-{}-{tag}.mp4", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "0"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.ok()?;
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap(),
    )
}

#[test]
fn every_part_decodes_with_ffprobe() {
    if Command::new("ffprobe").arg("-version").output().is_err() {
        println!("note: ffprobe not on PATH, skipping decode checks");
        return;
    }
    for name in ["video.mp4", "audio.mp4"] {
        let (init, _, events) = segment(name);
        // A dependent part decodes after the earlier parts of its segment: probe init +
        // the segment's parts up to this one and expect all their frames.
        let mut since_segment_start: Vec<&PartOut> = vec![];
        for (i, p) in parts(&events).into_iter().enumerate() {
            if p.starts_segment {
                since_segment_start.clear();
            }
            since_segment_start.push(p);
            let mut file = init.bytes.clone();
            for q in &since_segment_start {
                file.extend_from_slice(&q.bytes);
            }
            let expected: u32 = since_segment_start.iter().map(|q| q.sample_count).sum();
            let frames = ffprobe_frames(&file, &format!("{name}-{i}")).unwrap();
            assert_eq!(frames, expected, "{name} part {i}");
        }
        // The whole rendition: init + every part.
        let mut file = init.bytes.clone();
        for p in parts(&events) {
            file.extend_from_slice(&p.bytes);
        }
        let total: u32 = parts(&events).iter().map(|p| p.sample_count).sum();
        assert_eq!(ffprobe_frames(&file, name).unwrap(), total, "{name}");
    }
}
