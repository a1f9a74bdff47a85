import { fileURLToPath } from "node:url";
import { defineConfig, type Connect, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Where `vite dev` forwards API and LL-HLS requests (the edge, by default on 8080). */
const edgeUrl = process.env.EDGE_URL ?? "http://127.0.0.1:8080";

/**
 * The edge serves `watch.html` for `/watch/{stream}`; the dev and preview servers do
 * the same so the built pages behave identically without an edge.
 */
function watchRoute(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    if (req.url && /^\/watch\/[^/?#]+\/?(\?.*)?$/.test(req.url)) {
      const query = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
      req.url = `/watch.html${query}`;
    }
    next();
  };
  return {
    name: "tributary-watch-route",
    configureServer(server) {
      server.middlewares.use(rewrite);
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite);
    },
  };
}

export default defineConfig({
  root,
  base: "/",
  appType: "mpa",
  plugins: [watchRoute()],
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
      },
    },
  },
  server: {
    proxy: {
      "/api": edgeUrl,
      "/live": edgeUrl,
    },
  },
  preview: {
    proxy: {
      "/api": edgeUrl,
      "/live": edgeUrl,
    },
  },
});
