/**
 * Packager throughput: bytes of fMP4 per second through the Rust packager (parts and
 * playlists out), inside one process, against copying the same bytes in the same run.
 * The measuring is done by crates/packager-core/examples/throughput.rs; this module makes
 * its input, builds and runs it, and turns its report into figures and a chart.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineChart } from "../charts.js";
import { formatNumber } from "../figure-table.js";
import { median } from "../stats.js";
import type { BenchOptions, BenchResult, Benchmark } from "../types.js";
import { generateInput, type Rendition } from "./input.js";
import { GOAL_GBPS_PER_CORE, throughputFigures, throughputStats, type ThroughputReport } from "./report.js";
import { buildThroughputBinary, runThroughput, type ThroughputArgs } from "./throughput-binary.js";

interface Plan {
  inputSeconds: number;
  runs: number;
  bytesPerRun: number;
  release: boolean;
}

/** Short: about 20 s with the build done; full: longer input, more and longer runs. */
export function plan(o: Pick<BenchOptions, "full" | "smoke">): Plan {
  if (o.smoke) return { inputSeconds: 3, runs: 2, bytesPerRun: 4 << 20, release: false };
  if (o.full) return { inputSeconds: 30, runs: 21, bytesPerRun: 1 << 30, release: true };
  return { inputSeconds: 10, runs: 7, bytesPerRun: 256 << 20, release: true };
}

function describeInputs(renditions: Rendition[], seconds: number): string {
  return renditions
    .map((r) => {
      const measured = (r.bytes * 8) / seconds / 1000;
      const size = r.kind === "video" ? `${r.width}x${r.height} H.264` : "AAC-LC stereo";
      return `${r.name} (${size}, ${r.kbps} kbit/s target, ${formatNumber(measured)} kbit/s as encoded)`;
    })
    .join(", ");
}

function notes(report: ThroughputReport, renditions: Rendition[], p: Plan): string {
  const s = throughputStats(report);
  const perPass = report.inputs.map((i) => `${i.name} ${i.writes} writes`).join(", ");
  const render = median(s.renderMicros);
  // Rendering's share of the packager's CPU time: per byte, what the parts-only loop does not spend (paired per run).
  const renderShare = median(s.perCore.packager.map((p, i) => 1 - p / s.perCore.partsOnly[i]!));
  return [
    `Input: ${p.inputSeconds} s of the origin's default ladder for a 720p30 source, as the origin's FFmpeg writes it`,
    `(fragmented MP4, one fragment per frame, 1 s GOP): ${describeInputs(renditions, p.inputSeconds)}.`,
    "",
    `Each run is a fresh \`StreamPackager\` (200 ms parts, 1 s segments, ${report.window_segments}-segment window) fed`,
    `${report.passes_per_run} passes over the input (${formatNumber(report.pass_bytes / 1e6)} MB each; a pass is one transcoder run:`,
    `${perPass}), one write per \`ftyp\`+\`moov\` or \`moof\`+\`mdat\` as the pipes deliver them, renditions interleaved.`,
    "After every part the rendition's media playlist is rendered once (one blocking reload answered), after every init",
    "the multivariant playlist. In the same run, back to back: the packager cutting parts only (no playlist rendering),",
    "and the baseline, which copies the same writes in the same order with `copy_from_slice` into a pass-sized buffer.",
    "The faster loops get more passes so that all three run about as long. Throughput counts input bytes (1 GB = 10^9",
    "bytes) per second of the packaging thread's own CPU time (`/proc/thread-self/schedstat`), so other work on a shared",
    `machine does not lower it; the last two rows are wall clock. ${report.profile} build.`,
    "",
    `Where the time goes: a media playlist costs about ${formatNumber(render)} µs of CPU to render, as much as cutting`,
    `${formatNumber((render * 1e-6 * median(s.perCore.partsOnly) * 1e9) / 1e3)} kB of media into parts; one render per part`,
    `takes about ${formatNumber(renderShare * 100)}% of the packager's CPU time at these bit rates.`,
    "",
    "Run it directly: `cargo run --release -p packager-core --example throughput -- --input video:720p.mp4 --input audio:audio.mp4`",
    "(no `--input`: the crate's small test fixtures; `--json` for the raw per-run timings).",
  ].join("\n");
}

export async function runPackagerBenchmark(options: BenchOptions): Promise<BenchResult> {
  const p = plan(options);
  const dir = await mkdtemp(join(tmpdir(), "tributary-bench-packager-"));
  try {
    const [binary, renditions] = await Promise.all([buildThroughputBinary(p.release), generateInput(dir, p.inputSeconds)]);
    const args: ThroughputArgs = {
      inputs: renditions.map((r) => ({ kind: r.kind, path: r.path })),
      runs: p.runs,
      bytesPerRun: p.bytesPerRun,
      windowSegments: 30,
      rendersPerPart: 1,
    };
    const report = await runThroughput(binary, args);
    const s = throughputStats(report);
    const chart = { file: "packager-throughput.png", title: "Packager throughput per run against copying the same bytes" };
    const runPoints = (values: number[]) => values.map((v, i): [number, number] => [i + 1, v]);
    await lineChart(join(options.chartDir, chart.file), {
      title: chart.title,
      xLabel: "run",
      yLabel: "GB per CPU-second (log scale)",
      yScale: "log",
      series: [
        { name: "copy_from_slice (baseline)", points: runPoints(s.perCore.copy) },
        { name: "packager: parts only", points: runPoints(s.perCore.partsOnly) },
        { name: "packager: parts + a media playlist per part", points: runPoints(s.perCore.packager) },
      ],
      rules: [{ axis: "y", value: GOAL_GBPS_PER_CORE, label: `goal: ${GOAL_GBPS_PER_CORE} GB/s per core` }],
    });
    return {
      name: "packager",
      title: "Packager throughput",
      command: `npm run bench -- --only packager${options.full ? " --full" : ""}`,
      figures: throughputFigures(report),
      notes: notes(report, renditions, p),
      charts: [chart],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = { name: "packager", run: runPackagerBenchmark };
