/* global process, console, URL, window */
// Visual check of the built pages in headless Chromium: serves dist/ with `vite preview`
// in front of the mock edge and writes PNGs at desktop and phone widths.
//
//   npx vite build && node scripts/screenshots.js [--out DIR] [--origin http://127.0.0.1:8090]
//
// With --origin (an origin running a test stream "demo"), the watch page plays real
// LL-HLS and the script prints window.__player samples. Needs /usr/bin/chromium
// (Debian: apt-get install -y chromium) or CHROMIUM=/path/to/chrome.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { preview } from "vite";
import { sampleStream, startMockEdge } from "./mock-edge.js";

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const outDir = arg("out") ?? "/tmp/tributary-player-shots";
const originUrl = arg("origin") ?? null;
const sizes = { desktop: { width: 1280, height: 800 }, mobile: { width: 390, height: 844 } };

await mkdir(outDir, { recursive: true });
const edge = await startMockEdge({ originUrl });
process.env.EDGE_URL = edge.url;
const server = await preview({ root: new URL("..", import.meta.url).pathname, preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
const base = server.resolvedUrls?.local[0]?.replace(/\/$/, "") ?? "";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"],
});

async function shoot(name, path, size, settle) {
  const page = await browser.newPage({ viewport: sizes[size], deviceScaleFactor: size === "mobile" ? 2 : 1 });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${base}${path}`);
  await settle(page);
  const file = join(outDir, `${name}-${size}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const player = await page.evaluate(() => window.__player ?? null);
  console.log(`${file}${player ? ` __player=${JSON.stringify(player)}` : ""}${errors.length ? ` page errors: ${errors.join("; ")}` : ""}`);
  return page;
}

try {
  for (const size of ["desktop", "mobile"]) {
    edge.setStreams([]);
    await (await shoot("index-empty", "/", size, (page) => page.waitForSelector("#empty:not([hidden])"))).close();

    edge.setStreams([
      sampleStream("demo", { viewers: 3 }),
      sampleStream("lobby-cam", { viewers: 41, renditions: ["1080p", "720p", "480p", "360p", "audio"] }),
      sampleStream("field_2", { state: "reconnecting", viewers: 0, renditions: ["480p", "360p", "audio"] }),
      sampleStream("morning-show", { state: "ended", viewers: 0, startedAt: new Date(Date.now() - 3 * 3600_000).toISOString() }),
    ]);
    await (await shoot("index-streams", "/", size, (page) => page.waitForSelector(".stream-card"))).close();

    await (
      await shoot("watch-offline", "/watch/nobody-here", size, (page) =>
        page.waitForFunction(() => window.__player?.state === "offline"),
      )
    ).close();

    await (await shoot("broadcast-idle", "/broadcast", size, (page) => page.waitForFunction(() => window.__broadcast?.state === "idle"))).close();
  }

  if (originUrl !== null) {
    for (const size of ["desktop", "mobile"]) {
      const page = await shoot("watch-playing", "/watch/demo", size, async (p) => {
        await p.waitForFunction(() => window.__player?.state === "playing", undefined, { timeout: 30_000 });
        await p.waitForTimeout(8000);
      });
      for (let i = 0; i < 5; i++) {
        console.log("  sample", JSON.stringify(await page.evaluate(() => window.__player)));
        await page.waitForTimeout(1000);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
  await edge.close();
}
