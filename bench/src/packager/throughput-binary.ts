/** Builds and runs the packager-core `throughput` example (crates/packager-core/examples). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { repoRoot } from "../paths.js";
import type { ThroughputReport } from "./report.js";

const run = promisify(execFile);

/**
 * `cargo build` of the example; resolves to the executable's path (from cargo's own JSON
 * messages, so CARGO_TARGET_DIR and profiles are honoured). `release: false` builds the dev
 * profile, which `cargo test` has usually built already: for smoke runs, not for figures.
 */
export async function buildThroughputBinary(release: boolean): Promise<string> {
  const args = ["build", "--locked", "-p", "packager-core", "--example", "throughput", "--message-format=json-render-diagnostics"];
  if (release) args.push("--release");
  const { stdout } = await run("cargo", args, { cwd: repoRoot, maxBuffer: 64 << 20, timeout: 600_000 });
  for (const line of stdout.split("\n").reverse()) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as { reason?: string; target?: { name?: string }; executable?: string | null };
    if (message.reason === "compiler-artifact" && message.target?.name === "throughput" && message.executable) {
      return message.executable;
    }
  }
  throw new Error("cargo built no `throughput` executable");
}

export interface ThroughputArgs {
  inputs: { kind: "video" | "audio"; path: string }[];
  runs: number;
  bytesPerRun: number;
  windowSegments: number;
  rendersPerPart: number;
}

export function throughputArgs(a: ThroughputArgs): string[] {
  return [
    ...a.inputs.flatMap((i) => ["--input", `${i.kind}:${i.path}`]),
    ...["--runs", String(a.runs), "--bytes-per-run", String(a.bytesPerRun)],
    ...["--window-segments", String(a.windowSegments), "--renders-per-part", String(a.rendersPerPart), "--json"],
  ];
}

export async function runThroughput(binary: string, a: ThroughputArgs): Promise<ThroughputReport> {
  const { stdout } = await run(binary, throughputArgs(a), { maxBuffer: 16 << 20, timeout: 600_000 });
  return JSON.parse(stdout) as ThroughputReport;
}
