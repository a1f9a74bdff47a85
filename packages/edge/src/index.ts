export { edgeEnv, loadEdgeConfig, parseStreamKeys, type EdgeConfig } from "./config.js";
export { Edge } from "./edge.js";
