// Smoke test: the packager throughput harness runs end to end (FFmpeg input, the Rust
// example built in the dev profile, figures, chart) and produces figures. Goals are not judged.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchmark } from "../src/packager/index.js";

describe("packager throughput benchmark (smoke)", () => {
  let chartDir = "";
  afterAll(async () => {
    if (chartDir) await rm(chartDir, { recursive: true, force: true });
  });

  it("produces finite figures, positive throughputs and its chart", async () => {
    chartDir = await mkdtemp(join(tmpdir(), "bench-smoke-packager-"));
    const result = await benchmark.run({ full: false, smoke: true, chartDir });
    expect(result.name).toBe("packager");
    expect(result.figures.length).toBeGreaterThanOrEqual(5);
    for (const f of result.figures) {
      // The render cost is a difference of two timings: in a two-run debug build it can come
      // out at or just below zero. Every other figure is a throughput or a count.
      const positive = !f.label.startsWith("media playlist render");
      expect(Number.isFinite(f.value) && (!positive || f.value > 0), `${f.label}: ${f.value}`).toBe(true);
      if (f.baseline) expect(f.baseline.value, f.label).toBeGreaterThan(0);
      if (f.ratio !== undefined) expect(Number.isFinite(f.ratio), f.label).toBe(true);
    }
    for (const c of result.charts) expect(existsSync(join(chartDir, c.file)), c.file).toBe(true);
    expect(result.command).toContain("--only packager");
  });
});
