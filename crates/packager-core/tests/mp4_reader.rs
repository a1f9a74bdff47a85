//! Fmp4Reader against FFmpeg-written fixtures (see tests/fixtures/make.sh).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::fixture;

use std::path::PathBuf;
use std::process::Command;

use packager_core::mp4::{
    Fmp4Event, Fmp4Reader, FourCc, Init, Mp4Error, ReaderLimits, Sample, TrackInfo, TrackKind,
};

/// Everything a reader produced, flattened: the init and the sample batches.
#[derive(Debug, PartialEq)]
struct Read {
    inits: Vec<(Vec<u8>, TrackInfo)>,
    batches: Vec<Vec<Sample>>,
}

fn collect(events: Vec<Fmp4Event>, out: &mut Read) {
    for e in events {
        match e {
            Fmp4Event::Init(Init { bytes, track }) => out.inits.push((bytes, track)),
            Fmp4Event::Samples(s) => out.batches.push(s),
        }
    }
}

/// Pushes `data` cut at the given chunk sizes (cycled), then finishes.
fn read_chunked(data: &[u8], sizes: &[usize]) -> Result<Read, Mp4Error> {
    let mut reader = Fmp4Reader::new(ReaderLimits::default());
    let mut out = Read {
        inits: vec![],
        batches: vec![],
    };
    let mut rest = data;
    for &n in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(n.clamp(1, rest.len()));
        collect(reader.push(head)?, &mut out);
        rest = tail;
    }
    reader.finish()?;
    Ok(out)
}

fn read_all(data: &[u8]) -> Read {
    read_chunked(data, &[data.len().max(1)]).unwrap()
}

/// Small deterministic PRNG (xorshift) so chunkings are reproducible.
fn random_sizes(seed: u64, n: usize, max: usize) -> Vec<usize> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % max as u64) as usize + 1
        })
        .collect()
}

fn samples(read: &Read) -> Vec<&Sample> {
    read.batches.iter().flatten().collect()
}

#[test]
fn chunking_does_not_change_events() {
    for name in [
        "video.mp4",
        "audio.mp4",
        "video_frag500ms.mp4",
        "hevc.mp4",
        "opus.mp4",
    ] {
        let data = fixture(name);
        let whole = read_all(&data);
        assert_eq!(
            read_chunked(&data, &[1]).unwrap(),
            whole,
            "{name} byte by byte"
        );
        for seed in 1..6 {
            let sizes = random_sizes(seed, 64, 700);
            assert_eq!(
                read_chunked(&data, &sizes).unwrap(),
                whole,
                "{name} seed {seed}"
            );
        }
        // Cuts right inside box headers, including the 8-byte boundary.
        for n in [3, 7, 8, 9, 15, 16, 17] {
            assert_eq!(
                read_chunked(&data, &[n]).unwrap(),
                whole,
                "{name} chunks of {n}"
            );
        }
    }
}

#[test]
fn video_track_info() {
    let read = read_all(&fixture("video.mp4"));
    assert_eq!(read.inits.len(), 1);
    let (bytes, track) = &read.inits[0];
    assert_eq!(
        *track,
        TrackInfo {
            track_id: 1,
            kind: TrackKind::Video,
            timescale: 15360,
            // ffprobe: Constrained Baseline (66, constraint flags 0xc0), level 11.
            codec: "avc1.42c00b".into(),
            width: Some(160),
            height: Some(90),
            sample_rate: None,
            channels: None,
        }
    );
    // ftyp (28) + moov (745) exactly as received.
    assert_eq!(bytes[..], fixture("video.mp4")[..28 + 745]);
}

#[test]
fn audio_track_info() {
    let read = read_all(&fixture("audio.mp4"));
    let (_, track) = &read.inits[0];
    assert_eq!(track.kind, TrackKind::Audio);
    assert_eq!(track.timescale, 48000);
    assert_eq!(track.codec, "mp4a.40.2");
    assert_eq!(track.sample_rate, Some(48000));
    assert_eq!(track.channels, Some(1));
    assert_eq!((track.width, track.height), (None, None));
}

#[test]
fn video_samples_match_expectations() {
    for name in ["video.mp4", "video_frag500ms.mp4"] {
        let read = read_all(&fixture(name));
        let s = samples(&read);
        assert_eq!(s.len(), 90, "{name}");
        for (i, s) in s.iter().enumerate() {
            assert_eq!(s.decode_time, 512 * i as u64, "{name} #{i}");
            assert_eq!(s.duration, 512);
            assert_eq!(s.is_sync(), i % 30 == 0, "{name} #{i} (GOP of 30)");
            assert_eq!(s.composition_offset, 0, "no B-frames");
        }
    }
    assert_eq!(
        read_all(&fixture("video.mp4")).batches.len(),
        90,
        "one frame per fragment"
    );
    assert_eq!(read_all(&fixture("video_frag500ms.mp4")).batches.len(), 6);
}

#[test]
fn audio_samples_match_expectations() {
    let read = read_all(&fixture("audio.mp4"));
    let s = samples(&read);
    assert_eq!(s.len(), 142);
    assert!(s.iter().all(|s| s.is_sync()));
    assert!(s[..141].iter().all(|s| s.duration == 1024));
    // FFmpeg trims the last frame to the input's end: 3 s + 1024 priming = 144384 + 640.
    assert_eq!(s[141].duration, 640);
    assert!(s
        .windows(2)
        .all(|w| w[1].decode_time == w[0].decode_time + 1024));
}

/// Compares dts, size and key flags with what ffprobe reads (skipped without ffprobe).
#[test]
fn samples_match_ffprobe() {
    for name in ["video.mp4", "audio.mp4", "video_frag500ms.mp4", "opus.mp4"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "0", "-show_entries"])
            .args(["packet=dts,size,flags", "-of", "csv=p=0"])
            .arg(&path)
            .output();
        let Ok(out) = out.map(|o| String::from_utf8(o.stdout).unwrap()) else {
            println!("note: ffprobe not on PATH, skipping the ffprobe comparison");
            return;
        };
        let probed: Vec<(u64, usize, bool)> = out
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    f[0].parse().unwrap(),
                    f[1].parse().unwrap(),
                    f[2].starts_with('K'),
                )
            })
            .collect();
        let read = read_all(&fixture(name));
        let ours: Vec<(u64, usize, bool)> = samples(&read)
            .iter()
            .map(|s| (s.decode_time, s.data.len(), s.is_sync()))
            .collect();
        assert_eq!(ours, probed, "{name}");
    }
}

#[test]
fn init_is_reported_as_soon_as_moov_arrives() {
    let data = fixture("video.mp4");
    let mut reader = Fmp4Reader::new(ReaderLimits::default());
    assert!(reader.push(&data[..28 + 744]).unwrap().is_empty());
    let events = reader.push(&data[28 + 744..28 + 745]).unwrap();
    assert!(matches!(events.as_slice(), [Fmp4Event::Init(_)]));
    // The first fragment completes with the last byte of its mdat (773 + 104 + 1890).
    assert!(reader.push(&data[773..2766]).unwrap().is_empty());
    let events = reader.push(&data[2766..2767]).unwrap();
    assert!(matches!(events.as_slice(), [Fmp4Event::Samples(s)] if s.len() == 1));
    reader.finish().unwrap();
}

#[test]
fn truncated_stream_fails_on_finish_naming_the_box() {
    let data = fixture("video.mp4");
    // Inside the first mdat (starts at 877).
    let err = read_chunked(&data[..1000], &[100]).unwrap_err();
    assert!(matches!(err, Mp4Error::Truncated { .. }), "{err}");
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"mdat"), 877));
    // Inside a header.
    let err = read_chunked(&data[..877 + 5], &[1]).unwrap_err();
    assert_eq!(err.offset(), 877);
    // A moof whose mdat never came.
    let err = read_chunked(&data[..877], &[4096]).unwrap_err();
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"moof"), 773));
    assert!(err.to_string().contains("moof"), "{err}");
    // Cut at a box boundary is a clean end.
    read_chunked(&data[..2767], &[1000]).unwrap();
}

fn put_u32(data: &mut [u8], at: usize, v: u32) {
    data[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

#[test]
fn corrupted_sizes_report_box_and_offset() {
    let data = fixture("video.mp4");

    // Top-level size smaller than the header.
    let mut bad = data.clone();
    put_u32(&mut bad, 773, 3);
    let err = read_chunked(&bad, &[999]).unwrap_err();
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"moof"), 773));
    assert!(
        err.to_string().contains("box size 3 smaller than header"),
        "{err}"
    );

    // Size 0 (to end of file) is not allowed live.
    let mut bad = data.clone();
    put_u32(&mut bad, 877, 0);
    let err = read_chunked(&bad, &[999]).unwrap_err();
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"mdat"), 877));

    // Over the configured limit: rejected from the header alone.
    let mut bad = data.clone();
    put_u32(&mut bad, 877, 0x7fff_ffff);
    let err = read_chunked(&bad, &[999]).unwrap_err();
    assert!(matches!(err, Mp4Error::LimitExceeded { .. }), "{err}");
    assert_eq!(err.offset(), 877);

    // A child box larger than its parent: trun inside the first moof, at 853.
    let mut bad = data.clone();
    put_u32(&mut bad, 853, 500);
    let err = read_chunked(&bad, &[999]).unwrap_err();
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"trun"), 853));

    // Absurd trun sample count: limit error, before any allocation.
    let mut bad = data.clone();
    put_u32(&mut bad, 853 + 12, 4_000_000);
    let err = read_chunked(&bad, &[999]).unwrap_err();
    assert!(
        err.to_string()
            .contains("sample count 4000000 exceeds limit"),
        "{err}"
    );
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"trun"), 853));

    // A sample size larger than the mdat.
    let mut bad = data.clone();
    put_u32(&mut bad, 805 + 20, 1_000_000); // tfhd default_sample_size
    let err = read_chunked(&bad, &[999]).unwrap_err();
    assert!(err.to_string().contains("mdat"), "{err}");
}

#[test]
fn structural_errors() {
    let data = fixture("video.mp4");
    // moof before moov: drop the init.
    let err = read_chunked(&data[773..], &[512]).unwrap_err();
    assert_eq!(
        (
            err.box_type(),
            err.offset(),
            err.to_string().contains("moof before moov")
        ),
        (FourCc(*b"moof"), 0, true)
    );

    // Missing tfdt: rename it so it is skipped as unknown.
    let mut bad = data.clone();
    bad[833 + 4..833 + 8].copy_from_slice(b"xxxx");
    let err = read_chunked(&bad, &[4096]).unwrap_err();
    assert!(err.to_string().contains("missing tfdt"), "{err}");
    assert_eq!((err.box_type(), err.offset()), (FourCc(*b"traf"), 797));

    // Unsupported sample entry.
    let mut bad = data.clone();
    bad[417 + 4..417 + 8].copy_from_slice(b"xyz1");
    let err = read_chunked(&bad, &[4096]).unwrap_err();
    assert!(
        err.to_string().contains("unsupported sample entry 'xyz1'"),
        "{err}"
    );
    assert_eq!(err.offset(), 417);
}

#[test]
fn reader_stays_failed_after_an_error() {
    let mut bad = fixture("video.mp4");
    put_u32(&mut bad, 773, 3);
    let mut reader = Fmp4Reader::new(ReaderLimits::default());
    // The init completes in the same push as the fault: it is delivered first.
    let events = reader.push(&bad).unwrap();
    assert!(matches!(events.as_slice(), [Fmp4Event::Init(_)]));
    let err = reader.push(&[0; 16]).unwrap_err();
    assert_eq!(err.offset(), 773);
    assert_eq!(reader.finish().unwrap_err(), err);
}

#[test]
fn skips_boxes_between_fragments_and_keeps_pre_moov_boxes_in_init() {
    let data = fixture("video.mp4");
    let boxed = |t: &[u8; 4], payload: &[u8]| {
        let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(t);
        b.extend_from_slice(payload);
        b
    };
    let mut stream = data[..28].to_vec(); // ftyp
    stream.extend(boxed(b"free", &[0; 10]));
    stream.extend(boxed(b"uuid", &[7; 20]));
    stream.extend_from_slice(&data[28..773]); // moov
    for t in [b"styp", b"sidx", b"prft", b"emsg", b"free"] {
        stream.extend(boxed(t, &[1; 12]));
    }
    stream.extend_from_slice(&data[773..]);
    let read = read_chunked(&stream, &[37]).unwrap();
    let plain = read_all(&data);
    assert_eq!(read.batches, plain.batches);
    let mut expected_init = data[..28].to_vec();
    expected_init.extend(boxed(b"uuid", &[7; 20]));
    expected_init.extend_from_slice(&data[28..773]);
    assert_eq!(read.inits[0].0, expected_init);
}

#[test]
fn largesize_headers_are_read() {
    let data = fixture("video.mp4");
    // Rewrite the first mdat (877, 1890 bytes) with a 64-bit largesize header; the moof's
    // data offset must grow by 8 to still point at the payload.
    let mut stream = data[..877].to_vec();
    let trun_data_offset = 853 + 16;
    let off = u32::from_be_bytes(
        stream[trun_data_offset..trun_data_offset + 4]
            .try_into()
            .unwrap(),
    );
    put_u32(&mut stream, trun_data_offset, off + 8);
    stream.extend_from_slice(&1u32.to_be_bytes());
    stream.extend_from_slice(b"mdat");
    stream.extend_from_slice(&(1890u64 + 8).to_be_bytes());
    stream.extend_from_slice(&data[877 + 8..]);
    for sizes in [vec![1], vec![4096]] {
        let read = read_chunked(&stream, &sizes).unwrap();
        assert_eq!(read.batches, read_all(&data).batches);
    }
}

#[test]
fn hevc_and_opus_track_info() {
    let read = read_all(&fixture("hevc.mp4"));
    let track = &read.inits[0].1;
    // hvcC: Main (1), compatibility 0x60000000 (written bit-reversed: 6), Main tier,
    // level_idc 30 (ffprobe: level=30), constraint byte 0x90 (progressive, frame-only).
    assert_eq!(track.codec, "hvc1.1.6.L30.90");
    assert_eq!((track.width, track.height), (Some(160), Some(90)));
    assert_eq!(samples(&read).len(), 6);

    let read = read_all(&fixture("opus.mp4"));
    let track = &read.inits[0].1;
    assert_eq!(track.kind, TrackKind::Audio);
    assert_eq!(track.codec, "opus");
    assert_eq!((track.sample_rate, track.channels), (Some(48000), Some(2)));
    let s = samples(&read);
    assert!(
        s[..s.len() - 1].iter().all(|s| s.duration == 960),
        "20 ms Opus frames"
    );
}
