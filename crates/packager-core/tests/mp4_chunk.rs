//! write_chunk round trips through Fmp4Reader, and its throughput.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::{fixture, read_fragments as read};

use std::time::Instant;

use packager_core::mp4::{chunk_len, write_chunk, Sample};

#[test]
fn fixtures_round_trip_through_write_chunk() {
    for name in ["video.mp4", "audio.mp4", "video_frag500ms.mp4"] {
        let (init, batches) = read(&fixture(name));
        let all: Vec<Sample> = batches.into_iter().flatten().collect();
        // Regroup into chunks of 7 samples, unlike FFmpeg's fragmentation.
        let mut stream = init.bytes.clone();
        for (seq, group) in all.chunks(7).enumerate() {
            let chunk = write_chunk(init.track.track_id, seq as u32 + 1, group);
            assert_eq!(chunk.len(), chunk_len(group));
            stream.extend(chunk);
        }
        let (init2, batches2) = read(&stream);
        assert_eq!(init2.track, init.track);
        assert_eq!(batches2.len(), all.len().div_ceil(7), "{name}");
        assert_eq!(
            batches2.into_iter().flatten().collect::<Vec<_>>(),
            all,
            "{name}"
        );
    }
}

#[test]
fn signed_composition_offsets_and_64_bit_times_survive() {
    let (init, _) = read(&fixture("video.mp4"));
    let samples: Vec<Sample> = (0..5)
        .map(|i| Sample {
            decode_time: (1u64 << 40) + i * 512,
            duration: 512,
            composition_offset: [1024, -512, 0, i32::MIN, i32::MAX][i as usize],
            flags: if i == 0 { 0x0200_0000 } else { 0x0101_0000 },
            data: vec![i as u8; i as usize * 100],
        })
        .collect();
    let mut stream = init.bytes.clone();
    stream.extend(write_chunk(1, 9, &samples));
    stream.extend(write_chunk(1, 10, &[])); // an empty chunk is valid and yields nothing
    let (_, batches) = read(&stream);
    assert_eq!(batches, vec![samples]);
}

/// The writer is on the hot path: aim for >= 1 GB/s of sample bytes per core in release
/// builds. Debug builds only report the figure.
#[test]
fn write_chunk_throughput() {
    let samples: Vec<Sample> = (0..60)
        .map(|i| Sample {
            decode_time: i * 512,
            duration: 512,
            composition_offset: 0,
            flags: 0,
            data: vec![0xab; 40_000],
        })
        .collect();
    let bytes: usize = samples.iter().map(|s| s.data.len()).sum();
    let rounds = 50;
    let start = Instant::now();
    let mut total = 0;
    for seq in 0..rounds {
        total += std::hint::black_box(write_chunk(1, seq, &samples)).len();
    }
    let secs = start.elapsed().as_secs_f64();
    let gbps = (bytes * rounds as usize) as f64 / secs / 1e9;
    println!("write_chunk: {gbps:.2} GB/s of sample bytes ({total} bytes written)");
    if !cfg!(debug_assertions) {
        assert!(gbps >= 1.0, "write_chunk too slow: {gbps:.2} GB/s");
    }
}
