/** What every benchmark hands the runner, which writes bench/RESULTS.md from it. */
export interface BenchOptions {
  /** `npm run bench -- --full`: the long runs (e.g. 10,000 viewers); otherwise a short run. */
  full: boolean;
  /** The smoke test's mode: a few seconds, just enough to produce every figure. */
  smoke: boolean;
  /** Where charts (PNG) are written; RESULTS.md links them relative to bench/. */
  chartDir: string;
}

/** One measured figure, and where there is one, the baseline measured in the same run. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** e.g. { label: "nginx", value: 123 }: the same quantity for the baseline. */
  baseline?: { label: string; value: number };
  /** value / baseline.value (or the ratio the goal is stated in). */
  ratio?: number;
  /** The goal, as stated in issue 5, and whether this run met it. */
  goal?: { text: string; met: boolean };
}

export interface BenchResult {
  /** Short id, e.g. "packager". */
  name: string;
  title: string;
  /** The command that reproduces exactly this benchmark. */
  command: string;
  figures: Figure[];
  /** Free text: what was measured, how, caveats (Markdown). */
  notes: string;
  /** Charts written under chartDir: file names and titles. */
  charts: { file: string; title: string }[];
}

export interface Benchmark {
  name: string;
  run(options: BenchOptions): Promise<BenchResult>;
}
