import type { MiddlewareHandler } from "hono";

/**
 * CORS for public, read-only media (players on any origin). Hand-written rather than Hono's
 * `cors()`, which touches `c.res` before the handler runs: every response is then rebuilt
 * as a web-standard Response with a stream body, off @hono/node-server's fast path for
 * buffers. That cost a third of an edge's CPU at 1,000 LL-HLS viewers.
 */
export const publicReadCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "OPTIONS") {
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
      "Access-Control-Max-Age": "86400",
    });
  }
  // Before the handler: only recorded, then merged into the response the handler makes.
  c.header("Access-Control-Allow-Origin", "*");
  await next();
};
