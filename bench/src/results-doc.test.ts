import { describe, expect, it } from "vitest";
import type { MachineInfo } from "./machine.js";
import { anchor, mergeEntries, parseResultsFile, renderResults, type RecordedEntry, type RunInfo } from "./results-doc.js";

const machine: MachineInfo = {
  cores: 2,
  memoryGiB: 23.4,
  cpuModel: "Test CPU",
  kernel: "Linux 6.1",
  node: "v20.20.2",
  ffmpeg: "ffmpeg version 5.1",
  rustc: "rustc 1.95.0",
  loadAverage: 1.5,
};
const run = (date: string, dirty = false): RunInfo => ({
  date,
  mode: "short",
  command: "node bench/dist/run.js",
  machine,
  git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty },
});
const entry = (name: string, r: RunInfo, error?: string): RecordedEntry => ({
  name,
  run: r,
  seconds: 12.3,
  ...(error
    ? { error }
    : {
        result: {
          name,
          title: `The ${name}`,
          command: `npm run bench -- --only ${name}`,
          figures: [{ label: "speed", value: 2, unit: "GB/s", goal: { text: "≥ 1", met: true } }],
          notes: "How it was measured.",
          charts: [{ file: `${name}.png`, title: `${name} chart` }],
        },
      }),
});

describe("results document", () => {
  it("keeps sections of benchmarks not run this time, in list order", () => {
    const old = run("2026-01-01T00:00:00.000Z");
    const now = run("2026-02-01T00:00:00.000Z");
    const merged = mergeEntries(
      [entry("transcode", old), entry("packager", old), entry("retired", old)],
      [entry("packager", now)],
      ["latency", "packager", "transcode"],
    );
    expect(merged.map((e) => [e.name, e.run.date])).toEqual([
      ["packager", now.date],
      ["transcode", old.date],
    ]);
  });

  it("renders the header, a table per benchmark, notes, charts and failures", () => {
    const old = run("2026-01-01T00:00:00.000Z");
    const now = run("2026-02-01T10:20:30.456Z", true);
    const md = renderResults(now, [entry("packager", now), entry("transcode", old), entry("latency", now, "Error: boom")]);
    expect(md).toContain("| commit | `0123456789ab` with uncommitted changes |");
    expect(md).toContain("| machine | 2 cores, Test CPU, 23.4 GiB memory |");
    expect(md).toContain("## The packager (packager)");
    expect(md).toContain("Measured in this run (2026-02-01 10:20:30 UTC, short mode");
    expect(md).toContain("Reproduce: `npm run bench -- --only packager`");
    expect(md).toContain("| speed | 2 | GB/s |  |  | ≥ 1 | yes |");
    expect(md).toContain("![packager chart](charts/packager.png)");
    expect(md).toContain("**Carried over from an earlier run** (2026-01-01 00:00:00 UTC");
    expect(md).toContain("- [The transcode (transcode)](#the-transcode-transcode) — carried over from an earlier run");
    expect(md).toContain("## latency (failed)");
    expect(md).toContain("Error: boom");
    expect(md.endsWith("\n")).toBe(true);
  });

  it("reads back what it wrote and ignores anything else", () => {
    const e = entry("packager", run("2026-01-01T00:00:00.000Z"));
    expect(parseResultsFile(JSON.stringify({ version: 1, entries: [e] }))).toEqual([e]);
    expect(parseResultsFile("not json")).toEqual([]);
    expect(parseResultsFile(undefined)).toEqual([]);
    expect(parseResultsFile('{"version":2,"entries":[]}')).toEqual([]);
  });

  it("makes GitHub's heading anchors", () => {
    expect(anchor("Packager throughput (packager)")).toBe("packager-throughput-packager");
    expect(anchor("Glass-to-glass latency: p50 ≤ 1 s")).toBe("glass-to-glass-latency-p50--1-s");
  });
});
