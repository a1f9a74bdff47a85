import { createLogger, runService } from "@tributary/common";
import { loadEdgeConfig } from "./config.js";
import { Edge } from "./edge.js";

/** `node dist/main.js`: runs one edge until SIGINT/SIGTERM. */
await runService(() => new Edge(loadEdgeConfig(), createLogger("edge")));
