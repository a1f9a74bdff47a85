import { waitFor } from "@tributary/common";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type ClusterFixture } from "./cluster-fixture.js";

interface BroadcastState {
  state: string;
  stream: string | null;
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  error: string | null;
}

interface PlayerState {
  state: string;
  levels: number;
  currentTime: number;
  fatalErrors: number;
}

const KEY = "broadcast-page-key-1";
let cluster: ClusterFixture;
let browser: Browser;

beforeAll(async () => {
  cluster = await startCluster({
    STREAM_KEYS: `${KEY}=studio`,
    LADDER: "360p:360:600,240p:240:300",
    CONTRIBUTION_PORTS: "17800-17809",
    WEBRTC_PORTS: "17810-17899",
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      ...["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"],
      ...["--autoplay-policy=no-user-gesture-required", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
});

// Run in the pages: copy the getter-backed state objects into plain ones.
const broadcastState = (page: Page) =>
  page.evaluate<BroadcastState>(
    "(() => { const b = window.__broadcast; return b && { state: b.state, stream: b.stream, bitrateKbps: b.bitrateKbps, width: b.width, height: b.height, error: b.error }; })()",
  );
const playerState = (page: Page) =>
  page.evaluate<PlayerState>(
    "(() => { const p = window.__player; return p && { state: p.state, levels: p.levels, currentTime: p.currentTime, fatalErrors: p.fatalErrors }; })()",
  );

describe("broadcast page", () => {
  it("goes live from a browser camera, plays on the watch page for 20 s, and ends when stopped", async () => {
    const studio = await browser.newPage();
    const studioErrors: string[] = [];
    studio.on("console", (m) => void (m.type() === "error" && studioErrors.push(m.text())));
    await studio.goto(`${cluster.base}/broadcast`);
    await studio.fill("#key", KEY);
    await studio.selectOption("#source", "camera");
    await studio.click("#start");
    await waitFor(async () => (await broadcastState(studio))?.state === "live", { timeoutMs: 20_000, intervalMs: 200, what: "the broadcast to go live" });
    expect((await broadcastState(studio)).stream).toBe("studio");
    expect(await studio.getAttribute("#watch-link", "href")).toContain("/watch/studio");

    // A viewer arrives once the stream is live (the watch page's offline state has tests of its own).
    await waitFor(async () => (await fetch(`${cluster.base}/live/studio/index.m3u8`)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: "the stream to be live at the edge",
    });
    const viewer = await browser.newPage();
    await viewer.goto(`${cluster.base}/watch/studio`);
    await waitFor(async () => (await playerState(viewer))?.state === "playing", { timeoutMs: 45_000, intervalMs: 250, what: "the watch page to play" });
    const first = await playerState(viewer);
    const started = Date.now();
    let last = first;
    while (Date.now() - started < 20_000) {
      await viewer.waitForTimeout(1_000); // sampling interval of an observation, not a readiness wait
      last = await playerState(viewer);
      expect(last.fatalErrors).toBe(0);
    }
    expect(last.state).toBe("playing");
    expect(last.levels).toBeGreaterThanOrEqual(2);
    expect(last.currentTime - first.currentTime).toBeGreaterThan(15);
    // The studio shows what it sends: the page asks the (fake) camera for 720p.
    const sending = await broadcastState(studio);
    expect(sending.bitrateKbps).toBeGreaterThan(50);
    expect([sending.width, sending.height]).toEqual([1280, 720]);
    expect(studioErrors).toEqual([]);

    await studio.click("#stop");
    await waitFor(async () => (await broadcastState(studio)).state === "stopped", { timeoutMs: 10_000, intervalMs: 200, what: "the broadcast to stop" });
    await waitFor(async () => (await (await fetch(`${cluster.base}/live/studio/240p/index.m3u8`)).text()).includes("#EXT-X-ENDLIST"), {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: "the stream to end",
    });
    await waitFor(async () => (await cluster.edge.whip!.census()).routers === 0, { timeoutMs: 5_000, intervalMs: 100, what: "the router to close" });
    await studio.close();
    await viewer.close();
  });

  it("shows the edge's reason when the key is wrong", async () => {
    const studio = await browser.newPage();
    await studio.goto(`${cluster.base}/broadcast`);
    await studio.fill("#key", "not-the-right-key");
    await studio.click("#start");
    await waitFor(async () => (await broadcastState(studio))?.state === "failed", { timeoutMs: 15_000, intervalMs: 200, what: "the broadcast to fail" });
    expect((await broadcastState(studio)).error).toMatch(/key/i);
    expect((await cluster.edge.whip!.census()).routers).toBe(0);
    await studio.close();
  });
});
