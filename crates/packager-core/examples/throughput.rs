//! Packager throughput: bytes of fragmented MP4 per second through [`StreamPackager`]
//! (parts and playlists out), against copying the same bytes in the same process.
//!
//! ```sh
//! cargo run --release -p packager-core --example throughput -- \
//!     --input video:720p.mp4 --input video:480p.mp4 --input audio:audio.mp4 --runs 7 --json
//! ```
//!
//! Each input is one rendition's fMP4 as FFmpeg writes it for the origin (one fragment per
//! frame). It is split into the writes the origin's pipes deliver (`ftyp`+`moov`, then each
//! `moof`+`mdat`), and the renditions' writes are interleaved in media order. One *pass*
//! feeds every write once, as one transcoder run; a *run* is a fresh packager fed passes
//! until `--bytes-per-run` is reached, rendering the rendition's media playlist after every
//! part (a blocking playlist reload answered) and the multivariant playlist after every
//! init. Each run also times the packager without playlist rendering ("parts only") and
//! the copy baseline, which copies every write, in the same order, into a buffer the size
//! of a pass. The faster loops get proportionally more passes so that every loop runs
//! about as long; compare bytes per second. Everything is timed by wall clock and by this
//! thread's CPU time (`/proc/thread-self/schedstat`, when present). With no `--input`, the
//! crate's small test fixtures are used. The benchmark runner (`bench/`) computes the
//! statistics.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use packager_core::mp4::TrackKind;
use packager_core::playlist::RenderOptions;
use packager_core::segmenter::SegmenterConfig;
use packager_core::stream::{RenditionConfig, StreamConfig, StreamEvent, StreamPackager};

struct Options {
    inputs: Vec<(TrackKind, PathBuf)>,
    runs: usize,
    bytes_per_run: u64,
    renders_per_part: usize,
    window_segments: usize,
    json: bool,
}

/// One rendition's stream, split into writes.
struct Input {
    name: String,
    kind: TrackKind,
    writes: Vec<Vec<u8>>,
}

#[derive(Default)]
struct Totals {
    bytes: u64,
    parts: u64,
    playlists: u64,
    playlist_bytes: u64,
    passes: u64,
}

struct Timing {
    wall_s: f64,
    cpu_s: Option<f64>,
}

/// One timed run: the packager with playlists, the packager alone, the copy baseline.
struct Run {
    packager: Timing,
    totals: Totals,
    parts_only: Timing,
    parts_only_bytes: u64,
    copy: Timing,
    copy_bytes: u64,
}

fn main() {
    if let Err(message) = run() {
        eprintln!("throughput: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let options = parse_args(std::env::args().skip(1))?;
    let inputs = load_inputs(&options)?;
    // The interleaved order of writes: (rendition, write index), in media order.
    let order = interleave(&inputs);
    let pass_bytes: u64 = inputs
        .iter()
        .flat_map(|i| i.writes.iter())
        .map(|w| w.len() as u64)
        .sum();
    if pass_bytes == 0 {
        return Err("inputs are empty".into());
    }
    let passes = options.bytes_per_run.div_ceil(pass_bytes).max(1);

    // Warm up every loop once (page faults, allocator), and time one pass of each: the
    // faster loops get more passes, so every loop runs about as long as the packager's and
    // the thread CPU clock (a few ms granularity) is precise enough for all three.
    let feed = Feed {
        inputs: &inputs,
        order: &order,
        window_segments: options.window_segments,
    };
    let (t_pack, _) = timed(|| packager_run(&feed, 1, options.renders_per_part));
    let (t_parts, _) = timed(|| packager_run(&feed, 1, 0));
    let (t_copy, _) = timed(|| copy_run(&inputs, &order, 1, pass_bytes));
    let scaled = |t: &Timing| {
        let factor = (t_pack.wall_s / t.wall_s.max(1e-9)).clamp(1.0, 1000.0);
        (passes as f64 * factor).ceil() as u64
    };
    let parts_passes = scaled(&t_parts);
    let copy_passes = scaled(&t_copy);

    let mut runs = Vec::new();
    for _ in 0..options.runs {
        let (copy, copied) = timed(|| copy_run(&inputs, &order, copy_passes, pass_bytes));
        let (packager, totals) = timed(|| packager_run(&feed, passes, options.renders_per_part));
        let totals = totals?;
        let (parts_only, parts_totals) = timed(|| packager_run(&feed, parts_passes, 0));
        let parts_totals = parts_totals?;
        if totals.bytes != passes * pass_bytes || parts_totals.bytes != parts_passes * pass_bytes {
            return Err("the packager was not fed every write".into());
        }
        runs.push(Run {
            packager,
            parts_only,
            parts_only_bytes: parts_totals.bytes,
            copy,
            copy_bytes: copied,
            totals,
        });
    }
    print_report(&options, &inputs, pass_bytes, passes, &runs);
    Ok(())
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        inputs: Vec::new(),
        runs: 7,
        bytes_per_run: 256 << 20,
        renders_per_part: 1,
        window_segments: 30,
        json: false,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--input" => {
                let v = value()?;
                let (kind, path) = v
                    .split_once(':')
                    .ok_or(format!("--input {v}: expected video:PATH or audio:PATH"))?;
                let kind = match kind {
                    "video" => TrackKind::Video,
                    "audio" => TrackKind::Audio,
                    _ => return Err(format!("--input {v}: kind must be video or audio")),
                };
                o.inputs.push((kind, PathBuf::from(path)));
            }
            "--runs" => o.runs = number::<usize>(&value()?, "--runs")?.max(1),
            "--bytes-per-run" => o.bytes_per_run = number(&value()?, "--bytes-per-run")?,
            "--renders-per-part" => o.renders_per_part = number(&value()?, "--renders-per-part")?,
            "--window-segments" => {
                o.window_segments = number::<usize>(&value()?, "--window-segments")?.max(3)
            }
            "--json" => o.json = true,
            "--help" | "-h" => {
                return Err("options: --input video|audio:PATH (repeat), --runs N (7), \
                     --bytes-per-run N (268435456), --renders-per-part N (1), \
                     --window-segments N (30), --json"
                    .into())
            }
            other => return Err(format!("unknown argument {other} (see --help)")),
        }
    }
    if o.inputs.is_empty() {
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        o.inputs = vec![
            (TrackKind::Video, fixtures.join("video.mp4")),
            (TrackKind::Audio, fixtures.join("audio.mp4")),
        ];
    }
    Ok(o)
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name}: {text} is not a number"))
}

fn load_inputs(options: &Options) -> Result<Vec<Input>, String> {
    options
        .inputs
        .iter()
        .enumerate()
        .map(|(i, (kind, path))| {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let writes = split_writes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = match kind {
                TrackKind::Video => format!("video{i}"),
                TrackKind::Audio => format!("audio{i}"),
            };
            Ok(Input {
                name,
                kind: *kind,
                writes,
            })
        })
        .collect()
}

/// Splits an fMP4 file into the writes FFmpeg makes with `-flush_packets 1`: everything up
/// to the first `moof` (`ftyp` + `moov`), then each `moof` with the boxes after it.
fn split_writes(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut writes: Vec<Vec<u8>> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let header: [u8; 8] = rest
            .get(..8)
            .and_then(|h| h.try_into().ok())
            .ok_or("truncated box header")?;
        let [s0, s1, s2, s3, t0, t1, t2, t3] = header;
        let size = u32::from_be_bytes([s0, s1, s2, s3]) as usize;
        if size < 8 {
            return Err(format!("box size {size} not supported here"));
        }
        let boxed = rest.get(..size).ok_or("truncated box")?;
        if &[t0, t1, t2, t3] == b"moof" && !current.is_empty() {
            writes.push(std::mem::take(&mut current));
        }
        current.extend_from_slice(boxed);
        rest = rest.get(size..).unwrap_or_default();
    }
    if !current.is_empty() {
        writes.push(current);
    }
    Ok(writes)
}

/// Every write of every rendition, ordered by its position in its own stream (a fair
/// stand-in for media time: renditions of one transcoder advance together).
fn interleave(inputs: &[Input]) -> Vec<(usize, usize)> {
    let mut order: Vec<(f64, usize, usize)> = inputs
        .iter()
        .enumerate()
        .flat_map(|(r, input)| {
            let n = input.writes.len().max(1) as f64;
            (0..input.writes.len()).map(move |w| (w as f64 / n, r, w))
        })
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    order.into_iter().map(|(_, r, w)| (r, w)).collect()
}

/// The input writes in feeding order, and the packager's playlist window.
struct Feed<'a> {
    inputs: &'a [Input],
    order: &'a [(usize, usize)],
    window_segments: usize,
}

fn packager_run(feed: &Feed<'_>, passes: u64, renders_per_part: usize) -> Result<Totals, String> {
    let Feed { inputs, order, .. } = *feed;
    let mut packager = StreamPackager::new(StreamConfig {
        segmenter: SegmenterConfig::default(),
        window_segments: feed.window_segments,
        first_msn: 1_000_000,
        renditions: inputs
            .iter()
            .map(|i| RenditionConfig {
                name: i.name.clone(),
                kind: i.kind,
                bitrate: 1_000_000,
                frame_rate: (i.kind == TrackKind::Video).then_some(30.0),
            })
            .collect(),
    })
    .map_err(|e| e.to_string())?;
    let mut totals = Totals::default();
    let mut wall_ms = 1_700_000_000_000_i64;
    for _ in 0..passes {
        packager.begin_run(wall_ms).map_err(|e| e.to_string())?;
        for &(r, w) in order {
            let Some(data) = inputs.get(r).and_then(|i| i.writes.get(w)) else {
                continue;
            };
            let events = packager.push(r, data).map_err(|e| e.to_string())?;
            totals.bytes += data.len() as u64;
            account(&packager, &events, renders_per_part, &mut totals);
            black_box(events);
        }
        let events = packager.end_run();
        account(&packager, &events, renders_per_part, &mut totals);
        totals.passes += 1;
        wall_ms += 60_000;
    }
    Ok(totals)
}

/// What the origin does with the events: serve each part's playlist, list inits.
fn account(packager: &StreamPackager, events: &[StreamEvent], renders: usize, t: &mut Totals) {
    for event in events {
        match event {
            StreamEvent::Part(part) => {
                t.parts += 1;
                for _ in 0..renders {
                    if let Some(text) =
                        packager.media_playlist(part.rendition, RenderOptions::default())
                    {
                        t.playlists += 1;
                        t.playlist_bytes += text.len() as u64;
                        black_box(text);
                    }
                }
            }
            StreamEvent::Init { .. } if renders > 0 => {
                if let Some(text) = packager.multivariant_playlist() {
                    t.playlists += 1;
                    t.playlist_bytes += text.len() as u64;
                    black_box(text);
                }
            }
            StreamEvent::Init { .. }
            | StreamEvent::Evicted { .. }
            | StreamEvent::Warning { .. } => {}
        }
    }
}

/// The baseline: the same writes, in the same order, copied into one pass-sized buffer.
fn copy_run(inputs: &[Input], order: &[(usize, usize)], passes: u64, pass_bytes: u64) -> u64 {
    let mut out = vec![0u8; usize::try_from(pass_bytes).unwrap_or(usize::MAX)];
    let mut copied = 0u64;
    for _ in 0..passes {
        let mut offset = 0usize;
        for &(r, w) in order {
            let Some(data) = inputs.get(r).and_then(|i| i.writes.get(w)) else {
                continue;
            };
            if let Some(dst) = out.get_mut(offset..offset + data.len()) {
                dst.copy_from_slice(black_box(data));
            }
            offset += data.len();
            copied += data.len() as u64;
        }
        black_box(&mut out);
    }
    copied
}

fn timed<T>(f: impl FnOnce() -> T) -> (Timing, T) {
    let cpu0 = thread_cpu_seconds();
    let start = Instant::now();
    let value = f();
    let wall_s = start.elapsed().as_secs_f64();
    let cpu_s = match (cpu0, thread_cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    (Timing { wall_s, cpu_s }, value)
}

/// CPU time this thread has run, from the scheduler (nanoseconds), where Linux offers it.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn print_report(options: &Options, inputs: &[Input], pass_bytes: u64, passes: u64, runs: &[Run]) {
    let opt = |v: Option<f64>| v.map_or("null".to_string(), |v| format!("{v:.9}"));
    if options.json {
        let inputs_json: Vec<String> =
            inputs
                .iter()
                .zip(&options.inputs)
                .map(|(i, (_, path))| {
                    format!(
                    "{{\"name\":\"{}\",\"kind\":\"{}\",\"path\":{:?},\"writes\":{},\"bytes\":{}}}",
                    i.name,
                    if i.kind == TrackKind::Video { "video" } else { "audio" },
                    path.display().to_string(),
                    i.writes.len(),
                    i.writes.iter().map(|w| w.len()).sum::<usize>()
                )
                })
                .collect();
        let runs_json: Vec<String> = runs
            .iter()
            .map(|run| {
                let t = &run.totals;
                format!(
                    "{{\"bytes\":{},\"parts\":{},\"playlists\":{},\"playlist_bytes\":{},\"passes\":{},\
                     \"packager_wall_s\":{:.9},\"packager_cpu_s\":{},\
                     \"parts_only_bytes\":{},\"parts_only_wall_s\":{:.9},\"parts_only_cpu_s\":{},\
                     \"copy_bytes\":{},\"copy_wall_s\":{:.9},\"copy_cpu_s\":{}}}",
                    t.bytes,
                    t.parts,
                    t.playlists,
                    t.playlist_bytes,
                    t.passes,
                    run.packager.wall_s,
                    opt(run.packager.cpu_s),
                    run.parts_only_bytes,
                    run.parts_only.wall_s,
                    opt(run.parts_only.cpu_s),
                    run.copy_bytes,
                    run.copy.wall_s,
                    opt(run.copy.cpu_s)
                )
            })
            .collect();
        println!(
            "{{\"profile\":\"{}\",\"pass_bytes\":{pass_bytes},\"passes_per_run\":{passes},\
             \"renders_per_part\":{},\"window_segments\":{},\"inputs\":[{}],\"runs\":[{}]}}",
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            options.renders_per_part,
            options.window_segments,
            inputs_json.join(","),
            runs_json.join(",")
        );
        return;
    }
    println!("{pass_bytes} bytes per pass, {passes} passes per run");
    for (i, run) in runs.iter().enumerate() {
        let t = &run.totals;
        let gbps = |bytes: u64, s: f64| bytes as f64 / s / 1e9;
        println!(
            "run {i}: packager {:.3} GB/s, parts only {:.3} GB/s, copy {:.3} GB/s (wall clock; \
             {} parts, {} playlists of {} bytes on average)",
            gbps(t.bytes, run.packager.wall_s),
            gbps(run.parts_only_bytes, run.parts_only.wall_s),
            gbps(run.copy_bytes, run.copy.wall_s),
            t.parts,
            t.playlists,
            t.playlist_bytes / t.playlists.max(1)
        );
    }
}
