/** Every benchmark the runner knows, in the order RESULTS.md lists them. */
import { benchmark as fanout } from "./fanout/index.js";
import { benchmark as latency } from "./latency/index.js";
import { benchmark as packager } from "./packager/index.js";
import { benchmark as transcode } from "./transcode/index.js";
import type { Benchmark } from "./types.js";

export const benchmarks: Benchmark[] = [latency, fanout, packager, transcode];
