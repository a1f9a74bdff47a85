/**
 * Edge fan-out: how many LL-HLS viewers one edge process serves, at what publish-to-viewer
 * latency and CPU cost, against nginx serving the same parts as static files to the same
 * generator, in the same run; and part visibility (origin close to the edge releasing the
 * blocking reloads), measured with a parked probe.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir, availableParallelism } from "node:os";
import { join } from "node:path";
import type { BenchOptions, BenchResult, Benchmark, Figure } from "../types.js";
import { startBenchCluster, type BenchCluster } from "./cluster.js";
import { formatLoad, runLoad, summarize, type LatencySummary, type LoadResult } from "./loadgen.js";
import { subscribeManifests, type ManifestFeed } from "./manifests.js";
import { PlaylistMirror } from "./mirror.js";
import { startNginx, type StaticServer } from "./nginx.js";
import { ServerMeter } from "./proc-stats.js";
import { formatSelfTime, topSelfTime, type SelfTime } from "./profile.js";
import { VisibilityProbe } from "./visibility.js";
import { writeCharts } from "./charts.js";

const STREAM = "fanout";
const LADDER = "360p:360:600";
const PART_TARGET_MS = 200;

interface Plan {
  mode: "smoke" | "short" | "full";
  steps: number[];
  /** Measured window of each step. */
  seconds: number;
  /** Ramp-up before the window (undefined: the generator's default, 1 s + 1 s per 1,000 viewers). */
  rampSeconds: number | undefined;
  visibilitySeconds: number;
}

function plan(o: BenchOptions): Plan {
  if (o.smoke) return { mode: "smoke", steps: [20], seconds: 4, rampSeconds: 1, visibilitySeconds: 4 };
  const p: Plan = o.full
    ? { mode: "full", steps: [100, 1_000, 5_000, 10_000], seconds: 30, rampSeconds: undefined, visibilitySeconds: 60 }
    : { mode: "short", steps: [100, 1_000], seconds: 20, rampSeconds: undefined, visibilitySeconds: 20 };
  // FANOUT_STEPS=100,1000,5000: other viewer counts in this mode's timing (e.g. a short run with a 5,000 step).
  const steps = process.env.FANOUT_STEPS;
  return steps ? { ...p, steps: viewerCounts(steps) } : p;
}

function viewerCounts(text: string): number[] {
  const steps = text.split(",").map(Number);
  if (!steps.every((s) => Number.isInteger(s) && s > 0)) throw new Error(`FANOUT_STEPS must list viewer counts, e.g. 100,1000,5000 (got "${text}")`);
  return steps;
}

/** One step against one server. */
export interface StepResult {
  server: "edge" | "nginx";
  viewers: number;
  load: LoadResult;
  /** Server CPU time during the window (edge: its process; nginx: master + worker). */
  cpuSeconds: number;
  /** Cores the server kept busy (CPU seconds per second of window). */
  cores: number;
  peakRssBytes: number;
  /** Share of the window the server's main thread was runnable but waiting for a CPU (other work on the machine). */
  waitShare: number;
  partsPerCpuSecond: number;
  /** Playlist and part responses per server CPU-second. */
  requestsPerCpuSecond: number;
  /** Edge only: visibility seen by the probe during the window, under this load. */
  visibility?: LatencySummary;
}

/** Sum and count of the edge's own histograms: part visible (closedAt → listed) and origin fetch. */
async function edgeHistograms(edgeUrl: string): Promise<Record<string, { sum: number; count: number }>> {
  const text = await fetch(`${edgeUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })
    .then((r) => r.text())
    .catch(() => "");
  const out: Record<string, { sum: number; count: number }> = {};
  for (const name of ["tributary_edge_part_visible_seconds", "tributary_edge_origin_fetch_seconds"]) {
    const sum = Number(new RegExp(`^${name}_sum (\\S+)`, "m").exec(text)?.[1]);
    const count = Number(new RegExp(`^${name}_count (\\S+)`, "m").exec(text)?.[1]);
    out[name] = { sum, count };
  }
  return out;
}

/** Mean in ms of a histogram between two scrapes. */
function meanBetween(a: Record<string, { sum: number; count: number }>, b: Record<string, { sum: number; count: number }>, name: string): number {
  const x = a[name];
  const y = b[name];
  if (!x || !y || y.count <= x.count) return Number.NaN;
  return ((y.sum - x.sum) / (y.count - x.count)) * 1000;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const n = (v: number) => v.toLocaleString("en-US");
const log = (line: string) => console.error(`[fanout] ${line}`);

async function measureStep(
  server: StepResult["server"],
  meter: ServerMeter,
  load: (onWindow: (edge: "open" | "close") => void) => Promise<LoadResult>,
  probe?: VisibilityProbe,
): Promise<StepResult> {
  let visibility: LatencySummary | undefined;
  const result = await load((edge) => {
    if (edge === "open") {
      meter.open();
      probe?.take();
    } else {
      meter.close();
      if (probe) visibility = summarize(probe.take().histogram);
    }
  });
  const usage = await meter.result();
  const step: StepResult = {
    server,
    viewers: result.viewers,
    load: result,
    cpuSeconds: usage.cpuSeconds,
    cores: usage.cpuSeconds / result.windowSeconds,
    peakRssBytes: usage.peakRssBytes,
    waitShare: usage.waitSeconds / result.windowSeconds,
    partsPerCpuSecond: result.counts.parts / usage.cpuSeconds,
    requestsPerCpuSecond: (result.counts.parts + result.counts.playlists) / usage.cpuSeconds,
    visibility,
  };
  log(`${server}, ${n(step.viewers)} viewers:\n${formatLoad(result)}\n  ${server} CPU ${step.cpuSeconds.toFixed(2)} s (${(step.cores * 100).toFixed(0)}% of a core), waited for a CPU ${(step.waitShare * 100).toFixed(0)}% of the window, RSS ${(step.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ${step.partsPerCpuSecond.toFixed(0)} parts and ${step.requestsPerCpuSecond.toFixed(0)} requests per CPU-second`);
  return step;
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const p = plan(options);
  const profileDir = process.env.FANOUT_PROFILE ? (process.env.FANOUT_PROFILE === "1" ? undefined : process.env.FANOUT_PROFILE) : undefined;
  const wantProfile = !!process.env.FANOUT_PROFILE && !options.smoke;
  const work = await mkdtemp(join(tmpdir(), "tributary-fanout-"));
  // nginx's worker reads the copies; keep the tree readable.
  await chmod(work, 0o755);
  const loadBefore = loadavg();
  let cluster: BenchCluster | undefined;
  let feed: ManifestFeed | undefined;
  let probe: VisibilityProbe | undefined;
  let mirror: PlaylistMirror | undefined;
  let nginx: StaticServer | undefined;
  const steps: StepResult[] = [];
  let idleVisibility: { summary: LatencySummary; notParked: number; unmatched: number; errors: number } | undefined;
  let edgeIdleCores = Number.NaN;
  let edgeIdleWait = Number.NaN;
  let edgeOwn = { listedMs: Number.NaN, originFetchMs: Number.NaN };
  let profile: SelfTime[] | undefined;
  let profileStep: StepResult | undefined;
  try {
    log(`starting nats-server, origin (LADDER=${LADDER}, ultrafast) and edge as child processes`);
    cluster = await startBenchCluster({ stream: STREAM, ladder: LADDER, width: 640, height: 360, partTargetMs: PART_TARGET_MS });
    const c = cluster;
    const video = c.renditions.find((r) => r !== "audio") ?? c.renditions[0]!;
    const edgePlaylist = (r: string) => `${c.edgeUrl}/live/${STREAM}/${r}/index.m3u8`;

    // Part visibility with the edge otherwise idle: a parked probe on every rendition.
    probe = new VisibilityProbe(c.renditions.map(edgePlaylist));
    const pr = probe;
    feed = await subscribeManifests(c.natsUrl, STREAM, c.renditions, (m) => pr.published(m));
    probe.start();
    await sleep(2_000);
    probe.take();
    const idleMeter = new ServerMeter(c.edgePid, false);
    const metricsBefore = await edgeHistograms(c.edgeUrl);
    idleMeter.open();
    log(`part visibility, edge idle: ${p.visibilitySeconds} s`);
    await sleep(p.visibilitySeconds * 1000);
    idleMeter.close();
    const idle = probe.take();
    const metricsAfter = await edgeHistograms(c.edgeUrl);
    edgeOwn = {
      listedMs: meanBetween(metricsBefore, metricsAfter, "tributary_edge_part_visible_seconds"),
      originFetchMs: meanBetween(metricsBefore, metricsAfter, "tributary_edge_origin_fetch_seconds"),
    };
    const idleUsage = await idleMeter.result();
    edgeIdleCores = idleUsage.cpuSeconds / p.visibilitySeconds;
    edgeIdleWait = idleUsage.waitSeconds / p.visibilitySeconds;
    idleVisibility = { summary: summarize(idle.histogram), notParked: idle.notParked, unmatched: idle.unmatched, errors: idle.errors };
    const v = idleVisibility.summary;
    log(`visibility ms: p50 ${v.p50.toFixed(1)} p95 ${v.p95.toFixed(1)} p99 ${v.p99.toFixed(1)} max ${v.max.toFixed(1)} (${v.count} parts); idle edge CPU ${(edgeIdleCores * 100).toFixed(1)}% of a core, waiting for a CPU ${(edgeIdleWait * 100).toFixed(0)}% of the time`);

    // The edge: LL-HLS viewers with blocking reloads, the probe still parked beside them.
    for (const viewers of p.steps) {
      steps.push(
        await measureStep(
          "edge",
          new ServerMeter(c.edgePid, false),
          (onWindow) =>
            runLoad({ urls: [edgePlaylist(video)], viewers, seconds: p.seconds, rampSeconds: p.rampSeconds, mode: "llhls", natsUrl: c.natsUrl, onWindow }),
          pr,
        ),
      );
      await sleep(2_000);
    }
    await probe.close();
    probe = undefined;

    // The baseline: the origin's parts copied to files as they appear, nginx serving them to polling viewers.
    const root = join(work, "www");
    mirror = new PlaylistMirror([`${c.originUrl}/live/${STREAM}/${video}/index.m3u8`], root);
    mirror.start();
    await mirror.ready();
    nginx = await startNginx(root, work, Math.max(...p.steps));
    const ng = nginx;
    for (const viewers of p.steps) {
      steps.push(
        await measureStep("nginx", new ServerMeter(ng.pid, true), (onWindow) =>
          runLoad({
            urls: [`${ng.url}/live/${STREAM}/${video}/index.m3u8`],
            viewers,
            seconds: p.seconds,
            rampSeconds: p.rampSeconds,
            mode: "poll",
            natsUrl: c.natsUrl,
            onWindow,
          }),
        ),
      );
      await sleep(2_000);
    }
    await nginx.close();
    nginx = undefined;
    await mirror.close();
    mirror = undefined;

    if (wantProfile) {
      const dir = profileDir ?? join(work, "profile");
      const viewers = Math.max(...p.steps);
      log(`profiling the edge (node --cpu-prof into ${dir}) at ${n(viewers)} viewers`);
      await c.restartEdge(dir);
      profileStep = await measureStep("edge", new ServerMeter(c.edgePid, false), (onWindow) =>
        runLoad({ urls: [edgePlaylist(video)], viewers, seconds: p.seconds, rampSeconds: p.rampSeconds, mode: "llhls", natsUrl: c.natsUrl, onWindow }),
      );
      await feed.close();
      feed = undefined;
      await c.close(); // the edge writes its profile as it exits
      profile = await topSelfTime(dir, 20);
    }
  } finally {
    await probe?.close();
    await nginx?.close();
    await mirror?.close();
    await feed?.close();
    await cluster?.close();
    await rm(work, { recursive: true, force: true });
  }
  const loadAfter = loadavg();

  const charts = await writeCharts(options.chartDir, steps);
  return {
    name: "fanout",
    title: "Edge fan-out: LL-HLS viewers per edge process, against nginx serving the same parts",
    command: options.smoke
      ? "npx vitest run --project bench bench/test/fanout.test.ts"
      : `${process.env.FANOUT_STEPS ? `FANOUT_STEPS=${p.steps.join(",")} ` : ""}${wantProfile ? "FANOUT_PROFILE=1 " : ""}npm run bench -- ${options.full ? "--full " : ""}--only fanout`,
    figures: figures(p, steps, idleVisibility, edgeIdleCores),
    notes: notes(p, steps, idleVisibility, edgeIdleCores, edgeIdleWait, edgeOwn, { loadBefore, loadAfter }, profile, profileStep),
    charts,
  };
}

export const benchmark: Benchmark = { name: "fanout", run };

function byServer(steps: StepResult[], server: StepResult["server"], viewers: number): StepResult | undefined {
  return steps.find((s) => s.server === server && s.viewers === viewers);
}

/** An edge figure with nginx's value for the same quantity as its baseline. */
function compared(label: string, unit: string, edge: number, nginx: number | undefined, withRatio = false, digits = 1): Figure {
  const f: Figure = { label, value: round(edge, digits), unit };
  if (nginx !== undefined && Number.isFinite(nginx)) {
    f.baseline = { label: "nginx", value: round(nginx, digits) };
    if (withRatio && nginx !== 0) f.ratio = round(edge / nginx, 3);
  }
  return f;
}

function round(v: number, digits = 1): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function figures(p: Plan, steps: StepResult[], visibility: { summary: LatencySummary } | undefined, edgeIdleCores: number): Figure[] {
  const out: Figure[] = [];
  const largest = Math.max(...p.steps);
  for (const viewers of p.steps) {
    const e = byServer(steps, "edge", viewers);
    const g = byServer(steps, "nginx", viewers);
    if (!e) continue;
    const at = `${n(viewers)} viewers`;
    out.push(compared(`${at}: parts served`, "parts/s", e.load.partsPerSecond, g?.load.partsPerSecond));
    out.push(compared(`${at}: publish→viewer p50`, "ms", e.load.latencyMs.p50, g?.load.latencyMs.p50));
    out.push(compared(`${at}: publish→viewer p99`, "ms", e.load.latencyMs.p99, g?.load.latencyMs.p99));
    out.push(compared(`${at}: errors`, "requests", e.load.errors, g?.load.errors));
    out.push(compared(`${at}: server CPU`, "CPU-s/s", e.cores, g?.cores, false, 3));
    out.push(compared(`${at}: server RSS`, "MiB", e.peakRssBytes / 2 ** 20, g && g.peakRssBytes / 2 ** 20));
    const efficiency = compared(`${at}: parts per server CPU-second`, "parts/CPU-s", e.partsPerCpuSecond, g?.partsPerCpuSecond, true);
    if (viewers === largest) {
      efficiency.goal = {
        text: "≥ 0.8x nginx's parts per CPU-second" + (p.mode === "full" ? "" : ` (at ${n(largest)} viewers, the largest step of this ${p.mode} run)`),
        met: efficiency.ratio !== undefined && efficiency.ratio >= 0.8,
      };
    }
    out.push(efficiency);
    out.push(compared(`${at}: requests per server CPU-second`, "req/CPU-s", e.requestsPerCpuSecond, g?.requestsPerCpuSecond, true));
    out.push(compared(`${at}: load generator CPU`, "CPU-s/s", e.load.generatorCores, g?.load.generatorCores, false, 3));
    if (e.visibility) out.push({ label: `${at}: part visibility p99 under this load`, value: round(e.visibility.p99), unit: "ms" });
  }
  // The headline goal: the most viewers at which the edge kept p99 under 100 ms with no errors.
  const ok = steps.filter((s) => s.server === "edge" && s.load.errors === 0 && s.load.latencyMs.p99 < 100 && s.load.viewersStarted === s.viewers);
  const capacity = ok.length ? Math.max(...ok.map((s) => s.viewers)) : 0;
  out.push({
    label: "Viewers on one edge process with p99 publish→viewer < 100 ms and no errors (largest step that held)",
    value: capacity,
    unit: "viewers",
    goal: {
      text:
        "≥ 10,000 concurrent viewers on one edge process, p99 publish-to-viewer < 100 ms, no errors" +
        (p.mode === "full" ? "" : ` (not evaluated: this ${p.mode} run stops at ${n(largest)} viewers; run with --full)`),
      met: p.mode === "full" && capacity >= 10_000,
    },
  });
  if (visibility) {
    const v = visibility.summary;
    out.push({ label: "Part visibility p50 (origin closes the part → edge releases the parked blocking reload)", value: round(v.p50), unit: "ms" });
    out.push({ label: "Part visibility p95", value: round(v.p95), unit: "ms" });
    out.push({
      label: "Part visibility p99",
      value: round(v.p99),
      unit: "ms",
      goal: { text: "p99 ≤ 20 ms", met: Number.isFinite(v.p99) && v.p99 <= 20 },
    });
    out.push({ label: "Part visibility: parts measured", value: v.count, unit: "parts" });
  }
  out.push({ label: "Edge CPU while idle (following the stream, probe only)", value: round(edgeIdleCores, 3), unit: "CPU-s/s" });
  return out;
}

function notes(
  p: Plan,
  steps: StepResult[],
  visibility: { summary: LatencySummary; notParked: number; unmatched: number; errors: number } | undefined,
  edgeIdleCores: number,
  edgeIdleWait: number,
  edgeOwn: { listedMs: number; originFetchMs: number },
  machine: { loadBefore: number[]; loadAfter: number[] },
  profile: SelfTime[] | undefined,
  profileStep: StepResult | undefined,
): string {
  const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "–");
  const rows = steps.map((s) => {
    const l = s.load;
    const errors = l.errors ? `${l.errors} (${Object.entries(l.counts.httpErrors).map(([k, c]) => `${c}×${k}`).concat(l.counts.timeouts ? [`${l.counts.timeouts} timeouts`] : [], l.counts.failures ? [`${l.counts.failures} failed`] : []).join(", ")})` : "0";
    return `| ${s.server} | ${n(s.viewers)} | ${f(l.partsPerSecond, 0)} | ${f(l.playlistsPerSecond, 0)}${s.server === "nginx" ? ` (${f(l.counts.emptyPolls / l.windowSeconds, 0)} empty)` : ""} | ${f(l.latencyMs.p50)} / ${f(l.latencyMs.p95)} / ${f(l.latencyMs.p99)} / ${f(l.latencyMs.max)} | ${errors} | ${f(s.cores, 2)} (${f(s.waitShare * 100, 0)}%) | ${f(s.peakRssBytes / 2 ** 20, 0)} | ${f(s.partsPerCpuSecond, 0)} | ${f(s.requestsPerCpuSecond, 0)} | ${f(l.generatorCores, 2)} (ELU ${f(l.eventLoopUtilization * 100, 0)}%, waited ${f(l.generatorWaitSeconds, 1)} s, ${l.workers} thr) |`;
  });
  const v = visibility?.summary;
  const text = [
    `Mode: ${p.mode}; steps ${p.steps.map(n).join(", ")} viewers, ${p.seconds} s measured per step after a ramp-up (1 s + 1 s per 1,000 viewers) and 1 s settling. ` +
      `One stream: the origin's test pattern (640x360, 30 fps), LADDER=${LADDER}, X264_PRESET=ultrafast, ${PART_TARGET_MS} ms parts, 1 s segments. ` +
      `nats-server, origin and edge each run as their own process (edge: \`node packages/edge/dist/main.js\`, MEDIASOUP_WORKERS=0); the load generator and the probe run in the benchmark's process.`,
    "",
    "**Viewers.** Every simulated viewer follows the 360p media playlist with its own request outstanding (undici keep-alive pools, one connection per viewer). " +
      "Against the edge (`llhls`): a blocking reload `_HLS_msn`/`_HLS_part` for the preload-hinted part with `_HLS_skip=YES` (delta update), then a GET of every part the answer lists from that one on (as hls.js, minus its early preload-hint fetch). " +
      "Against nginx (`poll`): a sidecar follows the origin with blocking reloads and copies each part, then the delta playlist, into a directory as files (temp name + rename); viewers GET the playlist when the next part is due (7/8 of a part target after the last poll that found one, so polls settle just after parts appear) and every 1/8 part target while it is not listed yet, then GET the new parts. " +
      "Both servers thus serve the same bytes to the same generator: one playlist and one part per part per viewer, plus nginx's empty polls (the price of polling; requests per CPU-second, which counts them, is given too). " +
      "Latency per part: from its manifest's `closedAt` (the origin's packager closing it, received by the generator over core NATS on `media.parts.{stream}.{rendition}`) to the viewer having all its bytes. " +
      "Server CPU is utime+stime from /proc (edge: its process, including following the stream over JetStream and fetching each part once from the origin; nginx: master + worker, not the sidecar). " +
      "Parts per server CPU-second = parts received by viewers in the window / server CPU seconds in the window.",
    "",
    "| server | viewers | parts/s | playlists/s | publish→viewer ms p50 / p95 / p99 / max | errors | server cores (waiting for a CPU) | RSS MiB | parts per CPU-s | requests per CPU-s | generator cores |",
    "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---|",
    ...rows,
    "",
    v
      ? `**Part visibility** (edge otherwise idle, ${p.visibilitySeconds} s, every rendition incl. audio; a probe keeps one blocking reload parked per rendition and a sample counts only when its request was sent before the part closed): ` +
        `p50 ${f(v.p50)} ms, p95 ${f(v.p95)} ms, p99 ${f(v.p99)} ms, max ${f(v.max)} ms over ${v.count} parts (${visibility.notParked} not parked, ${visibility.unmatched} without manifest, ${visibility.errors} probe errors left out). ` +
        `It includes JetStream delivery to the edge, the edge's fetch of the part from the origin (it lists a part only once it holds its bytes) and the HTTP response on loopback; ` +
        `the edge's own metrics over the same window, on average: ${f(edgeOwn.listedMs)} ms from closedAt to the edge listing the part (\`tributary_edge_part_visible_seconds\`: JetStream delivery and the fetch from the origin) and ${f(edgeOwn.originFetchMs)} ms fetching the part from the origin (\`tributary_edge_origin_fetch_seconds\`). ` +
        `Edge CPU meanwhile: ${f(edgeIdleCores * 100, 1)}% of a core; its event loop waited for a CPU ${f(edgeIdleWait * 100, 0)}% of the window (other work on the machine).`
      : "",
    "",
    `**Limits.** ${availableParallelism()} cores shared by everything: origin + FFmpeg, nats-server, the edge (or nginx), the load generator, and other work on the machine ` +
      `(load average ${machine.loadBefore.map((x) => x.toFixed(1)).join("/")} before, ${machine.loadAfter.map((x) => x.toFixed(1)).join("/")} after). ` +
      "The generator's own CPU is in the table (ELU: the busiest viewer thread's event-loop utilisation; near 100% means the generator, not the server, set the pace; waited: seconds its threads were runnable but had no CPU). " +
      "In brackets after server cores: the share of the window the server's main thread (the edge's event loop, nginx's worker) was runnable but waiting for a CPU (/proc schedstat run_delay), i.e. held back by everything else on the machine. " +
      "Latency here is CPU-scheduling bound once the server or the generator saturates a core; tails on a loaded 2-core machine say more about the machine than the edge. " +
      "Node's HTTP server is one thread, so the edge's ceiling is one core; nginx has one worker for the same reason.",
  ];
  if (profile?.length) {
    text.push(
      "",
      `**Edge CPU profile** (\`node --cpu-prof\`, ${profileStep ? `${n(profileStep.viewers)} viewers, ${profileStep.load.partsPerSecond.toFixed(0)} parts/s, p99 ${profileStep.load.latencyMs.p99.toFixed(0)} ms` : ""}; top self time):`,
      "",
      formatSelfTime(profile),
    );
  }
  return text.join("\n");
}
