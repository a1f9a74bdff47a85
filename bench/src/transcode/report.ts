/** Transcode cost figures from measured windows: pure, so it is unit-tested. */
import { formatNumber } from "../figure-table.js";
import { median } from "../stats.js";
import type { Figure } from "../types.js";
import type { WindowSample } from "./cpu-sample.js";

/** What counts as "through the origin": its transcoder, its contribution process, its Node process. */
export const ORIGIN_PARTS = ["transcoder", "contribution", "origin"] as const;
export const GOAL_MAX_RATIO = 1.05;

export interface LadderMeasurement {
  /** e.g. "720p30 source → 720p, 480p, 360p". */
  label: string;
  /** Short name for charts, e.g. "720p → 3 rungs". */
  short: string;
  origin: WindowSample[];
  bare: WindowSample[];
}

/** CPU seconds per second of video of the named parts (all parts when none are named). */
export function cpuPerVideoSecond(w: WindowSample, parts?: readonly string[]): number {
  const names = parts ?? Object.keys(w.cpu);
  const cpu = names.reduce((sum, p) => sum + (w.cpu[p] ?? 0), 0);
  return w.mediaSeconds > 0 ? cpu / w.mediaSeconds : NaN;
}

export function realTimeFactor(w: WindowSample): number {
  return w.wallSeconds > 0 ? w.mediaSeconds / w.wallSeconds : NaN;
}

export interface LadderStats {
  origin: number;
  bare: number;
  /** Median of the paired (origin window, bare window) ratios. */
  ratio: number;
  originRtf: number;
  bareRtf: number;
  /** CPU s per video s of each origin part (and nats-server), medians. */
  parts: Record<string, number>;
}

export function ladderStats(m: LadderMeasurement): LadderStats {
  const origin = m.origin.map((w) => cpuPerVideoSecond(w, ORIGIN_PARTS));
  const bare = m.bare.map((w) => cpuPerVideoSecond(w));
  const pairs = Math.min(origin.length, bare.length);
  const ratios = Array.from({ length: pairs }, (_, i) => origin[i]! / bare[i]!);
  const partNames = [...new Set(m.origin.flatMap((w) => Object.keys(w.cpu)))];
  const parts = Object.fromEntries(partNames.map((p) => [p, median(m.origin.map((w) => cpuPerVideoSecond(w, [p])))]));
  return {
    origin: median(origin),
    bare: median(bare),
    ratio: median(ratios),
    originRtf: median(m.origin.map(realTimeFactor)),
    bareRtf: median(m.bare.map(realTimeFactor)),
    parts,
  };
}

export function ladderFigures(m: LadderMeasurement, cores: number): Figure[] {
  const s = ladderStats(m);
  return [
    {
      label: `${m.label}: CPU per second of video through the origin (transcoder + contribution + Node)`,
      value: s.origin,
      unit: "CPU s / video s",
      baseline: { label: "bare ffmpeg, same ladder", value: s.bare },
      ratio: s.ratio,
      goal: { text: `ratio ≤ ${GOAL_MAX_RATIO}`, met: s.ratio <= GOAL_MAX_RATIO },
    },
    {
      label: `${m.label}: real-time factor through the origin (video s per wall s, paced by -re)`,
      value: s.originRtf,
      unit: "×",
      baseline: { label: "bare ffmpeg", value: s.bareRtf },
      ratio: s.originRtf / s.bareRtf,
    },
    {
      label: `${m.label}: streams per ${cores}-core box through the origin (cores ÷ CPU per video s)`,
      value: cores / s.origin,
      unit: "streams",
      baseline: { label: "bare ffmpeg", value: cores / s.bare },
      ratio: s.bare / s.origin,
    },
  ];
}

const PART_LABELS: Record<string, string> = {
  transcoder: "origin's transcoder (FFmpeg: decode, scale, encode, fMP4 to pipes)",
  contribution: "origin's contribution process (FFmpeg remux to MPEG-TS)",
  origin: "origin's Node process (packager, part store, JetStream publishing)",
  nats: "nats-server (not counted in the origin's figure)",
};

/** A Markdown table: where the CPU goes, per ladder. */
export function breakdownTable(measurements: readonly LadderMeasurement[]): string {
  const stats = measurements.map(ladderStats);
  const header = `| CPU s per video s (median) | ${measurements.map((m) => m.short).join(" | ")} |`;
  const rule = `| --- | ${measurements.map(() => "---").join(" | ")} |`;
  const names = [...new Set(stats.flatMap((s) => Object.keys(s.parts)))];
  const rows = names.map((p) => `| ${PART_LABELS[p] ?? p} | ${stats.map((s) => formatNumber(s.parts[p] ?? NaN)).join(" | ")} |`);
  rows.push(`| **through the origin** (first three rows) | ${stats.map((s) => formatNumber(s.origin)).join(" | ")} |`);
  rows.push(`| **bare ffmpeg**, same ladder to the null muxer | ${stats.map((s) => formatNumber(s.bare)).join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}
