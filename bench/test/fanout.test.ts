import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchmark } from "../src/fanout/index.js";
import { partsFrom, preloadHint } from "../src/fanout/playlist.js";
import { LatencyHistogram } from "../src/fanout/stats.js";

describe("fanout playlist reading", () => {
  const text = [
    "#EXTM3U",
    "#EXT-X-PART-INF:PART-TARGET=0.2",
    '#EXT-X-PART:DURATION=0.2,URI="100.3.m4s"',
    '#EXT-X-PART:DURATION=0.2,URI="100.4.m4s"',
    "#EXTINF:1.0,",
    "100.m4s",
    '#EXT-X-PART:DURATION=0.2,URI="101.0.m4s",INDEPENDENT=YES',
    '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="101.1.m4s"',
    '#EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8",LAST-MSN=101,LAST-PART=0',
  ].join("\n");

  it("lists parts from a given one on and reads the preload hint", () => {
    expect(partsFrom(text, { msn: 100, part: 4 })).toEqual([
      { msn: 100, part: 4 },
      { msn: 101, part: 0 },
    ]);
    expect(partsFrom(text, { msn: 101, part: 1 })).toEqual([]);
    expect(partsFrom(text)).toHaveLength(3);
    expect(preloadHint(text)).toEqual({ msn: 101, part: 1 });
  });

  it("takes quantiles from a histogram", () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.add(i);
    expect(h.quantile(0.5)).toBeCloseTo(50, 0);
    expect(h.quantile(0.99)).toBeCloseTo(99, 0);
    expect(h.max).toBe(100);
  });
});

// Smoke: the whole harness (cluster, visibility probe, edge and nginx steps) for a few seconds
// with ~20 viewers. It checks that every figure is produced, not that a goal is met.
describe("fanout benchmark (smoke)", () => {
  let chartDir = "";
  afterAll(async () => {
    if (chartDir) await rm(chartDir, { recursive: true, force: true });
  });

  it("produces finite figures for the edge and nginx", async () => {
    chartDir = await mkdtemp(join(tmpdir(), "tributary-fanout-charts-"));
    const result = await benchmark.run({ full: false, smoke: true, chartDir });
    expect(result.name).toBe("fanout");
    const figure = (label: string) => {
      const f = result.figures.find((x) => x.label === label);
      expect(f, label).toBeDefined();
      return f!;
    };
    for (const f of result.figures) expect(Number.isFinite(f.value), f.label).toBe(true);
    const parts = figure("20 viewers: parts served");
    expect(parts.value).toBeGreaterThan(0);
    expect(parts.baseline?.value).toBeGreaterThan(0);
    const efficiency = figure("20 viewers: parts per server CPU-second");
    expect(efficiency.ratio).toBeGreaterThan(0);
    expect(Number.isFinite(figure("20 viewers: publish→viewer p99").value)).toBe(true);
    expect(figure("Part visibility: parts measured").value).toBeGreaterThan(0);
    expect(result.figures.some((f) => f.goal)).toBe(true);
    expect(result.notes).toContain("| edge | 20 |");
    expect(result.notes).toContain("| nginx | 20 |");
  });
});
