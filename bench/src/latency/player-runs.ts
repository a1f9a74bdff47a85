/**
 * The viewer side of a measurement: fresh watch pages, each settling on its live-sync target
 * and then measured for a while, and what each saw.
 */
import type { Browser } from "playwright-core";
import { PlayerProbe, type DisplaySample, type PlayerSample } from "./player-probe.js";

/** What one player run saw during its measurement window. */
export interface RunResult {
  /** Page opened → first frame on screen, ms. */
  startupMs: number;
  windowStart: number;
  windowEnd: number;
  displays: DisplaySample[];
  /** Displayed frames whose clock could not be read. */
  unread: number;
  hlsLatencyMs: { at: number; ms: number }[];
  /** `waiting` events while playing, within the window and since the page opened. */
  stalls: number;
  stallsSinceStart: number;
  droppedFrames: number;
  totalFrames: number;
  levelSwitches: number;
  fatalErrors: number;
  /** Share of the window the player spent catching up (playback rate above 1). */
  catchUpShare: number;
}

/** One player: open the watch page, let it settle for `warmupSeconds`, measure for `seconds`. */
export async function playRun(browser: Browser, url: string, plan: { seconds: number; warmupSeconds: number }): Promise<RunResult> {
  const probe = new PlayerProbe(browser, url);
  const opened = Date.now();
  try {
    const firstFrame = await probe.open(45_000);
    await probe.observe(plan.warmupSeconds * 1000);
    const windowStart = Date.now();
    await probe.observe(plan.seconds * 1000);
    const windowEnd = Date.now();
    await probe.drain();
    return summariseRun(probe.displays, probe.player, firstFrame - opened, windowStart, windowEnd);
  } finally {
    await probe.close();
  }
}

function summariseRun(allDisplays: DisplaySample[], player: PlayerSample[], startupMs: number, windowStart: number, windowEnd: number): RunResult {
  const displays = allDisplays.filter((d) => d.displayedAt >= windowStart && d.displayedAt <= windowEnd);
  const inWindow = player.filter((s) => s.at >= windowStart && s.at <= windowEnd);
  const before = player.filter((s) => s.at < windowStart).at(-1) ?? inWindow[0];
  const last = inWindow.at(-1) ?? before;
  let levelSwitches = 0;
  let level = -1;
  for (const s of player) {
    if (s.currentLevel < 0) continue;
    if (level >= 0 && s.currentLevel !== level) levelSwitches += 1;
    level = s.currentLevel;
  }
  return {
    startupMs,
    windowStart,
    windowEnd,
    displays,
    unread: displays.filter((d) => d.captured === null).length,
    hlsLatencyMs: inWindow.filter((s) => s.latency !== null).map((s) => ({ at: s.at, ms: s.latency! * 1000 })),
    stalls: last && before ? last.stalls - before.stalls : 0,
    stallsSinceStart: last?.stalls ?? 0,
    droppedFrames: last && before ? last.droppedFrames - before.droppedFrames : 0,
    totalFrames: last && before ? last.totalFrames - before.totalFrames : 0,
    levelSwitches,
    fatalErrors: last?.fatalErrors ?? 0,
    catchUpShare: inWindow.length === 0 ? 0 : inWindow.filter((s) => s.playbackRate > 1).length / inWindow.length,
  };
}
