//! Helpers shared by the integration tests: the committed FFmpeg fixtures, read whole.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses a subset

use std::path::PathBuf;

use packager_core::mp4::{Fmp4Event, Fmp4Reader, Init, ReaderLimits, Sample};
use packager_core::playlist::{PartEntry, SegmentEntry};

/// Bytes of `tests/fixtures/{name}` (see `tests/fixtures/make.sh`).
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// A whole fMP4 stream read at once: its init and its samples, one batch per fragment.
pub fn read_fragments(data: &[u8]) -> (Init, Vec<Vec<Sample>>) {
    let mut reader = Fmp4Reader::new(ReaderLimits::default());
    let mut init = None;
    let mut batches = vec![];
    for e in reader.push(data).unwrap() {
        match e {
            Fmp4Event::Init(i) => init = Some(i),
            Fmp4Event::Samples(s) => batches.push(s),
        }
    }
    reader.finish().unwrap();
    (init.expect("fixture has an init segment"), batches)
}

/// 2023-11-14T22:13:20.000Z, the wall clock of MSN 100 in most cases.
pub const T0: i64 = 1_700_000_000_000;

/// A closed segment of the given parts; MSN 100 starts at T0, one second per MSN.
pub fn seg(msn: u64, parts: &[f64]) -> SegmentEntry {
    SegmentEntry {
        msn,
        duration: parts.iter().sum(),
        uri: format!("seg{msn}.m4s"),
        parts: parts
            .iter()
            .enumerate()
            .map(|(i, &duration)| PartEntry {
                duration,
                uri: format!("seg{msn}.{i}.m4s"),
                independent: i == 0,
            })
            .collect(),
        closed: true,
        discontinuity: false,
        map_uri: "init0.mp4".into(),
        program_date_time_ms: T0 + (msn as i64 - 100) * 1000,
        gap: false,
    }
}
