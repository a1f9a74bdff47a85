// Smoke test: the transcode cost harness runs a real origin (nats-server, file contribution,
// FFmpeg ladder, packager) and the bare FFmpeg baseline for a few seconds each, and produces
// figures. Goals are not judged: a few seconds on a shared machine say nothing about them.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countProcesses } from "@tributary/testing";
import { afterAll, describe, expect, it } from "vitest";
import { benchmark } from "../src/transcode/index.js";

describe("transcode cost benchmark (smoke)", () => {
  let chartDir = "";
  afterAll(async () => {
    if (chartDir) await rm(chartDir, { recursive: true, force: true });
  });

  it("produces finite, positive figures for the origin and the bare baseline, and leaves no process", async () => {
    chartDir = await mkdtemp(join(tmpdir(), "bench-smoke-transcode-"));
    const result = await benchmark.run({ full: false, smoke: true, chartDir });
    expect(result.name).toBe("transcode");
    expect(result.figures.length).toBeGreaterThanOrEqual(3);
    for (const f of result.figures) {
      expect(Number.isFinite(f.value) && f.value > 0, `${f.label}: ${f.value}`).toBe(true);
      expect(f.baseline?.value, f.label).toBeGreaterThan(0);
      expect(Number.isFinite(f.ratio), f.label).toBe(true);
    }
    expect(result.notes).toContain("GPU path");
    for (const c of result.charts) expect(existsSync(join(chartDir, c.file)), c.file).toBe(true);
    // The benchmark's own FFmpeg processes (file contribution, transcoder, bare) are gone.
    expect(await countProcesses((argv) => argv[0] === "ffmpeg" && argv.some((a) => a.includes("tributary-bench-transcode-")))).toBe(0);
  });
});
