//! Hand-built fragments for the `tfhd`/`trun`/`tfdt` variants FFmpeg does not write:
//! implicit data bases, base-data-offset, trex fallbacks, version-0 boxes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use packager_core::mp4::{Fmp4Event, Fmp4Reader, Mp4Error, ReaderLimits, Sample};

/// The video fixture's ftyp + moov (track 1), with trex defaults set to duration 100,
/// size 3, flags 0x01010000 (trex sits at 643: header 8, FullBox 4, track_ID 4, sdi 4).
fn init() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/video.mp4");
    let mut init = std::fs::read(path).unwrap()[..773].to_vec();
    assert_eq!(&init[647..651], b"trex");
    for (i, v) in [100u32, 3, 0x0101_0000].into_iter().enumerate() {
        init[663 + 4 * i..667 + 4 * i].copy_from_slice(&v.to_be_bytes());
    }
    init
}

fn boxed(t: &[u8; 4], parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut b = ((len + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(t);
    for p in parts {
        b.extend_from_slice(p);
    }
    b
}

fn full(version: u8, flags: u32) -> [u8; 4] {
    ((u32::from(version) << 24) | flags).to_be_bytes()
}

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_be_bytes()).collect()
}

fn read(stream: &[u8]) -> Result<Vec<Sample>, Mp4Error> {
    let mut reader = Fmp4Reader::new(ReaderLimits::default());
    let mut out = vec![];
    for e in reader.push(stream)? {
        if let Fmp4Event::Samples(s) = e {
            out.extend(s);
        }
    }
    reader.finish()?;
    Ok(out)
}

fn sample(decode_time: u64, duration: u32, cto: i32, flags: u32, data: &[u8]) -> Sample {
    Sample {
        decode_time,
        duration,
        composition_offset: cto,
        flags,
        data: data.to_vec(),
    }
}

/// Two trafs without default-base-is-moof: the first traf's base is the moof start, the
/// second continues where the first one's data ended (ISO BMFF 8.8.7.1). tfdt v0, trun v0
/// with an offset, a second trun without one, and trex defaults for everything omitted.
#[test]
fn implicit_bases_and_trex_defaults() {
    let mfhd = boxed(b"mfhd", &[&full(0, 0), &words(&[1])]);
    // traf 1: trun with data-offset (patched below), per-sample size + cto (v0), trex duration.
    let tfhd = boxed(b"tfhd", &[&full(0, 0), &words(&[1])]);
    let tfdt = boxed(b"tfdt", &[&full(0, 0), &words(&[1000])]);
    let trun_a = |off: u32| {
        boxed(
            b"trun",
            &[
                &full(0, 0x001 | 0x200 | 0x800),
                &words(&[2, off, 2, 5, 4, 0]),
            ],
        )
    };
    let trun_b = boxed(b"trun", &[&full(0, 0x004), &words(&[1, 0x0200_0000])]); // trex size 3
    let traf1 = |off| boxed(b"traf", &[&tfhd, &tfdt, &trun_a(off), &trun_b]);
    // traf 2: no data-offset, tfhd default duration 7, trex size 3 and flags.
    let tfhd2 = boxed(b"tfhd", &[&full(0, 0x08), &words(&[1, 7])]);
    let tfdt2 = boxed(b"tfdt", &[&full(1, 0), &5000u64.to_be_bytes()]);
    let trun_c = boxed(b"trun", &[&full(1, 0), &words(&[2])]);
    let traf2 = boxed(b"traf", &[&tfhd2, &tfdt2, &trun_c]);
    let moof_len = boxed(b"moof", &[&mfhd, &traf1(0), &traf2]).len() as u32;
    let moof = boxed(b"moof", &[&mfhd, &traf1(moof_len + 8), &traf2]);
    // Payload: aa bbbb ccc | ddd eee
    let mdat = boxed(b"mdat", &[b"aabbbbcccdddeee"]);

    let mut stream = init();
    stream.extend(moof);
    stream.extend(mdat);
    let got = read(&stream).unwrap();
    let trex_flags = 0x0101_0000;
    assert_eq!(
        got,
        vec![
            sample(1000, 100, 5, trex_flags, b"aa"),
            sample(1100, 100, 0, trex_flags, b"bbbb"),
            sample(1200, 100, 0, 0x0200_0000, b"ccc"),
            sample(5000, 7, 0, trex_flags, b"ddd"),
            sample(5007, 7, 0, trex_flags, b"eee"),
        ]
    );
}

/// tfhd base-data-offset is an absolute stream position; trun v1 negative cto.
#[test]
fn base_data_offset_and_signed_cto() {
    let mut stream = init();
    let mfhd = boxed(b"mfhd", &[&full(0, 0), &words(&[1])]);
    let tfdt = boxed(b"tfdt", &[&full(1, 0), &0u64.to_be_bytes()]);
    let trun = boxed(
        b"trun",
        &[
            &full(1, 0x100 | 0x200 | 0x400 | 0x800),
            &words(&[1, 10, 2, 0, (-20i32) as u32]),
        ],
    );
    let tfhd = |base: u64| {
        boxed(
            b"tfhd",
            &[&full(0, 0x01), &words(&[1]), &base.to_be_bytes()],
        )
    };
    let moof_len = boxed(
        b"moof",
        &[&mfhd, &boxed(b"traf", &[&tfhd(0), &tfdt, &trun])],
    )
    .len() as u64;
    let payload_at = stream.len() as u64 + moof_len + 8 + 1; // skip one byte of the mdat
    stream.extend(boxed(
        b"moof",
        &[&mfhd, &boxed(b"traf", &[&tfhd(payload_at), &tfdt, &trun])],
    ));
    stream.extend(boxed(b"mdat", &[b"xyz"]));
    assert_eq!(read(&stream).unwrap(), vec![sample(0, 10, -20, 0, b"yz")]);
}

#[test]
fn sample_data_outside_the_mdat_is_an_error() {
    let mut stream = init();
    let mfhd = boxed(b"mfhd", &[&full(0, 0), &words(&[1])]);
    let tfhd = boxed(b"tfhd", &[&full(0, 0x02_0000), &words(&[1])]);
    let tfdt = boxed(b"tfdt", &[&full(0, 0), &words(&[0])]);
    // Points 2 bytes before the mdat payload (into the mdat header).
    let trun = boxed(b"trun", &[&full(0, 0x001), &words(&[1, 0])]);
    let len = boxed(b"moof", &[&mfhd, &boxed(b"traf", &[&tfhd, &tfdt, &trun])]).len() as u32;
    let trun = boxed(b"trun", &[&full(0, 0x001), &words(&[1, len + 6])]);
    let moof_at = stream.len() as u64;
    stream.extend(boxed(
        b"moof",
        &[&mfhd, &boxed(b"traf", &[&tfhd, &tfdt, &trun])],
    ));
    stream.extend(boxed(b"mdat", &[b"abcdef"]));
    let err = read(&stream).unwrap_err();
    assert_eq!(err.offset(), moof_at + u64::from(len));
    assert!(err.to_string().contains("outside the mdat"), "{err}");
}

#[test]
fn traf_for_another_track_and_two_moofs_without_mdat_are_errors() {
    let mfhd = boxed(b"mfhd", &[&full(0, 0), &words(&[1])]);
    let tfdt = boxed(b"tfdt", &[&full(0, 0), &words(&[0])]);
    let trun = boxed(b"trun", &[&full(0, 0), &words(&[1])]);
    let moof = |track: u32| {
        let tfhd = boxed(b"tfhd", &[&full(0, 0x02_0000), &words(&[track])]);
        boxed(b"moof", &[&mfhd, &boxed(b"traf", &[&tfhd, &tfdt, &trun])])
    };
    let mut stream = init();
    stream.extend(moof(2));
    let err = read(&stream).unwrap_err();
    assert!(err.to_string().contains("track_ID 2"), "{err}");

    let mut stream = init();
    stream.extend(moof(1));
    let second = stream.len() as u64;
    stream.extend(moof(1));
    let err = read(&stream).unwrap_err();
    assert!(matches!(err, Mp4Error::OutOfOrder { .. }), "{err}");
    assert_eq!(err.offset(), second);
}
