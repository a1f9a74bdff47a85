/** From the `throughput` example's JSON to figures: pure, so it is unit-tested. */
import { median, percentile } from "../stats.js";
import type { Figure } from "../types.js";

/**
 * One timed run as the example prints it: three loops (the packager with playlists, the
 * packager cutting parts only, the copy baseline), each with the bytes it moved (the faster
 * loops get more passes) and its wall-clock and thread CPU seconds (CPU null where unknown).
 */
export interface ThroughputRun {
  bytes: number;
  parts: number;
  playlists: number;
  playlist_bytes: number;
  passes: number;
  packager_wall_s: number;
  packager_cpu_s: number | null;
  parts_only_bytes: number;
  parts_only_wall_s: number;
  parts_only_cpu_s: number | null;
  copy_bytes: number;
  copy_wall_s: number;
  copy_cpu_s: number | null;
}

export interface ThroughputReport {
  profile: "release" | "debug";
  pass_bytes: number;
  passes_per_run: number;
  renders_per_part: number;
  window_segments: number;
  inputs: { name: string; kind: string; path: string; writes: number; bytes: number }[];
  runs: ThroughputRun[];
}

/** Goals from issue 5. */
export const GOAL_GBPS_PER_CORE = 1;
export const GOAL_MIN_COPY_RATIO = 0.2; // within 5x of the copy baseline

/** GB/s (10^9 bytes) of each loop, per run. */
export interface LoopRates {
  packager: number[];
  partsOnly: number[];
  copy: number[];
}

export interface ThroughputStats {
  /** Per CPU-second of the one thread doing the work (wall clock where CPU time is unknown). */
  perCore: LoopRates;
  /** Wall clock: what this machine, with whatever else it was running, delivered. */
  wall: LoopRates;
  /** packager / copy per core, per run (paired: timed back to back). */
  ratio: number[];
  partsOnlyRatio: number[];
  /** Microseconds of CPU per media playlist rendered: packager time less parts-only time for the same bytes. */
  renderMicros: number[];
  partsPerCpuSecond: number[];
  playlistBytes: number;
}

const gbps = (bytes: number, seconds: number) => (seconds > 0 ? bytes / seconds / 1e9 : NaN);
/** The thread's CPU seconds where measured, else wall-clock seconds. */
const cpu = (cpuS: number | null, wallS: number) => (cpuS !== null && cpuS > 0 ? cpuS : wallS);

export function throughputStats(report: ThroughputReport): ThroughputStats {
  const runs = report.runs;
  const perCore: LoopRates = {
    packager: runs.map((r) => gbps(r.bytes, cpu(r.packager_cpu_s, r.packager_wall_s))),
    partsOnly: runs.map((r) => gbps(r.parts_only_bytes, cpu(r.parts_only_cpu_s, r.parts_only_wall_s))),
    copy: runs.map((r) => gbps(r.copy_bytes, cpu(r.copy_cpu_s, r.copy_wall_s))),
  };
  const wall: LoopRates = {
    packager: runs.map((r) => gbps(r.bytes, r.packager_wall_s)),
    partsOnly: runs.map((r) => gbps(r.parts_only_bytes, r.parts_only_wall_s)),
    copy: runs.map((r) => gbps(r.copy_bytes, r.copy_wall_s)),
  };
  const totalPlaylists = runs.reduce((n, r) => n + r.playlists, 0);
  return {
    perCore,
    wall,
    ratio: perCore.packager.map((p, i) => p / perCore.copy[i]!),
    partsOnlyRatio: perCore.partsOnly.map((p, i) => p / perCore.copy[i]!),
    renderMicros: runs.map((r) => {
      if (r.playlists === 0) return NaN;
      const packagerS = cpu(r.packager_cpu_s, r.packager_wall_s);
      const partsS = (cpu(r.parts_only_cpu_s, r.parts_only_wall_s) * r.bytes) / r.parts_only_bytes;
      return ((packagerS - partsS) / r.playlists) * 1e6;
    }),
    partsPerCpuSecond: runs.map((r) => r.parts / cpu(r.packager_cpu_s, r.packager_wall_s)),
    playlistBytes: totalPlaylists > 0 ? runs.reduce((n, r) => n + r.playlist_bytes, 0) / totalPlaylists : NaN,
  };
}

/** Whether every loop of every run has its thread CPU time (Linux). */
export function hasCpuTimes(report: ThroughputReport): boolean {
  return report.runs.every((r) => r.packager_cpu_s !== null && r.parts_only_cpu_s !== null && r.copy_cpu_s !== null);
}

export function throughputFigures(report: ThroughputReport): Figure[] {
  const s = throughputStats(report);
  const n = report.runs.length;
  const clock = hasCpuTimes(report) ? "thread CPU time" : "wall clock";
  const perCore = median(s.perCore.packager);
  const ratio = median(s.ratio);
  const copy = median(s.perCore.copy);
  const slowPackager = percentile(s.wall.packager, 5);
  const slowCopy = percentile(s.wall.copy, 5);
  return [
    {
      label: `packager throughput per core: parts + a media playlist per part (median of ${n} runs, ${clock})`,
      value: perCore,
      unit: "GB/s",
      goal: { text: `≥ ${GOAL_GBPS_PER_CORE} GB/s per core`, met: perCore >= GOAL_GBPS_PER_CORE },
    },
    {
      label: `packager against copying the same bytes (per core, median of ${n} paired runs)`,
      value: perCore,
      unit: "GB/s",
      baseline: { label: "copy_from_slice", value: copy },
      ratio,
      goal: { text: `ratio ≥ ${GOAL_MIN_COPY_RATIO} (within 5× of copy)`, met: ratio >= GOAL_MIN_COPY_RATIO },
    },
    {
      label: "packager cutting parts only, no playlist rendering (per core, median)",
      value: median(s.perCore.partsOnly),
      unit: "GB/s",
      baseline: { label: "copy_from_slice", value: copy },
      ratio: median(s.partsOnlyRatio),
    },
    {
      label: `media playlist render (${report.window_segments}-segment window, ~${Math.round(s.playlistBytes)} bytes), median`,
      value: median(s.renderMicros),
      unit: "µs CPU each",
    },
    {
      label: "parts cut per CPU-second, with their playlists (median)",
      value: median(s.partsPerCpuSecond),
      unit: "parts/s",
    },
    {
      label: "packager wall-clock throughput on this machine, with its other load (median)",
      value: median(s.wall.packager),
      unit: "GB/s",
      baseline: { label: "copy, wall clock", value: median(s.wall.copy) },
      ratio: median(s.wall.packager.map((p, i) => p / s.wall.copy[i]!)),
    },
    {
      label: "packager wall-clock throughput, slow tail (p95 run time)",
      value: slowPackager,
      unit: "GB/s",
      baseline: { label: "copy, p95 run time", value: slowCopy },
      ratio: slowPackager / slowCopy,
    },
  ];
}
