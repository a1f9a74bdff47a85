/* global process, console, URL, window, fetch */
// Drives the watch page through a stream's life against a real origin and prints the
// `window.__player` timeline: playing → edge outage (503s) → reconnecting/offline →
// playing again → stream ended (`DELETE`) → "Stream ended" → a new broadcast under the
// same name → playing. Screenshots of each state go to --out.
//
//   npx vite build && node scripts/playback-check.js --origin http://127.0.0.1:8090 [--stream demo] [--out DIR]
//
// The origin must run a test stream (TEST_STREAM=demo) and an open control API.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { preview } from "vite";
import { startMockEdge } from "./mock-edge.js";

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const originUrl = arg("origin") ?? "http://127.0.0.1:8090";
const stream = arg("stream") ?? "demo";
const outDir = arg("out") ?? "/tmp/tributary-player-shots";

await mkdir(outDir, { recursive: true });
const edge = await startMockEdge({ originUrl });
process.env.EDGE_URL = edge.url;
const server = await preview({ root: new URL("..", import.meta.url).pathname, preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
const base = server.resolvedUrls?.local[0]?.replace(/\/$/, "") ?? "";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"],
});
const started = Date.now();
let failed = false;

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("pageerror", (error) => console.log("page error:", error.message));
  await page.goto(`${base}/watch/${stream}`);

  const state = () => page.evaluate(() => window.__player);
  const log = async (label) => {
    const s = await state();
    console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${label.padEnd(24)} ${JSON.stringify(s)}`);
    return s;
  };
  const waitFor = async (label, predicate, timeoutMs) => {
    try {
      await page.waitForFunction(predicate, undefined, { timeout: timeoutMs, polling: 100 });
      await log(label);
      await page.screenshot({ path: join(outDir, `check-${label}.png`) });
    } catch {
      failed = true;
      await log(`TIMEOUT ${label}`);
    }
  };

  await waitFor("playing", () => window.__player?.state === "playing", 30_000);
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(1000);
    await log("latency sample");
  }

  edge.setLiveDown(true);
  await log("edge down");
  await waitFor("lost", () => ["reconnecting", "offline"].includes(window.__player?.state ?? ""), 30_000);
  await page.waitForTimeout(3000);
  await log("still down");
  edge.setLiveDown(false);
  await log("edge back");
  await waitFor("recovered", () => window.__player?.state === "playing", 30_000);

  const ended = await fetch(`${originUrl}/api/v1/streams/${stream}`, { method: "DELETE" });
  await log(`DELETE -> ${ended.status}`);
  await waitFor("ended", () => window.__player?.state === "ended", 30_000);

  await page.waitForTimeout(2000);
  const restarted = await fetch(`${originUrl}/api/v1/streams/${stream}/test-pattern`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ width: 1280, height: 720, frameRate: 30 }),
  });
  await log(`test-pattern -> ${restarted.status}`);
  await waitFor("new-broadcast", () => window.__player?.state === "playing", 60_000);
} finally {
  await browser.close();
  await server.close();
  await edge.close();
}
process.exitCode = failed ? 1 : 0;
