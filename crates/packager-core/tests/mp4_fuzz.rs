//! Property tests: hostile bytes in any chunking never panic the reader, never make it
//! allocate beyond its limits, and chunking never changes what it reports.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::fixture;

use packager_core::mp4::{Fmp4Event, Fmp4Reader, Mp4Error, ReaderLimits};
use proptest::prelude::*;

const LIMITS: ReaderLimits = ReaderLimits {
    max_box_size: 64 * 1024,
    max_samples_per_fragment: 64,
};

/// What a run reported: a digest of each event, then the first error (if any).
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<String>,
    error: Option<Mp4Error>,
}

/// Pushes `data` cut at `cuts` (cycled), checking the limits on everything produced.
fn run(data: &[u8], cuts: &[usize]) -> Outcome {
    let mut reader = Fmp4Reader::new(LIMITS);
    let mut out = Outcome {
        events: vec![],
        error: None,
    };
    let mut sample_bytes = 0usize;
    let mut rest = data;
    let mut cuts = cuts.iter().cycle();
    let mut result = Ok(());
    while !rest.is_empty() && result.is_ok() {
        let n = cuts
            .next()
            .copied()
            .unwrap_or(rest.len())
            .clamp(1, rest.len());
        let (head, tail) = rest.split_at(n);
        rest = tail;
        result = reader.push(head).map(|events| {
            for e in events {
                match e {
                    Fmp4Event::Init(i) => {
                        assert!(i.bytes.len() as u64 <= 2 * LIMITS.max_box_size);
                        out.events
                            .push(format!("init {:?} {}", i.track, i.bytes.len()));
                    }
                    Fmp4Event::Samples(s) => {
                        assert!(!s.is_empty() && s.len() <= LIMITS.max_samples_per_fragment);
                        sample_bytes += s.iter().map(|s| s.data.len()).sum::<usize>();
                        out.events.push(format!(
                            "{:?}",
                            s.iter()
                                .map(|s| (s.decode_time, s.data.len()))
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            }
        });
    }
    let result = result.and_then(|()| reader.finish());
    // Samples are copies of distinct mdat bytes: never more than what came in.
    assert!(sample_bytes <= data.len());
    if let Err(e) = result {
        if let Mp4Error::LimitExceeded { value, limit, .. } = &e {
            assert!(value > limit, "{e}");
        }
        assert!(e.offset() <= data.len() as u64, "{e}");
        assert!(!e.to_string().is_empty());
        // Errors are sticky.
        assert_eq!(reader.push(b"more").unwrap_err(), e);
        assert_eq!(reader.finish().unwrap_err(), e);
        out.error = Some(e);
    }
    out
}

fn cuts() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..2000, 1..16)
}

/// Stream-like prefixes of the fixtures: init plus a few fragments.
fn fixture_prefix() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(fixture("video.mp4")[..8000].to_vec()),
        Just(fixture("audio.mp4")[..6000].to_vec()),
        Just(fixture("video_frag500ms.mp4")[..12000].to_vec()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Byte(usize, u8),
    /// A big-endian u32 (box sizes, counts, offsets are all u32 fields).
    Word(usize, u32),
    Truncate(usize),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(0u32),
        Just(1),
        Just(7),
        Just(8),
        Just(u32::MAX),
        Just(0x8000_0000),
        any::<u32>()
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Byte(i, b)),
        (any::<usize>(), interesting).prop_map(|(i, w)| Mutation::Word(i, w)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(data: &mut Vec<u8>, m: &Mutation) {
    if data.is_empty() {
        return;
    }
    let len = data.len();
    match *m {
        Mutation::Byte(i, b) => data[i % len] = b,
        Mutation::Word(i, w) => {
            let i = i % len;
            for (k, b) in w.to_be_bytes().into_iter().enumerate() {
                if let Some(d) = data.get_mut(i + k) {
                    *d = b;
                }
            }
        }
        Mutation::Truncate(i) => data.truncate(i % len),
        Mutation::Delete(i, n) => {
            let i = i % len;
            data.drain(i..(i + n).min(len));
        }
    }
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=100000 for a longer soak.

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..4096), cuts in cuts()) {
        let whole = run(&data, &[usize::MAX]);
        prop_assert_eq!(run(&data, &cuts), whole);
    }

    /// Arbitrary payloads behind plausible headers get past the size checks into the parsers.
    #[test]
    fn arbitrary_boxes_never_panic(
        boxes in prop::collection::vec(
            (prop_oneof![Just(*b"ftyp"), Just(*b"moov"), Just(*b"moof"), Just(*b"mdat"), Just(*b"free")],
             prop::collection::vec(any::<u8>(), 0..300)),
            0..8),
        cuts in cuts(),
    ) {
        let mut data = vec![];
        for (t, payload) in &boxes {
            data.extend_from_slice(&(payload.len() as u32 + 8).to_be_bytes());
            data.extend_from_slice(t);
            data.extend_from_slice(payload);
        }
        prop_assert_eq!(run(&data, &cuts), run(&data, &[usize::MAX]));
    }

    #[test]
    fn mutated_fixtures_never_panic(
        mut data in fixture_prefix(),
        mutations in prop::collection::vec(mutation(), 1..6),
        cuts in cuts(),
    ) {
        for m in &mutations {
            apply(&mut data, m);
        }
        prop_assert_eq!(run(&data, &cuts), run(&data, &[usize::MAX]));
    }
}

#[test]
fn unmutated_prefixes_read_cleanly_up_to_the_cut() {
    let data = fixture("video.mp4");
    let whole = run(&data, &[usize::MAX]);
    assert_eq!(whole.error, None);
    assert_eq!(whole.events.len(), 91);
    // A prefix ending mid-box reports truncation, with every earlier event intact.
    let cut = run(&data[..5000], &[333]);
    assert!(matches!(cut.error, Some(Mp4Error::Truncated { .. })));
    assert_eq!(cut.events, whole.events[..cut.events.len()]);
}
