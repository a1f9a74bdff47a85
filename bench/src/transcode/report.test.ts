import { describe, expect, it } from "vitest";
import type { WindowSample } from "./cpu-sample.js";
import { breakdownTable, cpuPerVideoSecond, ladderFigures, ladderStats, type LadderMeasurement } from "./report.js";

const originWindow = (transcoder: number): WindowSample => ({
  cpu: { transcoder, contribution: 0.2, origin: 0.3, nats: 0.1 },
  mediaSeconds: 10,
  wallSeconds: 10,
});
const bareWindow = (ffmpeg: number): WindowSample => ({ cpu: { ffmpeg }, mediaSeconds: 10, wallSeconds: 10.5 });

describe("transcode figures", () => {
  it("counts transcoder, contribution and Node as the origin, nats-server apart", () => {
    expect(cpuPerVideoSecond(originWindow(9.5), ["transcoder", "contribution", "origin"])).toBeCloseTo(1);
    expect(cpuPerVideoSecond(originWindow(9.5))).toBeCloseTo(1.01);
    expect(cpuPerVideoSecond({ cpu: { a: 1 }, mediaSeconds: 0, wallSeconds: 1 })).toBeNaN();
  });

  it("pairs windows for the ratio and judges the 1.05x goal", () => {
    const m: LadderMeasurement = {
      label: "720p30 source → 720p, 480p, 360p",
      short: "720p → 3 rungs",
      origin: [originWindow(9.5), originWindow(10.5)],
      bare: [bareWindow(9.6), bareWindow(10)],
    };
    const s = ladderStats(m);
    expect(s.origin).toBeCloseTo(1.05);
    expect(s.bare).toBeCloseTo(0.98);
    expect(s.ratio).toBeCloseTo((1 / 0.96 + 1.1 / 1) / 2); // paired, not 1.05 / 0.98
    expect(s.parts.nats).toBeCloseTo(0.01);
    const [cost, rtf, streams] = ladderFigures(m, 2);
    expect(cost!.goal?.met).toBe(false);
    expect(rtf!.value).toBe(1);
    expect(rtf!.baseline?.value).toBeCloseTo(10 / 10.5);
    expect(streams!.value).toBeCloseTo(2 / 1.05);

    const cheap = ladderFigures({ ...m, origin: [originWindow(9.3)], bare: [bareWindow(9.8)] }, 2);
    expect(cheap[0]!.goal?.met).toBe(true);
  });

  it("tabulates where the CPU goes", () => {
    const table = breakdownTable([{ label: "a", short: "A", origin: [originWindow(9.5)], bare: [bareWindow(9)] }]);
    expect(table).toContain("| **through the origin** (first three rows) | 1 |");
    expect(table).toContain("| **bare ffmpeg**, same ladder to the null muxer | 0.9 |");
    expect(table).toContain("nats-server");
  });
});
