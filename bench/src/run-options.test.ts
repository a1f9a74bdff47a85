import { describe, expect, it } from "vitest";
import { parseRunArgs, selectBenchmarks, UsageError } from "./run-options.js";

describe("runner options", () => {
  it("parses --full, --only (repeated or with =) and --out", () => {
    expect(parseRunArgs([])).toEqual({ full: false, only: [], out: undefined, list: false, help: false });
    const o = parseRunArgs(["--full", "--only", "packager, transcode", "--only=latency", "--out", "/tmp/r.md"]);
    expect(o).toMatchObject({ full: true, only: ["packager", "transcode", "latency"], out: "/tmp/r.md" });
  });

  it("refuses unknown arguments and missing values", () => {
    expect(() => parseRunArgs(["--fast"])).toThrow(UsageError);
    expect(() => parseRunArgs(["--only"])).toThrow(/needs a value/);
  });

  it("selects benchmarks in list order and names the known ones on a typo", () => {
    const all = [{ name: "latency" }, { name: "packager" }, { name: "transcode" }];
    expect(selectBenchmarks(all, []).map((b) => b.name)).toEqual(["latency", "packager", "transcode"]);
    expect(selectBenchmarks(all, ["transcode", "latency"]).map((b) => b.name)).toEqual(["latency", "transcode"]);
    expect(() => selectBenchmarks(all, ["packagr"])).toThrow(/unknown benchmark packagr \(known: latency, packager, transcode\)/);
  });
});
