/**
 * The fan-out curves as PNG charts: viewers against p99 publish-to-viewer latency, and against
 * parts served per server CPU-second, edge and nginx each a line.
 */
import { join } from "node:path";
import { lineChart, type LineChartSpec } from "../charts.js";
import type { StepResult } from "./index.js";

export async function writeCharts(dir: string, steps: StepResult[]): Promise<{ file: string; title: string }[]> {
  const series = (server: StepResult["server"], y: (s: StepResult) => number, name: string) => ({
    name,
    points: steps
      .filter((s) => s.server === server && Number.isFinite(y(s)))
      .sort((a, b) => a.viewers - b.viewers)
      .map((s): [number, number] => [s.viewers, y(s)]),
  });
  const charts: { file: string; spec: LineChartSpec }[] = [
    {
      file: "fanout-p99.png",
      spec: {
        title: "Fan-out: p99 publish→viewer latency",
        xLabel: "concurrent viewers",
        yLabel: "p99 latency (ms)",
        xScale: "log",
        yScale: "log",
        rules: [{ axis: "y", value: 100, label: "goal: p99 < 100 ms" }],
        series: [
          series("edge", (s) => s.load.latencyMs.p99, "edge (LL-HLS, blocking reloads)"),
          series("nginx", (s) => s.load.latencyMs.p99, "nginx (static files, polling)"),
        ],
      },
    },
    {
      file: "fanout-efficiency.png",
      spec: {
        title: "Fan-out: parts served per server CPU-second",
        xLabel: "concurrent viewers",
        yLabel: "parts per CPU-second",
        xScale: "log",
        yScale: "log",
        series: [series("edge", (s) => s.partsPerCpuSecond, "edge"), series("nginx", (s) => s.partsPerCpuSecond, "nginx")],
      },
    },
  ];
  for (const c of charts) await lineChart(join(dir, c.file), c.spec);
  return charts.map((c) => ({ file: c.file, title: c.spec.title }));
}
