import type { Browser, Page } from "playwright-core";
import { CLOCK_CELLS, CLOCK_COLS, CLOCK_ROWS, decodeClockCells } from "./clock-code.js";

/** Chromium as the tests run it: Debian's build, headless, no GPU, autoplay allowed. */
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--autoplay-policy=no-user-gesture-required"],
};

/** One frame the page displayed. */
export interface DisplaySample {
  /** Wall-clock ms the frame was (expected to be) put on screen, from `requestVideoFrameCallback`. */
  displayedAt: number;
  /** The capture time the frame shows; null when its clock code could not be read. */
  captured: number | null;
  /** `video.currentTime` of the frame (its media time), s. */
  mediaTime: number;
  /** Decoded size of the frame. */
  width: number;
  height: number;
}

/** The watch page's player state (`window.__player`) and the video's playback quality, read 4x a second. */
export interface PlayerSample {
  at: number;
  state: string;
  /** hls.js's own estimate: seconds behind the live edge of the playlist. */
  latency: number | null;
  currentLevel: number;
  stalls: number;
  fatalErrors: number;
  droppedFrames: number;
  totalFrames: number;
  playbackRate: number;
}

interface RawDisplay {
  d: number;
  m: number[];
  t: number;
  w: number;
  h: number;
}

/** Pixels per clock cell on the sampling canvas (the cell's middle half is averaged). */
const CELL_PIXELS = 8;

/**
 * Runs in the page (as a string: the bundler must not touch it). Every frame the `<video>`
 * presents is drawn onto a small canvas in the `requestVideoFrameCallback` for it and the mean
 * of the middle of each clock cell is kept with the frame's display time; the player's state
 * is polled 4x a second. Node drains both from `window.__latencyProbe`.
 */
const SAMPLER = `((cols, rows, cell) => {
  const video = document.querySelector("video");
  if (!video || !("requestVideoFrameCallback" in video)) return "no video element with requestVideoFrameCallback";
  const canvas = document.createElement("canvas");
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const probe = { frames: [], player: [] };
  window.__latencyProbe = probe;
  const lo = cell / 4, hi = (3 * cell) / 4;
  const onFrame = (now, meta) => {
    const displayed = Date.now() - (performance.now() - meta.expectedDisplayTime);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const means = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let y = r * cell + lo; y < r * cell + hi; y++) for (let x = c * cell + lo; x < c * cell + hi; x++) sum += px[(y * canvas.width + x) * 4];
      means.push(Math.round(sum / ((hi - lo) * (hi - lo))));
    }
    probe.frames.push({ d: displayed, m: means, t: meta.mediaTime, w: meta.width, h: meta.height });
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  setInterval(() => {
    const p = window.__player;
    const q = video.getVideoPlaybackQuality();
    probe.player.push({
      at: Date.now(), state: p ? p.state : "none", latency: p ? p.latency : null, currentLevel: p ? p.currentLevel : -1,
      stalls: p ? p.stalls : 0, fatalErrors: p ? p.fatalErrors : 0,
      droppedFrames: q.droppedVideoFrames, totalFrames: q.totalVideoFrames, playbackRate: video.playbackRate,
    });
  }, 250);
  return "ok";
})(${CLOCK_COLS}, ${CLOCK_ROWS}, ${CELL_PIXELS})`;

const DRAIN = `(() => { const p = window.__latencyProbe; return p ? { frames: p.frames.splice(0), player: p.player.splice(0) } : null; })()`;

/** The watch page of one stream, with the sampler installed once the player has started. */
export class PlayerProbe {
  readonly displays: DisplaySample[] = [];
  readonly player: PlayerSample[] = [];
  readonly consoleErrors: string[] = [];
  private page: Page | undefined;

  constructor(
    private readonly browser: Browser,
    private readonly watchUrl: string,
  ) {}

  /** Opens the page and waits until the player plays; returns when it started playing (wall-clock ms). */
  async open(timeoutMs: number): Promise<number> {
    const page = await this.browser.newPage({ viewport: { width: 960, height: 600 } });
    this.page = page;
    page.on("console", (m) => {
      if (m.type() === "error" && this.consoleErrors.length < 20) this.consoleErrors.push(m.text());
    });
    await page.goto(this.watchUrl);
    const installed = await page.evaluate<string>(SAMPLER);
    if (installed !== "ok") throw new Error(`cannot sample the watch page: ${installed}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.drain();
      if (this.player.some((s) => s.state === "playing") && this.displays.length > 0) return this.displays[0]!.displayedAt;
      if (Date.now() > deadline) throw new Error(`the watch page did not play within ${timeoutMs} ms: ${this.consoleErrors.join(" | ")}`);
      await page.waitForTimeout(250); // polling interval while waiting for playback
    }
  }

  /** Moves the page's samples into `displays` and `player`. */
  async drain(): Promise<void> {
    if (!this.page) return;
    const batch = await this.page.evaluate<{ frames: RawDisplay[]; player: PlayerSample[] } | null>(DRAIN);
    if (!batch) return;
    for (const f of batch.frames) {
      this.displays.push({
        displayedAt: f.d,
        captured: f.m.length === CLOCK_CELLS ? decodeClockCells(f.m) : null,
        mediaTime: f.t,
        width: f.w,
        height: f.h,
      });
    }
    this.player.push(...batch.player);
  }

  /** Observes for `ms`, draining once a second. */
  async observe(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, end - Date.now())));
      await this.drain();
    }
  }

  async close(): Promise<void> {
    await this.drain().catch(() => undefined);
    await this.page?.close();
    this.page = undefined;
  }
}
