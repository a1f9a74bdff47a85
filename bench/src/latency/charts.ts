/**
 * The latency charts (PNG, through the shared bench/src/charts.ts): the glass-to-glass
 * distribution, its CDF against the codec floor, and latency over each run.
 */
import { join } from "node:path";
import { barChart, histogram, lineChart } from "../charts.js";
import { percentile } from "../stats.js";
import type { Budget } from "./budget.js";

export interface LatencyChartData {
  /** Glass-to-glass latency of every displayed frame, ms (all runs). */
  glassToGlassMs: number[];
  /** The codec floor, ms. */
  floorMs: number[];
  /** Per run: [seconds since the measurement started, glass-to-glass ms] and hls.js's latency, ms. */
  runs: { glass: [number, number][]; hls: [number, number][] }[];
  budget: Budget;
}

function cdf(values: number[]): [number, number][] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(sorted.length / 400));
  const points: [number, number][] = [];
  for (let i = 0; i < sorted.length; i += step) points.push([sorted[i]!, (i + 1) / sorted.length]);
  if (sorted.length > 0) points.push([sorted.at(-1)!, 1]);
  return points;
}

const GOALS = [
  { axis: "x" as const, value: 1000, label: "p50 goal 1.0 s" },
  { axis: "x" as const, value: 1500, label: "p95 goal 1.5 s" },
];

/** DESIGN.md's latency budget rows, and the measured stages that make up each. */
const DESIGN_ROWS: { category: string; budgetMs: number; stages: string[] }[] = [
  { category: "encode + uplink", budgetMs: 200, stages: ["encode", "contribution"] },
  { category: "transcode", budgetMs: 150, stages: ["transcode"] },
  { category: "part wait", budgetMs: 200, stages: ["part"] },
  { category: "manifest → release", budgetMs: 20, stages: ["manifest", "fetch", "release"] },
  { category: "player", budgetMs: 600, stages: ["player"] },
];

/** Writes the charts into `dir`; returns their file names and titles. */
export async function writeLatencyCharts(dir: string, data: LatencyChartData): Promise<{ file: string; title: string }[]> {
  const p99 = percentile(data.glassToGlassMs, 99);
  const written: { file: string; title: string }[] = [];
  const title = "Glass-to-glass latency per displayed frame (all runs)";
  await histogram(join(dir, "latency-histogram.png"), {
    title,
    xLabel: "glass-to-glass latency (ms)",
    yLabel: "frames",
    // The far tail squeezes the histogram flat: it is in the CDF and in the p99 figure.
    values: data.glassToGlassMs.filter((v) => !Number.isFinite(p99) || v <= p99 * 1.2),
    bins: 40,
    rules: GOALS,
  });
  written.push({ file: "latency-histogram.png", title });
  const charts = [
    {
      file: "latency-cdf.png",
      spec: {
        title: "Glass-to-glass latency CDF against the codec floor",
        xLabel: "latency (ms)",
        yLabel: "fraction of frames at or below",
        series: [
          { name: "glass to glass (watch page, hls.js)", points: cdf(data.glassToGlassMs) },
          { name: "codec floor (encode → decode, no network)", points: cdf(data.floorMs) },
        ],
        rules: GOALS,
      },
    },
    {
      file: "latency-over-time.png",
      spec: {
        title: "Latency during each run (per-second median glass to glass; hls.js's own estimate)",
        xLabel: "seconds into the measurement",
        yLabel: "latency (ms)",
        series: data.runs.flatMap((r, i) => [
          { name: `run ${i + 1}: glass to glass`, points: r.glass },
          { name: `run ${i + 1}: hls.js latency`, points: r.hls },
        ]),
        points: false,
      },
    },
  ];
  for (const c of charts) {
    await lineChart(join(dir, c.file), c.spec);
    written.push({ file: c.file, title: c.spec.title });
  }
  const median = new Map(data.budget.stages.map((s) => [s.stage.id, s.medianMs]));
  const budgetTitle = "Where the time goes: measured stage medians against DESIGN.md's budget";
  await barChart(join(dir, "latency-budget.png"), {
    title: budgetTitle,
    xLabel: "stage",
    yLabel: "ms",
    bars: DESIGN_ROWS.flatMap((row) => [
      { category: row.category, group: "measured (median)", value: row.stages.reduce((sum, id) => sum + (median.get(id) ?? Number.NaN), 0) },
      { category: row.category, group: "DESIGN.md budget", value: row.budgetMs },
    ]),
  });
  written.push({ file: "latency-budget.png", title: budgetTitle });
  return written;
}
