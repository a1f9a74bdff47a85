/**
 * The latency charts (PNG, through the shared bench/src/charts.ts): the glass-to-glass
 * distribution, its CDF for both paths against the codec floor, latency over each run, and
 * the SRT path's stages against the budget.
 */
import { join } from "node:path";
import { barChart, histogram, lineChart } from "../charts.js";
import { percentile } from "../stats.js";
import type { Budget } from "./budget.js";

/** One run's latency over its window: [seconds since the measurement started, ms] points. */
export interface RunSeries {
  /** Per-second median glass to glass. */
  glass: [number, number][];
  /** hls.js's own latency estimate. */
  hls: [number, number][];
}

export interface LatencyChartData {
  /** Glass-to-glass latency of every displayed frame, ms (all runs), SRT publisher. */
  glassToGlassMs: number[];
  /** The same for the browser broadcaster (WHIP); empty when that path failed. */
  whipGlassToGlassMs: number[];
  /** The codec floor, ms. */
  floorMs: number[];
  runs: RunSeries[];
  whipRuns: RunSeries[];
  /** The SRT path's stage budget. */
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
  const written: { file: string; title: string }[] = [];
  const histograms = [
    { file: "latency-histogram.png", title: "Glass-to-glass latency per displayed frame, SRT publisher (all runs)", values: data.glassToGlassMs },
    { file: "latency-whip-histogram.png", title: "Glass-to-glass latency per displayed frame, WHIP browser broadcaster (all runs)", values: data.whipGlassToGlassMs },
  ];
  // The SRT one always (RESULTS.md links it); the WHIP one when that path measured frames.
  for (const h of histograms.filter((h, i) => i === 0 || h.values.length > 0)) {
    const p99 = percentile(h.values, 99);
    await histogram(join(dir, h.file), {
      title: h.title,
      xLabel: "glass-to-glass latency (ms)",
      yLabel: "frames",
      // The far tail squeezes the histogram flat: it is in the CDF and in the p99 figure.
      values: h.values.filter((v) => !Number.isFinite(p99) || v <= p99 * 1.2),
      bins: 40,
      rules: GOALS,
    });
    written.push({ file: h.file, title: h.title });
  }
  const charts = [
    {
      file: "latency-cdf.png",
      spec: {
        title: "Glass-to-glass latency CDF, SRT and WHIP publishers, against the codec floor",
        xLabel: "latency (ms)",
        yLabel: "fraction of frames at or below",
        series: [
          { name: "SRT publisher: glass to glass (watch page, hls.js)", points: cdf(data.glassToGlassMs) },
          { name: "WHIP browser broadcaster: glass to glass (watch page, hls.js)", points: cdf(data.whipGlassToGlassMs) },
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
        series: [
          ...data.runs.flatMap((r, i) => [
            { name: `run ${i + 1}: glass to glass`, points: r.glass },
            { name: `run ${i + 1}: hls.js latency`, points: r.hls },
          ]),
          ...data.whipRuns.flatMap((r, i) => [
            { name: `WHIP run ${i + 1}: glass to glass`, points: r.glass },
            { name: `WHIP run ${i + 1}: hls.js latency`, points: r.hls },
          ]),
        ],
        points: false,
      },
    },
  ];
  for (const c of charts) {
    await lineChart(join(dir, c.file), c.spec);
    written.push({ file: c.file, title: c.spec.title });
  }
  const median = new Map(data.budget.stages.map((s) => [s.stage.id, s.medianMs]));
  const budgetTitle = "Where the time goes (SRT path): measured stage medians against DESIGN.md's budget";
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
