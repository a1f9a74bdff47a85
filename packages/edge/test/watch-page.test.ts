import { waitFor } from "@tributary/common";
import { startPublisher, stopProcess } from "@tributary/testing";
import type { ChildProcess } from "node:child_process";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type ClusterFixture } from "./cluster-fixture.js";

interface PlayerState {
  state: string;
  levels: number;
  currentLevel: number;
  latency: number | null;
  currentTime: number;
  fatalErrors: number;
  stalls: number;
}

const KEY = "watch-page-key-1";
let cluster: ClusterFixture;
let publisher: ChildProcess;
let browser: Browser;

beforeAll(async () => {
  cluster = await startCluster({ STREAM_KEYS: `${KEY}=watchme`, CONTRIBUTION_PORTS: "17500-17509" });
  publisher = startPublisher(cluster.srtUrl(KEY), { width: 854, height: 480 });
  // A viewer arrives once the stream is live (the offline state has tests of its own).
  await waitFor(async () => (await fetch(`${cluster.base}/live/watchme/index.m3u8`)).status === 200, {
    timeoutMs: 30_000,
    intervalMs: 250,
    what: "the stream to be live at the edge",
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--autoplay-policy=no-user-gesture-required"],
  });
});

afterAll(async () => {
  await browser?.close();
  if (publisher) await stopProcess(publisher);
  await cluster?.close();
});

describe("watch page", () => {
  it("plays the stream through hls.js for 20 s with low latency and no fatal error", async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && consoleErrors.push(m.text())));
    await page.goto(`${cluster.base}/watch/watchme`);
    // Runs in the page: copy the player's getter-backed state into a plain object.
    const state = () =>
      page.evaluate<PlayerState>(
        "(() => { const p = window.__player; return p && { state: p.state, levels: p.levels, currentLevel: p.currentLevel," +
          " latency: p.latency, currentTime: p.currentTime, fatalErrors: p.fatalErrors, stalls: p.stalls }; })()",
      );
    await waitFor(async () => (await state())?.state === "playing", { timeoutMs: 45_000, intervalMs: 250, what: "the page to play" });
    const first = await state();
    const samples: PlayerState[] = [];
    const started = Date.now();
    while (Date.now() - started < 20_000) {
      await page.waitForTimeout(1_000); // sampling interval of an observation, not a readiness wait
      samples.push(await state());
    }
    const last = samples.at(-1)!;
    expect(last.levels).toBeGreaterThanOrEqual(2);
    expect(last.fatalErrors, consoleErrors.join("\n")).toBe(0);
    expect(last.state).toBe("playing");
    expect(last.currentTime - first.currentTime).toBeGreaterThan(15);
    const latencies = samples.map((s) => s.latency).filter((l): l is number => l !== null);
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies.slice(5))).toBeLessThan(3);
    await page.close();
  });

  it("lists the live stream on the index page", async () => {
    const page = await browser.newPage();
    await page.goto(`${cluster.base}/`);
    await page.waitForSelector('a[href="/watch/watchme"]', { timeout: 15_000 });
    await page.close();
  });
});
