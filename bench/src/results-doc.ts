/**
 * bench/RESULTS.md and its machine-readable twin bench/results.json. A run with `--only`
 * replaces the sections of the benchmarks it ran and keeps the others from the previous
 * results, each section saying when, where and on which commit it was measured.
 */
import { figureTable, formatNumber } from "./figure-table.js";
import { describeMachine, type GitInfo, type MachineInfo } from "./machine.js";
import type { BenchResult } from "./types.js";

export interface RunInfo {
  /** ISO 8601 time the run started. */
  date: string;
  mode: "short" | "full";
  /** The command line of the run, e.g. `node bench/dist/run.js --only packager`. */
  command: string;
  machine: MachineInfo;
  git: GitInfo;
}

/** One benchmark's outcome in one run. */
export interface RecordedEntry {
  name: string;
  run: RunInfo;
  /** Wall-clock seconds the benchmark took. */
  seconds: number;
  result?: BenchResult;
  /** Set when the benchmark failed: its error message. */
  error?: string;
}

export interface ResultsFile {
  version: 1;
  entries: RecordedEntry[];
}

/**
 * The entries to record: every fresh one, and the previous ones of benchmarks this run did
 * not run (unless they are no longer known), in `order` (the benchmark list) first.
 */
export function mergeEntries(previous: readonly RecordedEntry[], fresh: readonly RecordedEntry[], order: readonly string[]): RecordedEntry[] {
  const byName = new Map<string, RecordedEntry>();
  for (const e of previous) if (order.includes(e.name)) byName.set(e.name, e);
  for (const e of fresh) byName.set(e.name, e);
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  return [...byName.values()].sort((a, b) => rank(a.name) - rank(b.name));
}

/** Reads results.json; anything unreadable counts as no previous results. */
export function parseResultsFile(text: string | undefined): RecordedEntry[] {
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as Partial<ResultsFile>;
    return parsed.version === 1 && Array.isArray(parsed.entries) ? parsed.entries : [];
  } catch {
    return [];
  }
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function commitText(git: GitInfo): string {
  const short = /^[0-9a-f]{40}$/.test(git.commit) ? git.commit.slice(0, 12) : git.commit;
  return `\`${short}\`${git.dirty ? " with uncommitted changes" : ""}`;
}

function sameMachine(a: MachineInfo, b: MachineInfo): boolean {
  return a.cores === b.cores && a.cpuModel === b.cpuModel && a.memoryGiB === b.memoryGiB && a.kernel === b.kernel;
}

function heading(e: RecordedEntry): string {
  return e.result ? `${e.result.title} (${e.name})` : `${e.name} (failed)`;
}

function section(e: RecordedEntry, current: RunInfo, chartPrefix: string): string {
  const lines = [`## ${heading(e)}`, ""];
  const fresh = e.run.date === current.date;
  const when = `${e.run.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, ${e.run.mode} mode, commit ${commitText(e.run.git)}`;
  if (fresh) {
    lines.push(`Measured in this run (${when}); took ${formatNumber(e.seconds)} s.`);
  } else {
    const where = sameMachine(e.run.machine, current.machine) ? "" : ` on another machine: ${describeMachine(e.run.machine)}`;
    lines.push(`**Carried over from an earlier run** (${when})${where}; took ${formatNumber(e.seconds)} s.`);
  }
  lines.push("");
  if (!e.result) {
    lines.push("The benchmark failed:", "", "```", e.error ?? "unknown error", "```", "");
    return lines.join("\n");
  }
  const r = e.result;
  lines.push(`Reproduce: \`${r.command}\``, "", figureTable(r.figures), "");
  if (r.notes.trim()) lines.push(r.notes.trim(), "");
  for (const chart of r.charts) lines.push(`![${chart.title}](${chartPrefix}${chart.file})`, "");
  return lines.join("\n");
}

/** The whole RESULTS.md. `chartPrefix` is the charts folder relative to the document. */
export function renderResults(current: RunInfo, entries: readonly RecordedEntry[], chartPrefix = "charts/"): string {
  const m = current.machine;
  const lines = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (`node bench/dist/run.js`); see [README.md](README.md) for what each benchmark",
    "measures and how to read the figures. Every ratio compares with a baseline measured in the same run on the",
    "same machine; absolute figures from a shared or loaded machine are noisy, ratios much less so.",
    "",
    "| run | |",
    "| --- | --- |",
    `| date | ${current.date} |`,
    `| command | \`${current.command}\` (${current.mode} mode) |`,
    `| commit | ${commitText(current.git)} |`,
    `| machine | ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB memory |`,
    `| kernel | ${m.kernel} |`,
    `| load average (1 min) at start | ${formatNumber(m.loadAverage)} |`,
    `| tools | Node ${m.node}; ${m.ffmpeg}; ${m.rustc} |`,
    "",
  ];
  if (entries.length > 0) {
    lines.push("Benchmarks:", "");
    for (const e of entries) {
      const status = e.error ? " — failed" : e.run.date === current.date ? "" : " — carried over from an earlier run";
      lines.push(`- [${heading(e)}](#${anchor(heading(e))})${status}`);
    }
    lines.push("");
  }
  for (const e of entries) lines.push(section(e, current, chartPrefix));
  return `${lines.join("\n").trimEnd()}\n`;
}
