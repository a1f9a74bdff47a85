import { ConfigError, createLogger } from "@tributary/common";
import { loadOriginConfig } from "./config.js";
import { Origin } from "./origin.js";

/** `node dist/main.js`: runs one origin until SIGINT/SIGTERM. */
const log = createLogger("origin");
let origin: Origin;
try {
  origin = new Origin(loadOriginConfig(), log);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
await origin.start();
// A human-readable line beside the JSON logs: where to look.
const demo = origin.config.testStream;
console.log(
  `\nTributary origin on ${origin.publicUrl}` +
    (demo ? `\n  test stream:  ${origin.publicUrl}/live/${demo}/index.m3u8` : "") +
    `\n  publish:      POST ${origin.publicUrl}/api/v1/streams/{name}/contribution  (returns an SRT URL)` +
    `\n  Ctrl-C stops everything.\n`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log.info({ signal }, "shutting down");
    void origin.close().then(() => process.exit(0));
  });
}
