/**
 * Transcode cost: CPU seconds per second of video for the ladder through a real origin,
 * against one bare FFmpeg producing the same ladder (the origin's own arguments, outputs to
 * the null muxer) from the same file, in the same run. Both are paced by -re, so both do
 * real-time work and the CPU they spend per second of video is comparable.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalNats } from "@tributary/common";
import { barChart } from "../charts.js";
import type { BenchOptions, BenchResult, Benchmark, Figure } from "../types.js";
import { bareArgs, graphFrameRate } from "./bare-args.js";
import { measureBare } from "./bare-run.js";
import type { WindowSample } from "./cpu-sample.js";
import { measureOrigin, type OriginWindow } from "./origin-run.js";
import { childProcesses } from "../proc.js";
import { breakdownTable, GOAL_MAX_RATIO, ladderFigures, ladderStats, ORIGIN_PARTS, type LadderMeasurement } from "./report.js";
import { generateSource, sourceArgs, type SourceSpec } from "./source.js";

const SOURCES: Record<string, SourceSpec> = {
  "720p": { name: "720p", width: 1280, height: 720, frameRate: 30, kbps: 4000 },
  "480p": { name: "480p", width: 854, height: 480, frameRate: 30, kbps: 2000 },
};

interface Plan {
  sources: SourceSpec[];
  sourceSeconds: number;
  warmupSeconds: number;
  windowSeconds: number;
  /** Origin/bare pairs per ladder; every second pair measures the bare FFmpeg first. */
  repeats: number;
}

export function plan(o: Pick<BenchOptions, "full" | "smoke">): Plan {
  if (o.smoke) return { sources: [SOURCES["480p"]!], sourceSeconds: 4, warmupSeconds: 1, windowSeconds: 3, repeats: 1 };
  const sources = [SOURCES["720p"]!, SOURCES["480p"]!];
  if (o.full) return { sources, sourceSeconds: 20, warmupSeconds: 5, windowSeconds: 40, repeats: 3 };
  return { sources, sourceSeconds: 10, warmupSeconds: 3, windowSeconds: 10, repeats: 2 };
}

interface Measured extends LadderMeasurement {
  spec: SourceSpec;
  source: string;
  originWindows: OriginWindow[];
  bareCommand: string[];
}

async function measureLadder(spec: SourceSpec, p: Plan, dir: string, nats: { url: string; pid: number | undefined }): Promise<Measured> {
  const source = await generateSource(dir, spec, p.sourceSeconds);
  const origin: OriginWindow[] = [];
  const bare: WindowSample[] = [];
  let bareCommand: string[] = [];
  const runBare = async () => {
    bare.push(
      await measureBare({
        args: bareCommand,
        frameRate: graphFrameRate(bareCommand) ?? spec.frameRate,
        warmupSeconds: p.warmupSeconds,
        windowSeconds: p.windowSeconds,
      }),
    );
  };
  const runOrigin = async (r: number) => {
    const o = await measureOrigin({
      natsUrl: nats.url,
      natsPid: nats.pid,
      source,
      stream: `bench-${spec.name}-${r}`,
      warmupSeconds: p.warmupSeconds,
      windowSeconds: p.windowSeconds,
    });
    origin.push(o);
    bareCommand = bareArgs(o.transcoderArgv, source);
  };
  for (let r = 0; r < p.repeats; r++) {
    // Alternate the order (the first pair needs the origin's arguments first) so that a
    // machine getting busier or quieter during the run does not favour one side.
    if (r % 2 === 0) {
      await runOrigin(r);
      await runBare();
    } else {
      await runBare();
      await runOrigin(r);
    }
  }
  const rungs = origin[0]?.renditions.filter((name) => name !== "audio") ?? [];
  const audio = origin[0]?.renditions.includes("audio") ? " + audio" : "";
  return {
    label: `${spec.name}${spec.frameRate} source → ${rungs.join(", ")}${audio}`,
    short: `${spec.name} → ${rungs.length} rung${rungs.length === 1 ? "" : "s"}`,
    origin,
    bare,
    spec,
    source,
    originWindows: origin,
    bareCommand,
  };
}

function gpuNote(): string {
  const path = "GPU path (NVDEC decode, `scale_cuda`; H100/H200 have no NVENC)";
  if (existsSync("/dev/nvidiactl")) {
    return `${path}: not measured: this machine has an NVIDIA device, but the origin's transcoder has no GPU path yet (libx264 only).`;
  }
  return `${path}: not measured (no GPU lent to this run).`;
}

/** Arguments as a POSIX shell reads them back. */
function shellWords(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

function notes(measured: Measured[], p: Plan, cores: number): string {
  const c = measured[0]?.originWindows[0]?.config;
  const last = measured.at(-1)!;
  const windows = measured.map((m) => {
    const w = (list: WindowSample[]) => list.map((x) => `${x.mediaSeconds.toFixed(1)} s of video in ${x.wallSeconds.toFixed(1)} s`).join("; ");
    return `- ${m.label}: origin ${w(m.origin)}; bare ${w(m.bare)}`;
  });
  return [
    "Through the origin: a real `Origin` (in this Node process, with a local `nats-server -js`) plays a camera-like",
    `MPEG-TS file (H.264 with a 1 s GOP, AAC; looped, \`-re\`) as its test-stream contribution, plans the ladder from`,
    `it, transcodes it with its own FFmpeg arguments (x264 preset \`${c?.x264Preset ?? "?"}\`, ${c?.partTargetMs ?? "?"} ms parts, ${c?.segmentTargetMs ?? "?"} ms`,
    "segments), packages it with the Rust packager and announces every part on JetStream. The baseline is one bare",
    "FFmpeg with the transcoder's own argument list (read from /proc), reading the same file with `-re` and writing every",
    "rendition to the null muxer. CPU is user + system time from `/proc/<pid>/stat` (the Node process: `process.cpuUsage()`),",
    `after ${p.warmupSeconds} s of warm-up, over ${p.windowSeconds} s windows that start and end on part boundaries (origin) or`,
    "progress reports (bare), divided by the seconds of video the first rung produced in the window. The ratio is",
    `origin ÷ bare for windows measured back to back (${p.repeats === 1 ? "one pair" : `median of ${p.repeats} pairs, in alternating order,`} per ladder); the goal is ≤ ${GOAL_MAX_RATIO}.`,
    `The origin's figure counts ${ORIGIN_PARTS.join(", ")}; nats-server is listed apart. Streams per box divide this machine's`,
    `${cores} cores by the CPU per video second, i.e. ignore everything else a box runs.`,
    "",
    breakdownTable(measured),
    "",
    "Windows:",
    ...windows,
    "",
    gpuNote(),
    "",
    "To run the baseline by hand (last ladder): make the source, then the bare FFmpeg:",
    "",
    "```sh",
    `ffmpeg ${shellWords(sourceArgs(last.spec, p.sourceSeconds, "source.ts"))}`,
    `ffmpeg ${shellWords(last.bareCommand.map((a) => (a === last.source ? "source.ts" : a)))}`,
    "```",
  ].join("\n");
}

export async function runTranscodeBenchmark(options: BenchOptions): Promise<BenchResult> {
  const p = plan(options);
  const cores = cpus().length;
  const dir = await mkdtemp(join(tmpdir(), "tributary-bench-transcode-"));
  const nats = await startLocalNats();
  try {
    const port = new URL(nats.url).port;
    const natsPid = childProcesses(process.pid).find((c) => c.comm === "nats-server" && c.argv.includes(port))?.pid;
    const measured: Measured[] = [];
    for (const spec of p.sources) measured.push(await measureLadder(spec, p, dir, { url: nats.url, pid: natsPid }));

    const figures: Figure[] = measured.flatMap((m) => ladderFigures(m, cores));
    const chart = { file: "transcode-cpu.png", title: "Transcode CPU per second of video: through the origin against bare FFmpeg" };
    await barChart(join(options.chartDir, chart.file), {
      title: chart.title,
      xLabel: "source → ladder",
      yLabel: "CPU seconds per second of video",
      bars: measured.flatMap((m) => {
        const s = ladderStats(m);
        return [
          { category: m.short, group: "bare ffmpeg (same ladder, null muxer)", value: s.bare },
          { category: m.short, group: "origin's transcoder process alone", value: s.parts.transcoder ?? NaN },
          { category: m.short, group: "through the origin (transcoder + contribution + Node)", value: s.origin },
        ];
      }),
    });
    return {
      name: "transcode",
      title: "Transcode cost",
      command: `npm run bench -- --only transcode${options.full ? " --full" : ""}`,
      figures,
      notes: notes(measured, p, cores),
      charts: [chart],
    };
  } finally {
    await nats.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = { name: "transcode", run: runTranscodeBenchmark };
