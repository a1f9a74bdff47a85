import { describe, expect, it } from "vitest";
import { cpuModelFrom, describeMachine, machineInfo } from "./machine.js";

describe("machine", () => {
  it("reads the CPU model from /proc/cpuinfo text", () => {
    expect(cpuModelFrom("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t: fpu\n")).toBe("Intel(R) Xeon(R) Processor");
    expect(cpuModelFrom("processor : 0\n")).toBeUndefined();
  });

  it("describes this machine", async () => {
    const m = await machineInfo();
    expect(m.cores).toBeGreaterThan(0);
    expect(describeMachine(m)).toContain(`${m.cores} cores`);
  });
});
