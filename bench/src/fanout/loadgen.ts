/**
 * The fan-out load generator: N simulated LL-HLS viewers (or polling viewers, for a static
 * server) against one or more media playlists, measuring per part the time from its publish
 * (the origin's part manifest `closedAt`, read from NATS) to a viewer having its bytes.
 *
 *   node bench/dist/fanout/loadgen.js --url http://127.0.0.1:8080/live/demo/360p/index.m3u8 \
 *     --viewers 1000 --seconds 30 [--nats nats://127.0.0.1:4222] [--mode llhls|poll] [--workers N] [--json]
 *
 * Viewers are spread over worker threads (when run from the build; from TypeScript sources,
 * e.g. under vitest, they run in this thread). Its own CPU time is measured and reported: on a
 * small machine the generator, not the server, may be what runs out first.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker } from "./loadgen-worker.js";
import { subscribeManifests, type ManifestFeed, type PartPublished } from "./manifests.js";
import { processRunDelaySeconds } from "../proc.js";
import { addCounts, emptyCounts, errorCount, LatencyHistogram, type ViewerCounts } from "./stats.js";
import { ViewerGroup, type ViewerGroupOptions, type ViewerMode, type ViewerReport } from "./viewer.js";

export interface LoadOptions {
  /** Media playlist URLs (`…/live/{stream}/{rendition}/index.m3u8`); viewers are spread over them. */
  urls: string[];
  viewers: number;
  /** Length of the measured window. */
  seconds: number;
  /** Viewers join spread over this long before the window (default: 1 s + 1 s per 1,000 viewers, at most 10 s). */
  rampSeconds?: number;
  /** Pause between the last viewer joining and the window (default 1 s). */
  settleSeconds?: number;
  mode: ViewerMode;
  /** Delta updates on blocking reloads (default true). */
  skip?: boolean;
  /** NATS server carrying the part manifests; without it no publish-to-viewer latency is measured. */
  natsUrl?: string;
  /** Worker threads (0: this thread). Default: one per 2,500 viewers, at most the cores, 0 from sources. */
  workers?: number;
  /** Per-request limit (default 10 s: above the server's 3-target-duration hold). */
  timeoutMs?: number;
  /** Called when the window opens and closes (e.g. to sample the server's CPU time then). */
  onWindow?: (edge: "open" | "close") => void;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  mode: ViewerMode;
  viewers: number;
  viewersStarted: number;
  workers: number;
  windowSeconds: number;
  counts: ViewerCounts;
  errors: number;
  partsPerSecond: number;
  playlistsPerSecond: number;
  megabitsPerSecond: number;
  /** Publish (`closedAt`) to the viewer having the part's bytes; NaN without NATS. */
  latencyMs: LatencySummary;
  /** The generator process's own CPU time (all threads) during the window. */
  generatorCpuSeconds: number;
  /** The same per second of window: cores the generator kept busy. */
  generatorCores: number;
  /** Highest event-loop utilisation of a viewer thread over the window (near 1: the generator saturated). */
  eventLoopUtilization: number;
  /** Seconds the generator's threads, summed, were runnable but waited for a CPU during the window (Linux). */
  generatorWaitSeconds: number;
}

/** Whether this module runs from the build (worker threads need a .js file). */
const FROM_BUILD = import.meta.url.endsWith(".js");

export function defaultWorkers(viewers: number): number {
  if (!FROM_BUILD) return 0;
  return Math.min(availableParallelism(), Math.max(1, Math.ceil(viewers / 2_500)));
}

/** `{stream, rendition}` of a media playlist URL `…/live/{stream}/{rendition}/index.m3u8`. */
export function playlistTarget(url: string): { stream: string; rendition: string } {
  const parts = new URL(url).pathname.split("/");
  return { stream: parts.at(-3) ?? "", rendition: parts.at(-2) ?? "" };
}

export function summarize(h: LatencyHistogram): LatencySummary {
  return { count: h.count, p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99), max: h.count ? h.max : Number.NaN, mean: h.mean };
}

/** Runs one load step and reports what the viewers saw. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const workers = Math.min(o.workers ?? defaultWorkers(o.viewers), o.viewers);
  const rampMs = (o.rampSeconds ?? Math.min(10, 1 + o.viewers / 1_000)) * 1000;
  const settleMs = (o.settleSeconds ?? 1) * 1000;
  const timeoutMs = o.timeoutMs ?? 10_000;

  // Groups of viewers: worker threads, or one group in this thread.
  const sinks: ((part: PartPublished) => void)[] = [];
  const reports: Promise<ViewerReport>[] = [];
  let startGroups: (timing: Pick<ViewerGroupOptions, "startAt" | "measureFrom" | "measureUntil">) => void;
  let stopGroups = (): Promise<void> => Promise.resolve();
  const groupOptions = (index: number, count: number): Omit<ViewerGroupOptions, "startAt" | "measureFrom" | "measureUntil"> => {
    const per = Math.floor(o.viewers / count);
    const offset = index * per;
    return {
      urls: o.urls,
      viewers: index === count - 1 ? o.viewers - offset : per,
      offset,
      mode: o.mode,
      skip: o.skip ?? true,
      rampMs,
      timeoutMs,
    };
  };
  if (workers === 0) {
    let group: ViewerGroup | undefined;
    const early: PartPublished[] = [];
    sinks.push((part) => (group ? group.published(part) : early.push(part)));
    let report: (r: Promise<ViewerReport>) => void = () => {};
    reports.push(new Promise<ViewerReport>((resolve) => (report = (r) => resolve(r))));
    startGroups = (timing) => {
      group = new ViewerGroup({ ...groupOptions(0, 1), ...timing });
      for (const part of early.splice(0)) group.published(part);
      report(group.run());
    };
  } else {
    const threads = await Promise.all(
      Array.from({ length: workers }, () => {
        const worker = new Worker(new URL("./loadgen-worker.js", import.meta.url));
        return new Promise<Worker>((resolve, reject) => {
          worker.once("error", reject);
          worker.once("message", (m: FromWorker) => (m.type === "ready" ? resolve(worker) : reject(new Error(`worker: ${JSON.stringify(m)}`))));
        });
      }),
    );
    for (const worker of threads) {
      sinks.push((part) => worker.postMessage({ type: "part", part } satisfies ToWorker));
      reports.push(
        new Promise<ViewerReport>((resolve, reject) => {
          worker.on("message", (m: FromWorker) => {
            if (m.type === "report") resolve(m.report);
            else if (m.type === "error") reject(new Error(m.message));
          });
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`load generator worker exited with ${code}`)));
        }),
      );
    }
    stopGroups = () => Promise.all(threads.map((w) => w.terminate())).then(() => undefined);
    startGroups = (timing) =>
      threads.forEach((worker, i) => worker.postMessage({ type: "start", options: { ...groupOptions(i, workers), ...timing } } satisfies ToWorker));
  }

  let feed: ManifestFeed | undefined;
  if (o.natsUrl) {
    const targets = o.urls.map(playlistTarget);
    const byStream = new Map<string, string[]>();
    for (const t of targets) byStream.set(t.stream, [...(byStream.get(t.stream) ?? []), t.rendition]);
    const feeds = await Promise.all(
      [...byStream].map(([stream, renditions]) => subscribeManifests(o.natsUrl!, stream, renditions, (part) => sinks.forEach((sink) => sink(part)))),
    );
    feed = { close: async () => void (await Promise.all(feeds.map((f) => f.close()))) };
  }

  const startAt = Date.now() + 100;
  const measureFrom = startAt + rampMs + settleMs;
  const measureUntil = measureFrom + o.seconds * 1000;
  let cpuAtOpen: NodeJS.CpuUsage | undefined;
  let cpuUsed: NodeJS.CpuUsage | undefined;
  let waitAtOpen: Promise<number> | undefined;
  let waitAtClose: Promise<number> | undefined;
  const openTimer = setTimeout(() => {
    cpuAtOpen = process.cpuUsage();
    waitAtOpen = processRunDelaySeconds(process.pid);
    o.onWindow?.("open");
  }, measureFrom - Date.now());
  const closeTimer = setTimeout(() => {
    cpuUsed = process.cpuUsage(cpuAtOpen);
    waitAtClose = processRunDelaySeconds(process.pid);
    o.onWindow?.("close");
  }, measureUntil - Date.now());
  startGroups({ startAt, measureFrom, measureUntil });
  let done: ViewerReport[];
  try {
    done = await Promise.all(reports);
  } finally {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    await feed?.close();
    await stopGroups();
  }

  const counts = emptyCounts();
  const latency = new LatencyHistogram();
  for (const r of done) {
    addCounts(counts, r.counts);
    latency.merge(r.latency);
  }
  const windowSeconds = o.seconds;
  const cpuSeconds = cpuUsed ? (cpuUsed.user + cpuUsed.system) / 1e6 : Number.NaN;
  return {
    mode: o.mode,
    viewers: o.viewers,
    viewersStarted: done.reduce((n, r) => n + r.viewersStarted, 0),
    workers,
    windowSeconds,
    counts,
    errors: errorCount(counts),
    partsPerSecond: counts.parts / windowSeconds,
    playlistsPerSecond: counts.playlists / windowSeconds,
    megabitsPerSecond: (counts.partBytes * 8) / 1e6 / windowSeconds,
    latencyMs: summarize(latency),
    generatorCpuSeconds: cpuSeconds,
    generatorCores: cpuSeconds / windowSeconds,
    eventLoopUtilization: Math.max(...done.map((r) => r.eventLoopUtilization)),
    generatorWaitSeconds: waitAtOpen && waitAtClose ? (await waitAtClose) - (await waitAtOpen) : Number.NaN,
  };
}

export function formatLoad(r: LoadResult): string {
  const l = r.latencyMs;
  const errors = r.errors ? ` (${JSON.stringify(r.counts.httpErrors)} http, ${r.counts.timeouts} timeouts, ${r.counts.failures} failures)` : "";
  return [
    `${r.viewersStarted}/${r.viewers} ${r.mode} viewers on ${r.workers || "no"} worker thread(s), ${r.windowSeconds} s window`,
    `  parts ${r.partsPerSecond.toFixed(0)}/s (${r.megabitsPerSecond.toFixed(1)} Mbit/s), playlists ${r.playlistsPerSecond.toFixed(0)}/s` +
      (r.mode === "poll" ? `, empty polls ${(r.counts.emptyPolls / r.windowSeconds).toFixed(0)}/s` : ""),
    `  publish->viewer ms: p50 ${l.p50.toFixed(1)}  p95 ${l.p95.toFixed(1)}  p99 ${l.p99.toFixed(1)}  max ${l.max.toFixed(1)}  (${l.count} parts, ${r.counts.unmatched} unmatched)`,
    `  errors ${r.errors}${errors}`,
    `  generator CPU ${r.generatorCpuSeconds.toFixed(2)} s = ${(r.generatorCores * 100).toFixed(0)}% of a core; busiest viewer thread's event loop ${(r.eventLoopUtilization * 100).toFixed(0)}% busy; ` +
      `its threads waited ${r.generatorWaitSeconds.toFixed(2)} s for a CPU`,
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: "string", multiple: true },
      viewers: { type: "string", default: "100" },
      seconds: { type: "string", default: "30" },
      ramp: { type: "string" },
      mode: { type: "string", default: "llhls" },
      "no-skip": { type: "boolean", default: false },
      nats: { type: "string" },
      workers: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const mode = values.mode;
  if (!values.url?.length || (mode !== "llhls" && mode !== "poll")) {
    console.error("usage: loadgen --url <media playlist URL> [--url …] [--viewers N] [--seconds S] [--ramp S] [--mode llhls|poll] [--no-skip] [--nats URL] [--workers N] [--json]");
    process.exit(2);
  }
  const result = await runLoad({
    urls: values.url,
    viewers: Number(values.viewers),
    seconds: Number(values.seconds),
    rampSeconds: values.ramp === undefined ? undefined : Number(values.ramp),
    mode,
    skip: !values["no-skip"],
    natsUrl: values.nats,
    workers: values.workers === undefined ? undefined : Number(values.workers),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatLoad(result));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
