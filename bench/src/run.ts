/**
 * The benchmark runner: `npm run bench [-- --full] [-- --only name,name]`. Runs the selected
 * benchmarks one after another (never at once: each measures the machine) and writes
 * RESULTS.md, results.json and the charts.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { benchmarks } from "./benchmarks.js";
import { gitInfo, machineInfo } from "./machine.js";
import { benchDir } from "./paths.js";
import { mergeEntries, parseResultsFile, renderResults, type RecordedEntry, type ResultsFile, type RunInfo } from "./results-doc.js";
import { parseRunArgs, selectBenchmarks, USAGE, UsageError, type RunOptions } from "./run-options.js";

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(options: RunOptions): Promise<number> {
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.list) {
    for (const b of benchmarks) console.log(b.name);
    return 0;
  }
  const selected = selectBenchmarks(benchmarks, options.only);
  const resultsMd = resolve(options.out ?? join(benchDir, "RESULTS.md"));
  const resultsJson = join(dirname(resultsMd), "results.json");
  const chartDir = join(dirname(resultsMd), "charts");
  await mkdir(chartDir, { recursive: true });

  const run: RunInfo = {
    date: new Date().toISOString(),
    mode: options.full ? "full" : "short",
    command: ["node", relative(process.cwd(), process.argv[1] ?? "bench/dist/run.js") || "bench/dist/run.js", ...process.argv.slice(2)].join(" "),
    machine: await machineInfo(),
    git: await gitInfo(),
  };
  log(`${selected.length} benchmark(s), ${run.mode} mode: ${selected.map((b) => b.name).join(", ")}`);

  const fresh: RecordedEntry[] = [];
  for (const b of selected) {
    log(`${b.name}: running`);
    const started = performance.now();
    const entry: RecordedEntry = { name: b.name, run, seconds: 0 };
    try {
      entry.result = await b.run({ full: options.full, smoke: false, chartDir });
    } catch (error) {
      entry.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${b.name}: FAILED: ${entry.error}`);
    }
    entry.seconds = (performance.now() - started) / 1000;
    log(`${b.name}: done in ${entry.seconds.toFixed(1)} s`);
    fresh.push(entry);
  }

  const previous = parseResultsFile(await readFile(resultsJson, "utf8").catch(() => undefined));
  const entries = mergeEntries(previous, fresh, benchmarks.map((b) => b.name));
  const file: ResultsFile = { version: 1, entries };
  await writeFile(resultsJson, `${JSON.stringify(file, null, 2)}\n`);
  await writeFile(resultsMd, renderResults(run, entries, `${relative(dirname(resultsMd), chartDir) || "."}/`));
  log(`wrote ${relative(process.cwd(), resultsMd)} and ${relative(process.cwd(), resultsJson)}`);
  return fresh.some((e) => e.error) ? 1 : 0;
}

try {
  process.exitCode = await main(parseRunArgs(process.argv.slice(2)));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${USAGE}`);
  process.exitCode = 2;
}
