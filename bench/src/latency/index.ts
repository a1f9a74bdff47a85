/**
 * Glass-to-glass latency: a camera whose frames show their own capture time is published over
 * SRT to an edge of a single-node cluster; Chromium plays it on the edge's watch page
 * (hls.js, LL-HLS) and reads the time back from every frame it displays. The same frames are
 * followed through every stage the cluster stamps, and the same source is encoded and decoded
 * locally, with nothing in between, as the floor of the measurement.
 */
import { availableParallelism, loadavg } from "node:os";
import { waitFor } from "@tributary/common";
import { chromium, type Browser } from "playwright-core";
import { median, percentile } from "../stats.js";
import type { Benchmark, BenchOptions, BenchResult, Figure } from "../types.js";
import { BlockingReloads } from "./blocking-reloads.js";
import { budget, budgetTable, type Budget, type FrameJourney } from "./budget.js";
import { writeLatencyCharts } from "./charts.js";
import { DEFAULT_CLOCK_SOURCE, ClockSource, type ClockSourceOptions } from "./clock-source.js";
import { startLatencyCluster } from "./cluster.js";
import { measureCodecFloor, type CodecFloor } from "./codec-floor.js";
import { CHROMIUM, PlayerProbe, type DisplaySample, type PlayerSample } from "./player-probe.js";
import { StageTimeline } from "./stage-timeline.js";

const STREAM = "clock";
const KEY = "latency-bench-clock-key";
/** One rung keeps the two shared cores for the path being measured. */
const LADDER = "360p:360:600";
const RENDITION = { name: "360p", index: 0 };
/** Kept clear of the ranges the integration tests use (17100-17899). */
const CONTRIBUTION_PORTS = "19300-19309";

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
}

export function latencyPlan(o: BenchOptions, env: NodeJS.ProcessEnv = process.env): LatencyPlan {
  const partTargetMs = Number(env.LATENCY_PART_TARGET_MS ?? 200);
  if (!Number.isInteger(partTargetMs) || partTargetMs < 50 || partTargetMs > 2000) {
    throw new Error(`LATENCY_PART_TARGET_MS=${env.LATENCY_PART_TARGET_MS}: an integer from 50 to 2000`);
  }
  // Loopback has no loss and no RTT to cover: SRT's 120 ms default buffers for the internet.
  const srtLatencyMs = Number(env.LATENCY_SRT_MS ?? 40);
  if (!Number.isInteger(srtLatencyMs) || srtLatencyMs < 20 || srtLatencyMs > 8000) {
    throw new Error(`LATENCY_SRT_MS=${env.LATENCY_SRT_MS}: an integer from 20 to 8000`);
  }
  const size = /^(\d{2,4})x(\d{2,4})$/.exec(env.LATENCY_SOURCE ?? "854x480");
  if (!size) throw new Error(`LATENCY_SOURCE=${env.LATENCY_SOURCE}: a size like 1280x720`);
  const source = { ...DEFAULT_CLOCK_SOURCE, width: Number(size[1]), height: Number(size[2]), preset: "ultrafast", videoKbps: 1500 };
  const base = { partTargetMs, srtLatencyMs, source };
  if (o.smoke) return { ...base, mode: "smoke", runs: 1, seconds: 10, warmupSeconds: 2, floorSeconds: 3 };
  if (o.full) return { ...base, mode: "full", runs: 4, seconds: 90, warmupSeconds: 5, floorSeconds: 15 };
  return { ...base, mode: "short", runs: 1, seconds: 60, warmupSeconds: 5, floorSeconds: 8 };
}

/** What one player run saw during its measurement window. */
export interface RunResult {
  /** Page opened → first frame on screen, ms. */
  startupMs: number;
  windowStart: number;
  windowEnd: number;
  displays: DisplaySample[];
  /** Displayed frames whose clock could not be read. */
  unread: number;
  hlsLatencyMs: { at: number; ms: number }[];
  /** `waiting` events while playing, within the window and since the page opened. */
  stalls: number;
  stallsSinceStart: number;
  droppedFrames: number;
  totalFrames: number;
  levelSwitches: number;
  fatalErrors: number;
  /** Share of the window the player spent catching up (playback rate above 1). */
  catchUpShare: number;
}

export const benchmark: Benchmark = { name: "latency", run: runLatency };

async function runLatency(options: BenchOptions): Promise<BenchResult> {
  const plan = latencyPlan(options);
  // The machine may be shared: its load is part of the result.
  const load: number[] = [loadavg()[0]!];
  const loadTimer = setInterval(() => load.push(loadavg()[0]!), 5_000);
  const floor = await measureCodecFloor(plan.source, plan.floorSeconds);
  const cluster = await startLatencyCluster({
    STREAM_KEYS: `${KEY}=${STREAM}`,
    LADDER,
    X264_PRESET: "ultrafast",
    PART_TARGET_MS: String(plan.partTargetMs),
    SRT_LATENCY_MS: String(plan.srtLatencyMs),
    CONTRIBUTION_PORTS,
  });
  const source = new ClockSource({ ...plan.source, url: cluster.srtUrl(KEY, plan.srtLatencyMs), tee: true });
  const timeline = new StageTimeline(source, STREAM, RENDITION);
  const base = cluster.edge.url;
  const reloads = new BlockingReloads(`${base}/live/${STREAM}/${RENDITION.name}/index.m3u8`, (ref, at) => timeline.released(ref.msn, ref.part, at));
  let browser: Browser | undefined;
  let sourceExit: string | undefined;
  const runs: RunResult[] = [];
  let serverControl = "";
  let settledIn: number | undefined;
  try {
    timeline.attach(cluster.origin, cluster.edge);
    source.once("exit", (detail) => (sourceExit = detail));
    source.start();
    const publishedAt = Date.now();
    await waitFor(
      async () => {
        if (sourceExit) throw new Error(`the clock source stopped: ${sourceExit}`);
        return (await fetch(`${base}/live/${STREAM}/index.m3u8`)).status === 200;
      },
      { timeoutMs: 45_000, intervalMs: 250, what: "the clock stream to be live at the edge" },
    );
    // The start-up backlog (SRT handshakes, the origin's listener, probing) drains first:
    // a player that joined during it would measure it.
    settledIn = await waitFor(() => ((timeline.backlogMs ?? Infinity) < 300 ? Date.now() - publishedAt : 0), {
      timeoutMs: 45_000,
      intervalMs: 200,
      what: "the contribution to catch up with the encoder",
    }).catch(() => undefined);
    serverControl = await playlistTags(`${base}/live/${STREAM}/${RENDITION.name}/index.m3u8`);
    reloads.start();
    browser = await chromium.launch(CHROMIUM);
    for (let i = 0; i < plan.runs; i++) runs.push(await playRun(browser, `${base}/watch/${STREAM}`, plan));
  } finally {
    clearInterval(loadTimer);
    await browser?.close();
    await reloads.stop();
    await source.close();
    await timeline.detach();
    await cluster.close();
  }
  load.push(loadavg()[0]!);

  const { frames, parts } = timeline.frames();
  const partByKey = new Map(parts.map((p) => [p.key, p]));
  const journeys: FrameJourney[] = [];
  for (const run of runs) {
    for (const d of run.displays) {
      const n = d.captured === null ? undefined : source.frameAt(d.captured);
      const frame = n === undefined ? undefined : frames[n];
      if (!frame) continue;
      journeys.push({ frame, part: frame.part === undefined ? undefined : partByKey.get(frame.part), displayedAt: d.displayedAt });
    }
  }
  const glass = journeys.map((j) => j.displayedAt - j.frame.captured);
  const b = budget(journeys);
  const charts = await writeLatencyCharts(options.chartDir, {
    glassToGlassMs: glass,
    floorMs: floor.latenciesMs,
    budget: b,
    runs: runs.map((r) => ({
      glass: perSecond(r.displays.filter((d) => d.captured !== null).map((d) => [d.displayedAt, d.displayedAt - d.captured!]), r.windowStart),
      hls: r.hlsLatencyMs.map((s): [number, number] => [round((s.at - r.windowStart) / 1000, 2), s.ms]),
    })),
  });
  return {
    name: "latency",
    title: "Glass-to-glass latency (SRT → edge → origin → LL-HLS → hls.js)",
    command: options.smoke ? "vitest run --project bench bench/test/latency.test.ts" : `npm run bench -- --only latency${options.full ? " --full" : ""}`,
    figures: [
      ...figures(glass, floor, runs, b),
      { label: `machine load during the run (1-min load average, max; ${availableParallelism()} cores)`, value: round(Math.max(...load), 1), unit: "" },
    ],
    notes: notes({ plan, floor, runs, budget: b, glass, frames: frames.length, serverControl, settledIn, load, timeline }),
    charts,
  };
}

/** One player: open the watch page, let it settle, measure for `plan.seconds`. */
async function playRun(browser: Browser, url: string, plan: LatencyPlan): Promise<RunResult> {
  const probe = new PlayerProbe(browser, url);
  const opened = Date.now();
  try {
    const firstFrame = await probe.open(45_000);
    await probe.observe(plan.warmupSeconds * 1000);
    const windowStart = Date.now();
    await probe.observe(plan.seconds * 1000);
    const windowEnd = Date.now();
    await probe.drain();
    return summariseRun(probe.displays, probe.player, firstFrame - opened, windowStart, windowEnd);
  } finally {
    await probe.close();
  }
}

export function summariseRun(allDisplays: DisplaySample[], player: PlayerSample[], startupMs: number, windowStart: number, windowEnd: number): RunResult {
  const displays = allDisplays.filter((d) => d.displayedAt >= windowStart && d.displayedAt <= windowEnd);
  const inWindow = player.filter((s) => s.at >= windowStart && s.at <= windowEnd);
  const before = player.filter((s) => s.at < windowStart).at(-1) ?? inWindow[0];
  const last = inWindow.at(-1) ?? before;
  let levelSwitches = 0;
  let level = -1;
  for (const s of player) {
    if (s.currentLevel < 0) continue;
    if (level >= 0 && s.currentLevel !== level) levelSwitches += 1;
    level = s.currentLevel;
  }
  return {
    startupMs,
    windowStart,
    windowEnd,
    displays,
    unread: displays.filter((d) => d.captured === null).length,
    hlsLatencyMs: inWindow.filter((s) => s.latency !== null).map((s) => ({ at: s.at, ms: s.latency! * 1000 })),
    stalls: last && before ? last.stalls - before.stalls : 0,
    stallsSinceStart: last?.stalls ?? 0,
    droppedFrames: last && before ? last.droppedFrames - before.droppedFrames : 0,
    totalFrames: last && before ? last.totalFrames - before.totalFrames : 0,
    levelSwitches,
    fatalErrors: last?.fatalErrors ?? 0,
    catchUpShare: inWindow.length === 0 ? 0 : inWindow.filter((s) => s.playbackRate > 1).length / inWindow.length,
  };
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

/** The playlist's `EXT-X-PART-INF` and `EXT-X-SERVER-CONTROL` lines, for the notes. */
async function playlistTags(url: string): Promise<string> {
  try {
    const text = await (await fetch(url)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith("#EXT-X-PART-INF") || l.startsWith("#EXT-X-SERVER-CONTROL"))
      .join(" ");
  } catch {
    return "";
  }
}

function figures(glass: number[], floor: CodecFloor, runs: RunResult[], b: Budget): Figure[] {
  const floorP50 = median(floor.latenciesMs);
  const floorP95 = percentile(floor.latenciesMs, 95);
  const floorP99 = percentile(floor.latenciesMs, 99);
  const p50 = percentile(glass, 50);
  const p95 = percentile(glass, 95);
  const p99 = percentile(glass, 99);
  const ratio = (v: number, base: number) => (Number.isFinite(v) && base > 0 ? round(v / base, 1) : undefined);
  const floorLabel = "codec floor (same encoder → decoder, no network)";
  const stalls = runs.reduce((n, r) => n + r.stalls, 0);
  const dropped = runs.reduce((n, r) => n + r.droppedFrames, 0);
  const total = runs.reduce((n, r) => n + r.totalFrames, 0);
  const displayed = runs.reduce((n, r) => n + r.displays.length, 0);
  const unread = runs.reduce((n, r) => n + r.unread, 0);
  const hls = runs.flatMap((r) => r.hlsLatencyMs.map((s) => s.ms));
  return [
    {
      label: "glass-to-glass p50",
      value: round(p50),
      unit: "ms",
      baseline: { label: floorLabel, value: round(floorP50) },
      ratio: ratio(p50, floorP50),
      goal: { text: "p50 ≤ 1.0 s on one machine over loopback", met: p50 <= 1000 },
    },
    {
      label: "glass-to-glass p95",
      value: round(p95),
      unit: "ms",
      baseline: { label: floorLabel, value: round(floorP95) },
      ratio: ratio(p95, floorP95),
      goal: { text: "p95 ≤ 1.5 s on one machine over loopback", met: p95 <= 1500 },
    },
    { label: "glass-to-glass p99", value: round(p99), unit: "ms", baseline: { label: floorLabel, value: round(floorP99) }, ratio: ratio(p99, floorP99) },
    { label: "glass-to-glass frames measured", value: glass.length, unit: "frames" },
    { label: "hls.js latency (its own estimate behind the live edge), median", value: round(median(hls)), unit: "ms" },
    {
      label: "stalls after start-up (video `waiting` while playing, in the measured windows)",
      value: stalls,
      unit: "stalls",
      goal: { text: "no stall after start-up", met: stalls === 0 && runs.length > 0 },
    },
    { label: "dropped video frames (getVideoPlaybackQuality)", value: total > 0 ? round((100 * dropped) / total, 1) : 0, unit: "%" },
    { label: "level switches", value: runs.reduce((n, r) => n + r.levelSwitches, 0), unit: "switches" },
    { label: "start-up: page opened → first frame on screen, median", value: round(median(runs.map((r) => r.startupMs))), unit: "ms" },
    { label: "displayed frames whose clock could not be read", value: displayed > 0 ? round((100 * unread) / displayed, 1) : 0, unit: "%" },
    ...b.stages.map((s) => ({ label: `stage: ${s.stage.label}, median`, value: round(s.medianMs), unit: "ms" })),
    { label: "stage: sum of stage medians", value: round(b.sumOfMediansMs), unit: "ms" },
  ];
}

interface NotesInput {
  plan: LatencyPlan;
  floor: CodecFloor;
  runs: RunResult[];
  budget: Budget;
  glass: number[];
  frames: number;
  serverControl: string;
  settledIn: number | undefined;
  /** 1-minute load averages sampled every 5 s. */
  load: number[];
  timeline: StageTimeline;
}

function notes(n: NotesInput): string {
  const { plan, floor, runs } = n;
  const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "—");
  const runRows = runs.map((r, i) => {
    const g = r.displays.filter((d) => d.captured !== null).map((d) => d.displayedAt - d.captured!);
    const hls = r.hlsLatencyMs.map((s) => s.ms);
    return (
      `| ${i + 1} | ${g.length} | ${ms(median(g))} | ${ms(percentile(g, 95))} | ${ms(percentile(g, 99))} | ${ms(median(hls))} | ` +
      `${r.stalls} (${r.stallsSinceStart} since start) | ${r.droppedFrames}/${r.totalFrames} | ${Math.round(100 * r.catchUpShare)} % | ${r.levelSwitches} | ${ms(r.startupMs)} |`
    );
  });
  const s = plan.source;
  const player = n.budget.stages.find((x) => x.stage.id === "player");
  const upstream = n.budget.stages.filter((x) => x.stage.id !== "player").reduce((sum, x) => sum + (Number.isFinite(x.medianMs) ? x.medianMs : 0), 0);
  return [
    `**What is measured.** A clock-coded camera (bench/src/latency/clock-source.ts) draws each frame's capture time (\`Date.now()\` when the frame is handed to the encoder) ` +
      `as a 16 x 6 grid of black and white cells (sync row, 64-bit ms, CRC-16), ${s.width}x${s.height} at ${s.frameRate} fps, and FFmpeg encodes it as a broadcaster would ` +
      `(libx264 ${s.preset} zerolatency, ${s.videoKbps} kbit/s, GOP ${s.gop}, AAC tone, MPEG-TS) and publishes it over SRT to the edge of a single-node cluster in this process ` +
      `(nats-server, origin with LADDER=${LADDER} and X264_PRESET=ultrafast, edge; PART_TARGET_MS=${plan.partTargetMs}, SRT latency ${plan.srtLatencyMs} ms on both hops, as for loopback; SRT's default is 120 ms, LATENCY_SRT_MS sets it). ` +
      `Headless Chromium plays \`/watch/${STREAM}\` (the edge's watch page: hls.js in low-latency mode); a sampler in the page draws every frame the \`<video>\` presents onto a canvas ` +
      `in its \`requestVideoFrameCallback\`, reads the clock back and takes glass-to-glass latency = display time (\`expectedDisplayTime\` on the wall clock) − capture time: ` +
      `one machine, one clock. ${plan.runs} run(s) of ${plan.seconds} s, each a fresh page measured after ${plan.warmupSeconds} s of playback; ` +
      `the player was opened once the origin's input had caught up with the encoder${n.settledIn === undefined ? " (it never did within 45 s: start-up backlog included)" : ` (${Math.round(n.settledIn / 1000)} s after publishing started)`}.`,
    "",
    `| run | frames | p50 | p95 | p99 | hls.js latency p50 | stalls in window | dropped/total frames | time catching up | level switches | page → first frame |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    ...runRows,
    "",
    `**Baseline (codec floor).** Before the cluster starts, the same clock source with the same encoder settings is piped (MPEG-TS, no SRT, no network) straight into an FFmpeg ` +
      `decoder in this process for ${plan.floorSeconds} s: latency = decoded picture back in Node − the capture time it shows. That is the floor any glass-to-glass figure ` +
      `here includes (capture, x264, TS mux, H.264 decode), without transport, transcoding, packaging, the player's hold-back or display: ` +
      `p50 ${ms(median(floor.latenciesMs))}, p95 ${ms(percentile(floor.latenciesMs, 95))} over ${floor.latenciesMs.length} frames (${floor.unread} unreadable). ` +
      `Ratios in the figures are glass-to-glass / floor.`,
    "",
    `**Where the time goes (per-stage budget).** Every displayed frame is followed through the stamps the services expose: the publisher's encoder output ` +
      `(FFmpeg's tee muxer hands the same MPEG-TS to the benchmark), the origin's \`LiveStream\` \`input\` event (contribution MPEG-TS into the transcoder) and \`output\` ` +
      `event (the rung's fMP4 out of it), the packager's part (\`closedAt\`), the edge's \`partListed\` event (manifest arrival, part listed), the benchmark's own blocking ` +
      `playlist reloads on the same edge (released), and the page's display time. Frames are matched by PTS on the MPEG-TS side (the relay and the origin's remux keep it) ` +
      `and, after the transcoder, by decoding the rung's output with FFmpeg and reading the clock code (so the frame → fragment → part mapping is exact). ` +
      `Medians over the ${n.budget.complete} displayed frames with every stamp (of ${n.glass.length}):`,
    "",
    budgetTable(n.budget),
    "",
    `Not stamped separately: arrival at the edge's SRT ingest (the Rust relay forwards SRT messages without exposing per-message times), so "SRT to the edge, relay, receive/remux" ` +
      `is one stage; it holds two SRT receive buffers (TSBPD, ${plan.srtLatencyMs} ms each) and the origin's remux. "Released" is when the benchmark's own held \`_HLS_msn/_HLS_part\` reload came ` +
      `back; the player's reloads are released by the same listing. The player stage is everything after that: sitting ${ms(player?.medianMs ?? Number.NaN)} behind the release ` +
      `because hls.js aims to stay its target latency behind the live edge (the watch page sets it to PART-HOLD-BACK + half a part target), plus loading the part, MSE buffering, ` +
      `decode and display. Playlist: \`${n.serverControl}\`. Upstream of the player the stages sum to ${ms(upstream)}.`,
    "",
    `**Conditions.** 1-minute load average ${n.load[0]!.toFixed(1)} at the start, ${Math.min(...n.load).toFixed(1)}-${Math.max(...n.load).toFixed(1)} during the run, ` +
      `on ${availableParallelism()} cores: everything here (two encoders, the transcoder, Node, Chromium's software decode and compositing) shares them, and with other work on the ` +
      `machine the contention shows up as transcode time, dropped frames, stalls and a player that falls behind and catches up (see the latency-over-time chart). ` +
      `${n.frames} frames were captured; the transcoder output was read back for ${n.timeline.counts.output > 0 ? "every fragment" : "no fragment"}` +
      `${n.timeline.decoderErrors ? ` (decoder: ${n.timeline.decoderErrors})` : ""}. Goals (issue 5): p50 ≤ 1.0 s, p95 ≤ 1.5 s, no stall after start-up.`,
  ].join("\n");
}

