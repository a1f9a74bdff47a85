export { edgeEnv, loadEdgeConfig, parseStreamKeys, type EdgeConfig } from "./config.js";
export { Edge, type EdgeEvents } from "./edge.js";
