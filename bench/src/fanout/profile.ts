/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and lists the functions with the most self time:
 * where the edge spends its CPU under fan-out load.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./cluster.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
  /** Share of the non-idle samples. */
  share: number;
}

/** Top `n` functions by self time in every profile under `dir` (idle time left out). */
export async function topSelfTime(dir: string, n = 15): Promise<SelfTime[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
  const totals = new Map<string, SelfTime>();
  let busyMs = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as CpuProfile;
    const samples = profile.samples?.length ?? profile.nodes.reduce((a, node) => a + (node.hitCount ?? 0), 0);
    if (!samples) continue;
    const msPerSample = (profile.endTime - profile.startTime) / 1000 / samples;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      if (!hits || functionName === "(idle)") continue;
      const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : "";
      const key = `${functionName}@${where}`;
      const entry = totals.get(key) ?? { fn: functionName || "(anonymous)", where, ms: 0, share: 0 };
      entry.ms += hits * msPerSample;
      totals.set(key, entry);
      busyMs += hits * msPerSample;
    }
  }
  return [...totals.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n)
    .map((e) => ({ ...e, share: busyMs ? e.ms / busyMs : 0 }));
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  if (path.startsWith(REPO_ROOT)) return relative(REPO_ROOT, path).replace(/^node_modules\//, "");
  return path;
}

export function formatSelfTime(rows: SelfTime[]): string {
  return [
    "| self time | share | function | where |",
    "|---:|---:|---|---|",
    ...rows.map((r) => `| ${r.ms.toFixed(0)} ms | ${(r.share * 100).toFixed(1)}% | \`${r.fn}\` | ${r.where ? `\`${r.where}\`` : ""} |`),
  ].join("\n");
}
