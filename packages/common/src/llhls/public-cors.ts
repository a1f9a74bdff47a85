import type { MiddlewareHandler } from "hono";

/** The one CORS header of every public, read-only media response (players on any origin). */
export const ALLOW_ANY_ORIGIN = { name: "Access-Control-Allow-Origin", value: "*" } as const;

/**
 * CORS for public, read-only media. Hand-written rather than Hono's `cors()`, which touches
 * `c.res` before the handler runs: every response is then rebuilt as a web-standard Response
 * with a stream body, off @hono/node-server's fast path for buffers. That cost a third of an
 * edge's CPU at 1,000 LL-HLS viewers.
 */
export const publicReadCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "OPTIONS") {
    return c.body(null, 204, {
      [ALLOW_ANY_ORIGIN.name]: ALLOW_ANY_ORIGIN.value,
      "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
      "Access-Control-Max-Age": "86400",
    });
  }
  // Before the handler: only recorded, then merged into the response the handler makes.
  c.header(ALLOW_ANY_ORIGIN.name, ALLOW_ANY_ORIGIN.value);
  await next();
};
