import { describe, expect, it } from "vitest";
import { throughputFigures, throughputStats, type ThroughputReport, type ThroughputRun } from "./report.js";

/** 1 GB through the packager in `packagerS`; parts-only and copy loops move 2 GB and 10 GB. */
function runOf(packagerS: number, partsOnlyS: number, copyS: number, cpu = true): ThroughputRun {
  return {
    bytes: 1e9,
    parts: 5000,
    playlists: 4000,
    playlist_bytes: 4000 * 3500,
    passes: 10,
    packager_wall_s: packagerS * 1.5,
    packager_cpu_s: cpu ? packagerS : null,
    parts_only_bytes: 2e9,
    parts_only_wall_s: partsOnlyS * 1.5,
    parts_only_cpu_s: cpu ? partsOnlyS : null,
    copy_bytes: 10e9,
    copy_wall_s: copyS,
    copy_cpu_s: cpu ? copyS : null,
  };
}

function report(runs: ThroughputRun[]): ThroughputReport {
  return { profile: "release", pass_bytes: 1e8, passes_per_run: 10, renders_per_part: 1, window_segments: 30, inputs: [], runs };
}

describe("packager throughput figures", () => {
  it("compares bytes per second of loops that moved different amounts, run by run", () => {
    const s = throughputStats(report([runOf(0.5, 0.5, 1), runOf(1, 0.5, 1)]));
    expect(s.perCore.packager).toEqual([2, 1]);
    expect(s.perCore.partsOnly).toEqual([4, 4]);
    expect(s.perCore.copy).toEqual([10, 10]);
    expect(s.ratio).toEqual([0.2, 0.1]);
    expect(s.wall.packager[0]).toBeCloseTo(2 / 1.5);
    // 0.5 s with playlists, 0.25 s for the same bytes without: 0.25 s over 4000 playlists.
    expect(s.renderMicros[0]).toBeCloseTo(62.5);
    expect(s.playlistBytes).toBe(3500);
  });

  it("judges the goals on CPU time: 1 GB/s per core and within 5x of copy", () => {
    const met = throughputFigures(report([runOf(0.5, 0.2, 1), runOf(0.4, 0.2, 1), runOf(0.6, 0.2, 1)]));
    expect(met[0]!.value).toBe(2);
    expect(met[0]!.label).toContain("thread CPU time");
    expect(met[0]!.goal?.met).toBe(true);
    expect(met[1]!.ratio).toBe(0.2);
    expect(met[1]!.goal?.met).toBe(true);

    const missed = throughputFigures(report([runOf(2, 0.2, 1)]));
    expect(missed[0]!.goal?.met).toBe(false); // 0.5 GB/s per core
    expect(missed[1]!.goal?.met).toBe(false); // 20x slower than copy
  });

  it("falls back to wall clock where the thread's CPU time is unknown", () => {
    const figures = throughputFigures(report([runOf(0.5, 0.2, 1, false)]));
    expect(figures[0]!.value).toBeCloseTo(2 / 1.5);
    expect(figures[0]!.label).toContain("wall clock");
    for (const f of figures) expect(Number.isFinite(f.value)).toBe(true);
  });
});
