export { loadOriginConfig, originEnv, type OriginConfig } from "./config.js";
export { Origin } from "./origin.js";
