import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { barChart, histogram, histogramSpec, lineChart, lineChartSpec } from "./charts.js";

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("charts", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("builds a line chart spec with one colour per series and drops what a log scale cannot show", () => {
    const spec = lineChartSpec({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      yScale: "log",
      series: [
        { name: "a", points: [[1, 2], [2, 0], [3, NaN]] },
        { name: "b", points: [[1, 5]] },
      ],
      rules: [{ axis: "y", value: 3, label: "goal" }],
    });
    const json = JSON.stringify(spec);
    expect(json).toContain('"type":"log"');
    const layer = (spec as { layer: { data: { values: unknown[] } }[] }).layer;
    expect(layer[0]!.data.values).toEqual([
      { series: "a", x: 1, y: 2 },
      { series: "b", x: 1, y: 5 },
    ]);
    expect(layer).toHaveLength(3); // the lines, the goal rule and its label
  });

  it("counts the values a histogram shows in its title", () => {
    expect(JSON.stringify(histogramSpec({ title: "lat", xLabel: "ms", values: [1, 2, NaN], bins: 10 }))).toContain("lat (n = 2)");
  });

  it("writes PNG files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bench-charts-"));
    dirs.push(dir);
    const files = [
      await lineChart(join(dir, "line.png"), {
        title: "Line",
        xLabel: "viewers",
        yLabel: "ms",
        series: [{ name: "edge", points: [[1, 10], [10, 12], [100, 15]] }],
      }),
      await histogram(join(dir, "sub", "hist.png"), {
        title: "Histogram",
        xLabel: "ms",
        values: Array.from({ length: 200 }, (_, i) => 500 + ((i * 37) % 101)),
        bins: 20,
      }),
      await barChart(join(dir, "bar.png"), {
        title: "Bars",
        xLabel: "ladder",
        yLabel: "CPU s per s",
        bars: [
          { category: "720p", group: "origin", value: 1.2 },
          { category: "720p", group: "bare", value: 1.1 },
        ],
      }),
    ];
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
      expect(bytes.length).toBeGreaterThan(5_000);
    }
  });
});
