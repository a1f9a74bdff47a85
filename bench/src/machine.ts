/** What RESULTS.md says about where and on what a run was measured. */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem } from "node:os";
import { promisify } from "node:util";
import { repoRoot } from "./paths.js";

const run = promisify(execFile);

export interface MachineInfo {
  cores: number;
  memoryGiB: number;
  cpuModel: string;
  kernel: string;
  node: string;
  ffmpeg: string;
  rustc: string;
  /** 1-minute load average when the run started: others' work on a shared machine. */
  loadAverage: number;
}

export interface GitInfo {
  commit: string;
  /** Uncommitted changes to tracked files, or untracked files, at run time. */
  dirty: boolean;
}

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { timeout: 10_000 });
    return stdout.split("\n")[0]?.trim() || "unknown";
  } catch {
    return "not found";
  }
}

/** The model name of the first processor in /proc/cpuinfo. */
export function cpuModelFrom(cpuinfo: string): string | undefined {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  const ffmpeg = await firstLine("ffmpeg", ["-hide_banner", "-version"]);
  return {
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpuModelFrom(cpuinfo) ?? cpus()[0]?.model ?? "unknown",
    kernel: `Linux ${release()}`,
    node: process.version,
    ffmpeg: ffmpeg.replace(/ Copyright.*$/, ""),
    rustc: await firstLine("rustc", ["--version"]),
    loadAverage: loadavg()[0] ?? NaN,
  };
}

export async function gitInfo(cwd = repoRoot): Promise<GitInfo> {
  try {
    const { stdout: commit } = await run("git", ["rev-parse", "HEAD"], { cwd });
    const { stdout: status } = await run("git", ["status", "--porcelain"], { cwd });
    return { commit: commit.trim(), dirty: status.trim().length > 0 };
  } catch {
    return { commit: "unknown (not a git checkout)", dirty: false };
  }
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, ${m.kernel}, Node ${m.node}, ${m.ffmpeg}, ${m.rustc}`;
}
