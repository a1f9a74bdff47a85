export * from "./llhls-rules.js";
export * from "./media-playlist.js";
export * from "./processes.js";
