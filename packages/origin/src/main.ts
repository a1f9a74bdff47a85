import { createLogger, runService } from "@tributary/common";
import { loadOriginConfig } from "./config.js";
import { Origin } from "./origin.js";

/** `node dist/main.js`: runs one origin until SIGINT/SIGTERM. */
await runService(
  () => new Origin(loadOriginConfig(), createLogger("origin")),
  (origin) => {
    // A human-readable line beside the JSON logs: where to look.
    const demo = origin.config.testStream;
    console.log(
      `\nTributary origin on ${origin.publicUrl}` +
        (demo ? `\n  test stream:  ${origin.publicUrl}/live/${demo}/index.m3u8` : "") +
        `\n  publish:      POST ${origin.publicUrl}/api/v1/streams/{name}/contribution  (returns an SRT URL)` +
        `\n  Ctrl-C stops it.\n`,
    );
  },
);
