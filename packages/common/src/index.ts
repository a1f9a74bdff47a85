export * from "./config.js";
export * from "./local-nats.js";
export * from "./logger.js";
export * from "./names.js";
export * from "./subjects.js";
export * from "./wait.js";
export * from "./http-errors.js";
