/** The runner's command line: `node bench/dist/run.js [--full] [--only a,b] [--out FILE]`. */

export interface RunOptions {
  full: boolean;
  /** Benchmark names to run; empty: all of them. */
  only: string[];
  /** Where RESULTS.md goes (results.json and charts/ beside it); undefined: bench/. */
  out: string | undefined;
  list: boolean;
  help: boolean;
}

export const USAGE = `usage: node bench/dist/run.js [--full] [--only name,name] [--out FILE] [--list]
  --full        the long runs (minutes to hours); default: the short runs (well under 15 minutes)
  --only a,b    run only these benchmarks; the others' sections are kept from the previous results
  --out FILE    write the results to FILE (results.json and charts/ beside it) instead of bench/RESULTS.md
  --list        print the benchmark names and exit`;

export class UsageError extends Error {}

export function parseRunArgs(args: readonly string[]): RunOptions {
  const o: RunOptions = { full: false, only: [], out: undefined, list: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--full":
        o.full = true;
        break;
      case "--only":
        o.only.push(...value().split(",").map((s) => s.trim()).filter(Boolean));
        break;
      case "--out":
        o.out = value();
        break;
      case "--list":
        o.list = true;
        break;
      case "--help":
      case "-h":
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return o;
}

/** The benchmarks to run, in list order; unknown names are an error that lists the known. */
export function selectBenchmarks<T extends { name: string }>(all: readonly T[], only: readonly string[]): T[] {
  const names = all.map((b) => b.name);
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new UsageError(`unknown benchmark ${unknown.join(", ")} (known: ${names.join(", ")})`);
  return only.length === 0 ? [...all] : all.filter((b) => only.includes(b.name));
}
