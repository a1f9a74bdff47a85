/* global process, console, URL */
// A stand-in for the edge's viewer-facing API, for developing and checking the pages
// without a cluster: `GET /api/streams` answers a fixed list, `/live/...` is proxied to
// an origin (real LL-HLS) when one is given, or answers 404 with the edge's JSON error.
//
//   node scripts/mock-edge.js [--port 8080] [--origin http://127.0.0.1:8090] [--streams demo,cam-2]
//
// then `EDGE_URL=http://127.0.0.1:8080 npx vite` (or `vite preview`) in packages/player.
import { createServer, request } from "node:http";
import { pathToFileURL } from "node:url";

/**
 * @param {{ port?: number, originUrl?: string | null, streams?: object[] }} options
 * @returns {Promise<{ url: string, setStreams: (streams: object[]) => void, setLiveDown: (down: boolean) => void, close: () => Promise<void> }>}
 */
export async function startMockEdge(options = {}) {
  let streams = options.streams ?? [];
  // While "down", every LL-HLS request fails with 503, as from an edge that lost its origin.
  let liveDown = false;
  const origin = options.originUrl ? new URL(options.originUrl) : null;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://edge.invalid");
    if (req.method === "GET" && url.pathname === "/api/streams") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ streams }));
      return;
    }
    if (url.pathname.startsWith("/live/") && liveDown) {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "unavailable", message: "The edge is unavailable" } }));
      return;
    }
    if (url.pathname.startsWith("/live/") && origin !== null) {
      const upstream = request(
        { host: origin.hostname, port: origin.port, path: req.url, method: req.method, headers: { ...req.headers, host: origin.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "origin_unreachable", message: "The origin did not answer" } }));
      });
      req.pipe(upstream);
      return;
    }
    if (url.pathname.startsWith("/live/")) {
      const stream = url.pathname.split("/")[2] ?? "";
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "stream_not_found", message: `Stream ${stream} is not live` } }));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "not_found", message: "No such route" } }));
  });

  await new Promise((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setStreams(next) {
      streams = next;
    },
    setLiveDown(down) {
      liveDown = down;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plausible stream entry as the edge describes it. */
export function sampleStream(name, overrides = {}) {
  return {
    name,
    state: "live",
    renditions: ["720p", "480p", "360p", "audio"],
    viewers: 3,
    startedAt: new Date(Date.now() - 12 * 60_000).toISOString(),
    ...overrides,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const names = (arg("streams") ?? "").split(",").filter(Boolean);
  const edge = await startMockEdge({
    port: Number(arg("port") ?? 8080),
    originUrl: arg("origin") ?? null,
    streams: names.map((name) => sampleStream(name)),
  });
  console.log(`mock edge on ${edge.url} (streams: ${names.join(", ") || "none"})`);
}
