import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchmark, latencyPlan } from "../src/latency/index.js";

const chartDir = await mkdtemp(join(tmpdir(), "tributary-latency-"));
afterAll(() => rm(chartDir, { recursive: true, force: true }));

describe("latency benchmark (smoke)", () => {
  it("plans a short smoke run, a 60 s normal run and longer full runs", () => {
    const smoke = latencyPlan({ smoke: true, full: false, chartDir });
    expect(smoke.runs * smoke.seconds).toBeLessThanOrEqual(15);
    expect(smoke.whip.runs * smoke.whip.seconds).toBeLessThanOrEqual(10);
    const normal = latencyPlan({ smoke: false, full: false, chartDir });
    expect(normal.seconds).toBeGreaterThanOrEqual(60);
    expect(normal.whip.seconds).toBeGreaterThanOrEqual(60);
    expect(latencyPlan({ smoke: false, full: true, chartDir }).runs).toBeGreaterThan(normal.runs);
    expect(() => latencyPlan({ smoke: true, full: false, chartDir }, { LATENCY_PART_TARGET_MS: "10" })).toThrow(/LATENCY_PART_TARGET_MS/);
  });

  it("plays the SRT clock stream for ~10 s, then the browser's over WHIP, and produces every figure, finite", async () => {
    const result = await benchmark.run({ smoke: true, full: false, chartDir });
    expect(result.name).toBe("latency");
    const byLabel = new Map(result.figures.map((f) => [f.label, f]));
    for (const label of [
      "glass-to-glass p50",
      "glass-to-glass p95",
      "glass-to-glass p99",
      "hls.js latency (its own estimate behind the live edge), median",
      "stage: sum of stage medians",
    ]) {
      expect(Number.isFinite(byLabel.get(label)?.value), label).toBe(true);
    }
    // Each stage has a median: the origin's and the edge's per-stage events fired and were matched to frames.
    const stages = result.figures.filter((f) => f.label.startsWith("stage: "));
    expect(stages.length).toBeGreaterThanOrEqual(9);
    for (const f of stages) expect(Number.isFinite(f.value), f.label).toBe(true);
    const p50 = byLabel.get("glass-to-glass p50")!;
    expect(p50.value).toBeGreaterThan(0);
    expect(p50.baseline?.value).toBeGreaterThan(0);
    expect(p50.goal).toBeDefined();
    expect(byLabel.get("glass-to-glass frames measured")!.value).toBeGreaterThan(30);
    expect(result.notes).toContain("| stage | median ms |");

    // The browser broadcaster's path: the same figures, prefixed, each with a value.
    expect(result.notes).not.toContain("The WHIP path failed");
    for (const label of ["glass-to-glass p50", "glass-to-glass p95", "glass-to-glass p99", "hls.js latency (its own estimate behind the live edge), median"]) {
      expect(Number.isFinite(byLabel.get(`WHIP ${label}`)?.value), `WHIP ${label}`).toBe(true);
    }
    const whipStages = result.figures.filter((f) => f.label.startsWith("WHIP stage: "));
    expect(whipStages.length).toBeGreaterThanOrEqual(7);
    for (const f of whipStages) expect(Number.isFinite(f.value), f.label).toBe(true);
    expect(byLabel.get("WHIP glass-to-glass frames measured")!.value).toBeGreaterThan(30);
    expect(result.charts.map((c) => c.file)).toContain("latency-whip-histogram.png");
  });
});
