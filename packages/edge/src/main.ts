import { ConfigError, createLogger } from "@tributary/common";
import { loadEdgeConfig } from "./config.js";
import { Edge } from "./edge.js";

/** `node dist/main.js`: runs one edge until SIGINT/SIGTERM. */
const log = createLogger("edge");
let edge: Edge;
try {
  edge = new Edge(loadEdgeConfig(), log);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
await edge.start();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void edge.close().then(() => process.exit(0)));
}
