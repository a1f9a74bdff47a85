import { describe, expect, it } from "vitest";
import { childProcesses, parseStat, processCpuSeconds } from "./proc.js";

describe("proc", () => {
  it("parses /proc/<pid>/stat, names with spaces and parentheses included", () => {
    const text = "1234 (my (odd) name) S 42 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100 0 0";
    expect(parseStat(text)).toEqual({ comm: "my (odd) name", ppid: 42, cpuTicks: 300 });
    expect(parseStat("garbage")).toBeUndefined();
  });

  it("reads this process's CPU time and finds no children of a made-up process", () => {
    expect(processCpuSeconds(process.pid)).toBeGreaterThanOrEqual(0);
    expect(processCpuSeconds(2 ** 22 + 1)).toBeUndefined();
    expect(childProcesses(2 ** 22 + 1)).toEqual([]);
  });
});
