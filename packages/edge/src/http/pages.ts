import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import { HttpError, streamName } from "@tributary/common";
import { Hono } from "hono";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/**
 * The player's built pages (packages/player/dist): `/` (stream list), `/watch/{stream}`
 * and `/broadcast` share their assets under `/assets/` (content-hashed, so cached long).
 */
export function pageRoutes(dir: string): Hono {
  const app = new Hono();
  const page = (file: string) => async () =>
    new Response(await readFile(join(dir, file)).catch(() => missing(file)), {
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" },
    });
  app.get("/", page("index.html"));
  app.get("/watch/:stream", (c) => {
    if (!streamName.safeParse(c.req.param("stream")).success) throw new HttpError(404, "no_such_stream", "not a stream name");
    return page("watch.html")();
  });
  app.get("/broadcast", page("broadcast.html"));
  app.get("/favicon.svg", async (c) => {
    const bytes = await readFile(join(dir, "favicon.svg")).catch(() => missing("favicon.svg"));
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "Content-Type": TYPES[".svg"]!, "Cache-Control": "public, max-age=86400" });
  });
  app.get("/assets/:file", async (c) => {
    const file = c.req.param("file");
    const path = normalize(join(dir, "assets", file));
    if (!/^[\w.-]+$/.test(file) || !path.startsWith(join(dir, "assets"))) throw new HttpError(404, "not_found", "no such asset");
    const type = TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream";
    const bytes = await readFile(path).catch(() => missing(file));
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "Content-Type": type, "Cache-Control": "public, max-age=31536000, immutable" });
  });
  return app;
}

function missing(file: string): never {
  throw new HttpError(404, "not_found", `${file} is not built (run npm run build)`);
}
