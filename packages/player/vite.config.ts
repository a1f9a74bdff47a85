import { fileURLToPath } from "node:url";
import { defineConfig, type Connect, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Where `vite dev` forwards API, LL-HLS and WHIP requests (the edge, by default on 8080). */
const edgeUrl = process.env.EDGE_URL ?? "http://127.0.0.1:8080";

/** Page addresses the edge serves, and the built page behind each. */
const PAGE_ROUTES: [RegExp, string][] = [
  [/^\/watch\/[^/?#]+\/?$/, "/watch.html"],
  [/^\/broadcast\/?$/, "/broadcast.html"],
];

/**
 * The edge serves `watch.html` for `/watch/{stream}` and `broadcast.html` for
 * `/broadcast`; the dev and preview servers do the same so the built pages behave
 * identically without an edge.
 */
function pageRoutes(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const url = req.url ?? "";
    const path = url.includes("?") ? url.slice(0, url.indexOf("?")) : url;
    const page = PAGE_ROUTES.find(([pattern]) => pattern.test(path))?.[1];
    if (page !== undefined) req.url = `${page}${url.slice(path.length)}`;
    next();
  };
  return {
    name: "tributary-page-routes",
    configureServer(server) {
      server.middlewares.use(rewrite);
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite);
    },
  };
}

/** What the dev and preview servers forward to the edge: the viewer API, LL-HLS and WHIP ingest. */
const proxy = { "/api": edgeUrl, "/live": edgeUrl, "/whip": edgeUrl };

export default defineConfig({
  root,
  base: "/",
  appType: "mpa",
  plugins: [pageRoutes()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // hls.js (full build: the audio rendition group needs its alternate-audio support) is
    // about 600 kB minified, 190 kB gzipped; it gets its own long-cached chunk.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: { manualChunks: { hls: ["hls.js"] } },
      input: {
        index: fileURLToPath(new URL("./index.html", import.meta.url)),
        watch: fileURLToPath(new URL("./watch.html", import.meta.url)),
        broadcast: fileURLToPath(new URL("./broadcast.html", import.meta.url)),
      },
    },
  },
  server: { proxy },
  preview: { proxy },
});
