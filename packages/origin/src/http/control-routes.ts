import { HttpError, streamNameParam } from "@tributary/common";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { bearerAuth } from "hono/bearer-auth";
import { z } from "zod";
import { testPattern } from "../contribution/sources.js";
import type { LiveStream } from "../stream/live-stream.js";
import type { StreamRegistry } from "../stream/stream-registry.js";

export interface ControlRouteOptions {
  /** Host that publishers (edges) reach the contribution listeners at. */
  contributionHost: string;
  /** Bearer token required on every call; undefined leaves the API open (loopback use). */
  apiToken: string | undefined;
}

const testPatternBody = z
  .object({
    width: z.number().int().min(160).max(3840).default(1280),
    height: z.number().int().min(90).max(2160).default(720),
    frameRate: z.number().int().min(10).max(60).default(30),
  })
  .strict();

/**
 * The origin's control API (JSON): edges ask it for a contribution listener per stream;
 * operators list and end streams; developers start test patterns.
 */
export function controlRoutes(registry: StreamRegistry, options: ControlRouteOptions): Hono {
  const app = new Hono();
  if (options.apiToken) app.use("*", bearerAuth({ token: options.apiToken }));
  app.use("*", bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new HttpError(413, "too_large", "request body over 16 KiB"); } }));

  app.get("/streams", (c) => c.json({ streams: registry.list().map(describe) }));

  app.get("/streams/:stream", (c) => {
    const stream = registry.get(streamNameParam(c.req.param("stream")));
    if (!stream) throw new HttpError(404, "no_such_stream", "no such stream");
    return c.json(describe(stream));
  });

  /** Opens an SRT listener (MPEG-TS, AES-128) for one publisher of `stream`. */
  app.post("/streams/:stream/contribution", (c) => {
    const name = streamNameParam(c.req.param("stream"));
    const { port, passphrase } = registry.openSrt(name);
    const url = `srt://${options.contributionHost}:${port}?mode=caller&transtype=live&passphrase=${passphrase}&pbkeylen=16`;
    return c.json({ stream: name, port, passphrase, url }, 201);
  });

  app.post("/streams/:stream/test-pattern", async (c) => {
    const name = streamNameParam(c.req.param("stream"));
    const text = await c.req.text();
    const parsed = testPatternBody.safeParse(text ? safeJson(text) : {});
    if (!parsed.success) throw new HttpError(400, "bad_body", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    registry.open(name, testPattern(parsed.data));
    return c.json({ stream: name, source: "test-pattern", ...parsed.data }, 201);
  });

  app.delete("/streams/:stream", async (c) => {
    await registry.end(streamNameParam(c.req.param("stream")));
    return c.body(null, 204);
  });

  return app;
}


function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "bad_json", "request body is not JSON");
  }
}

function describe(stream: LiveStream) {
  return {
    name: stream.name,
    state: stream.state,
    renditions: stream.renditions,
    publisher: stream.hasContribution,
    startedAt: new Date(stream.startedAt).toISOString(),
    transcoderRestarts: stream.restarts,
  };
}
