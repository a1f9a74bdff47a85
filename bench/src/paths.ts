import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** bench/ (this file is bench/src/paths.ts, or bench/dist/paths.js once built). */
export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository root: the npm and Cargo workspaces. */
export const repoRoot = resolve(benchDir, "..");
/** Where the runner writes the charts that RESULTS.md links (`charts/<file>`). */
export const defaultChartDir = resolve(benchDir, "charts");
