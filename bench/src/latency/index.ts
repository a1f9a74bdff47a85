/**
 * Glass-to-glass latency: a camera whose frames show their own capture time is published to
 * an edge of a single-node cluster, over SRT by an encoder and then over WHIP by a browser;
 * Chromium plays each on the edge's watch page (hls.js, LL-HLS) and reads the time back from
 * every frame it displays. The same frames are followed through every stage the cluster
 * stamps, and the SRT source is encoded and decoded locally, with nothing in between, as the
 * floor of the measurement.
 */
import { availableParallelism, loadavg } from "node:os";
import { envVar, intFromEnv, readEnv } from "@tributary/common";
import { chromium, type Browser } from "playwright-core";
import { median, percentile } from "../stats.js";
import type { Benchmark, BenchOptions, BenchResult, Figure } from "../types.js";
import { BrowserBroadcaster, type SenderReport } from "./browser-broadcaster.js";
import { STAGES, WHIP_STAGES } from "./budget.js";
import { writeLatencyCharts } from "./charts.js";
import { DEFAULT_CLOCK_SOURCE, ClockSource, type ClockSourceOptions } from "./clock-source.js";
import { startLatencyCluster, type LatencyCluster } from "./cluster.js";
import { measureCodecFloor } from "./codec-floor.js";
import { latencyNotes } from "./notes.js";
import { CHROMIUM } from "./player-probe.js";
import { publishAndPlay, type ClockPublisher, type PathResult } from "./publish-and-play.js";

const STREAM = "clock";
const KEY = "latency-bench-clock-key";
/** The browser broadcaster publishes a stream of its own, after the SRT one has ended. */
const WHIP_STREAM = "clock-whip";
const WHIP_KEY = "latency-bench-whip-key";
/** The broadcast page's video cap (packages/player/src/broadcast/broadcaster.ts). */
const WHIP_MAX_KBPS = 2500;
/** The WHIP path has reached steady state once the transcoder's output trails capture by less than this, ms. */
const WHIP_SETTLED_LAG_MS = 500;
/** One rung keeps the two shared cores for the path being measured. */
const LADDER = "360p:360:600";
const RENDITION = { name: "360p", index: 0 };
/** Kept clear of the ranges the integration tests use (17100-17899). */
const CONTRIBUTION_PORTS = "19300-19309";
const WEBRTC_PORTS = "19400-19499";

export interface LatencyPlan {
  mode: "smoke" | "short" | "full";
  runs: number;
  /** Measured seconds per run, after the warm-up. */
  seconds: number;
  /** Seconds of playback before a run's measurement starts (the player settles on its target). */
  warmupSeconds: number;
  floorSeconds: number;
  partTargetMs: number;
  /** SRT receive latency on both hops (publisher → edge, edge → origin), ms. */
  srtLatencyMs: number;
  source: Omit<ClockSourceOptions, "url" | "tee">;
  /** The browser broadcaster's (WHIP) runs and measured seconds per run. */
  whip: { runs: number; seconds: number };
}

/** What a person may set in the environment to measure another configuration. */
const LATENCY_ENV = {
  LATENCY_PART_TARGET_MS: envVar(intFromEnv(50, 2000).default(200), "part target of the measured cluster, ms"),
  // Loopback has no loss and no RTT to cover: SRT's 120 ms default buffers for the internet.
  LATENCY_SRT_MS: envVar(intFromEnv(20, 8000).default(40), "SRT receive latency on both hops, ms"),
};

export function latencyPlan(o: BenchOptions, env: NodeJS.ProcessEnv = process.env): LatencyPlan {
  const { LATENCY_PART_TARGET_MS: partTargetMs, LATENCY_SRT_MS: srtLatencyMs } = readEnv(LATENCY_ENV, env);
  const size = /^(\d{2,4})x(\d{2,4})$/.exec(env.LATENCY_SOURCE ?? "854x480");
  if (!size) throw new Error(`LATENCY_SOURCE=${env.LATENCY_SOURCE}: a size like 1280x720`);
  const source = { ...DEFAULT_CLOCK_SOURCE, width: Number(size[1]), height: Number(size[2]), preset: "ultrafast", videoKbps: 1500 };
  const base = { partTargetMs, srtLatencyMs, source };
  if (o.smoke) return { ...base, mode: "smoke", runs: 1, seconds: 10, warmupSeconds: 2, floorSeconds: 3, whip: { runs: 1, seconds: 6 } };
  if (o.full) return { ...base, mode: "full", runs: 4, seconds: 90, warmupSeconds: 5, floorSeconds: 15, whip: { runs: 2, seconds: 90 } };
  return { ...base, mode: "short", runs: 1, seconds: 60, warmupSeconds: 5, floorSeconds: 8, whip: { runs: 1, seconds: 60 } };
}

export const benchmark: Benchmark = { name: "latency", run: runLatency };

async function runLatency(options: BenchOptions): Promise<BenchResult> {
  const plan = latencyPlan(options);
  // The machine may be shared: its load is part of the result.
  const load: number[] = [loadavg()[0]!];
  const loadTimer = setInterval(() => load.push(loadavg()[0]!), 5_000);
  const floor = await measureCodecFloor(plan.source, plan.floorSeconds);
  const cluster = await startLatencyCluster({
    STREAM_KEYS: `${KEY}=${STREAM},${WHIP_KEY}=${WHIP_STREAM}`,
    LADDER,
    X264_PRESET: "ultrafast",
    PART_TARGET_MS: String(plan.partTargetMs),
    SRT_LATENCY_MS: String(plan.srtLatencyMs),
    CONTRIBUTION_PORTS,
    WEBRTC_PORTS,
  });
  let browser: Browser | undefined;
  let srt: PathResult;
  let whip: { path: PathResult; sender: SenderReport | undefined } | { error: string };
  try {
    browser = await chromium.launch(CHROMIUM);
    const watch = { warmupSeconds: plan.warmupSeconds, rendition: RENDITION };
    srt = await publishAndPlay(cluster, browser, { ...watch, runs: plan.runs, seconds: plan.seconds }, srtPublisher(cluster, plan), STAGES);
    // The two paths run one after the other: on two shared cores, side by side they would measure each other.
    const { width, height, frameRate } = plan.source;
    const broadcaster = new BrowserBroadcaster(browser, { edge: cluster.edge.url, key: WHIP_KEY, width, height, frameRate, maxKbps: WHIP_MAX_KBPS });
    let sender: SenderReport | undefined;
    const publisher: ClockPublisher = {
      stream: WHIP_STREAM,
      frames: broadcaster,
      start: () => broadcaster.start(),
      failure: () => undefined,
      // Nothing stamps a browser's frames before the transcoder: its output's lag shows the backlog.
      settled: (timeline) => (timeline.outputLagMs ?? Infinity) < WHIP_SETTLED_LAG_MS,
      close: async () => {
        sender = await broadcaster.report().catch(() => undefined);
        await broadcaster.close();
      },
    };
    // A failed WHIP path is reported in the notes, without losing the SRT path's figures.
    whip = await publishAndPlay(cluster, browser, { ...watch, ...plan.whip }, publisher, WHIP_STAGES).then(
      (path) => ({ path, sender }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    );
  } finally {
    clearInterval(loadTimer);
    await browser?.close();
    await cluster.close();
  }
  load.push(loadavg()[0]!);

  const glass = glassToGlass(srt);
  const whipGlass = "path" in whip ? glassToGlass(whip.path) : [];
  const charts = await writeLatencyCharts(options.chartDir, {
    glassToGlassMs: glass,
    whipGlassToGlassMs: whipGlass,
    floorMs: floor.latenciesMs,
    budget: srt.budget,
    runs: chartRuns(srt),
    whipRuns: "path" in whip ? chartRuns(whip.path) : [],
  });
  const floorBaseline = { label: "codec floor (same encoder → decoder, no network)", values: floor.latenciesMs };
  return {
    name: "latency",
    title: "Glass-to-glass latency (SRT or WHIP → edge → origin → LL-HLS → hls.js)",
    command: options.smoke ? "vitest run --project bench bench/test/latency.test.ts" : `npm run bench -- --only latency${options.full ? " --full" : ""}`,
    figures: [
      ...pathFigures("", glass, srt, floorBaseline),
      ...("path" in whip ? pathFigures("WHIP ", whipGlass, whip.path, { label: "SRT publisher, same run", values: glass }) : []),
      { label: `machine load during the run (1-min load average, max; ${availableParallelism()} cores)`, value: round(Math.max(...load), 1), unit: "" },
    ],
    notes: latencyNotes({ plan, floor, srt, whip, load, ladder: LADDER, streams: { srt: STREAM, whip: WHIP_STREAM }, whipMaxKbps: WHIP_MAX_KBPS }),
    charts,
  };
}

/** The SRT camera: FFmpeg encodes the clock source and publishes it to the edge's SRT ingest. */
function srtPublisher(cluster: LatencyCluster, plan: LatencyPlan): ClockPublisher {
  const source = new ClockSource({ ...plan.source, url: cluster.srtUrl(KEY, plan.srtLatencyMs), tee: true });
  let exit: string | undefined;
  source.once("exit", (detail) => (exit = detail));
  return {
    stream: STREAM,
    frames: source,
    encoder: source,
    start: () => source.start(),
    failure: () => exit,
    // The SRT handshakes, the origin's listener and probing queue media that is then sent in a burst.
    settled: (timeline) => (timeline.backlogMs ?? Infinity) < 300,
    close: () => source.close(),
  };
}

function glassToGlass(path: PathResult): number[] {
  return path.journeys.map((j) => j.displayedAt - j.frame.captured);
}

/** Per run: per-second median glass to glass, and hls.js's own latency, against seconds into the window. */
function chartRuns(path: PathResult): { glass: [number, number][]; hls: [number, number][] }[] {
  return path.runs.map((r) => ({
    glass: perSecond(r.displays.filter((d) => d.captured !== null).map((d) => [d.displayedAt, d.displayedAt - d.captured!]), r.windowStart),
    hls: r.hlsLatencyMs.map((s): [number, number] => [round((s.at - r.windowStart) / 1000, 2), s.ms]),
  }));
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** [seconds into the window, median of that second] points. */
function perSecond(points: [number, number][], start: number): [number, number][] {
  const buckets = new Map<number, number[]>();
  for (const [at, v] of points) {
    const second = Math.floor((at - start) / 1000);
    if (second < 0) continue;
    let bucket = buckets.get(second);
    if (!bucket) buckets.set(second, (bucket = []));
    bucket.push(v);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([s, vs]) => [s + 0.5, round(median(vs))]);
}

/**
 * One path's figures, labelled with `prefix` ("" for SRT, whose labels other code reads;
 * "WHIP " for the browser broadcaster), against `baseline` (the codec floor for SRT, the SRT
 * path for WHIP).
 */
function pathFigures(prefix: string, glass: number[], path: PathResult, baseline: { label: string; values: number[] }): Figure[] {
  const { runs, budget: b } = path;
  const baseP50 = median(baseline.values);
  const baseP95 = percentile(baseline.values, 95);
  const baseP99 = percentile(baseline.values, 99);
  const p50 = percentile(glass, 50);
  const p95 = percentile(glass, 95);
  const p99 = percentile(glass, 99);
  const ratio = (v: number, base: number) => (Number.isFinite(v) && base > 0 ? round(v / base, 1) : undefined);
  const stalls = runs.reduce((n, r) => n + r.stalls, 0);
  const dropped = runs.reduce((n, r) => n + r.droppedFrames, 0);
  const total = runs.reduce((n, r) => n + r.totalFrames, 0);
  const displayed = runs.reduce((n, r) => n + r.displays.length, 0);
  const unread = runs.reduce((n, r) => n + r.unread, 0);
  const hls = runs.flatMap((r) => r.hlsLatencyMs.map((s) => s.ms));
  return [
    {
      label: `${prefix}glass-to-glass p50`,
      value: round(p50),
      unit: "ms",
      baseline: { label: baseline.label, value: round(baseP50) },
      ratio: ratio(p50, baseP50),
      goal: { text: "p50 ≤ 1.0 s on one machine over loopback", met: p50 <= 1000 },
    },
    {
      label: `${prefix}glass-to-glass p95`,
      value: round(p95),
      unit: "ms",
      baseline: { label: baseline.label, value: round(baseP95) },
      ratio: ratio(p95, baseP95),
      goal: { text: "p95 ≤ 1.5 s on one machine over loopback", met: p95 <= 1500 },
    },
    { label: `${prefix}glass-to-glass p99`, value: round(p99), unit: "ms", baseline: { label: baseline.label, value: round(baseP99) }, ratio: ratio(p99, baseP99) },
    { label: `${prefix}glass-to-glass frames measured`, value: glass.length, unit: "frames" },
    { label: `${prefix}hls.js latency (its own estimate behind the live edge), median`, value: round(median(hls)), unit: "ms" },
    {
      label: `${prefix}stalls after start-up (video \`waiting\` while playing, in the measured windows)`,
      value: stalls,
      unit: "stalls",
      goal: { text: "no stall after start-up", met: stalls === 0 && runs.length > 0 },
    },
    { label: `${prefix}dropped video frames (getVideoPlaybackQuality)`, value: total > 0 ? round((100 * dropped) / total, 1) : 0, unit: "%" },
    { label: `${prefix}level switches`, value: runs.reduce((n, r) => n + r.levelSwitches, 0), unit: "switches" },
    { label: `${prefix}start-up: page opened → first frame on screen, median`, value: round(median(runs.map((r) => r.startupMs))), unit: "ms" },
    { label: `${prefix}displayed frames whose clock could not be read`, value: displayed > 0 ? round((100 * unread) / displayed, 1) : 0, unit: "%" },
    ...b.stages.map((s) => ({ label: `${prefix}stage: ${s.stage.label}, median`, value: round(s.medianMs), unit: "ms" })),
    { label: `${prefix}stage: sum of stage medians`, value: round(b.sumOfMediansMs), unit: "ms" },
  ];
}
