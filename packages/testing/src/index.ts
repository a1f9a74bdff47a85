export * from "./llhls-rules.js";
export * from "./media-playlist.js";
export * from "./processes.js";
export * from "./whip-client.js";
// Tests stop the processes they start with the services' own helper.
export { stopProcess } from "@tributary/common";
