/**
 * One path through the cluster, measured: a clock-coded publisher goes live, its start-up
 * backlog drains, fresh watch pages play the stream one after another, and every frame they
 * display is followed back through the stages the cluster stamps.
 */
import { waitFor } from "@tributary/common";
import type { Browser } from "playwright-core";
import { BlockingReloads } from "./blocking-reloads.js";
import { budget, type Budget, type FrameJourney, type Stage } from "./budget.js";
import type { ClockSource } from "./clock-source.js";
import type { LatencyCluster } from "./cluster.js";
import { playRun, type RunResult } from "./player-runs.js";
import { StageTimeline, type CapturedFrames } from "./stage-timeline.js";

/** How one way of publishing the clock (SRT camera, browser broadcaster) is driven. */
export interface ClockPublisher {
  stream: string;
  /** Capture times of what it published; complete once `close` resolved. */
  frames: CapturedFrames;
  /** The encoder's MPEG-TS tee, where this process runs the encoder (see StageTimeline). */
  encoder?: ClockSource;
  /** Starts publishing; a browser resolves once its connection is up. */
  start(): Promise<void> | void;
  /** Why it stopped publishing on its own; undefined while it publishes. */
  failure(): string | undefined;
  /** Whether the start-up backlog has drained, so a player joining now measures steady state. */
  settled(timeline: StageTimeline): boolean;
  close(): Promise<void>;
}

export interface PlayPlan {
  runs: number;
  /** Measured seconds per run, after `warmupSeconds` of playback. */
  seconds: number;
  warmupSeconds: number;
  /** The watched rendition: its name, and its index among the transcoder's outputs. */
  rendition: { name: string; index: number };
}

export interface PathResult {
  runs: RunResult[];
  /** Every displayed frame whose clock was read, with its stamps. */
  journeys: FrameJourney[];
  budget: Budget;
  /** Frames the publisher captured. */
  captured: number;
  /** ms from publishing to the backlog having drained; undefined when it did not within 45 s. */
  settledIn: number | undefined;
  /** The media playlist's `EXT-X-PART-INF` and `EXT-X-SERVER-CONTROL` lines. */
  serverControl: string;
  timeline: StageTimeline;
}

export async function publishAndPlay(cluster: LatencyCluster, browser: Browser, plan: PlayPlan, publisher: ClockPublisher, stages: Stage[]): Promise<PathResult> {
  const { stream } = publisher;
  const timeline = new StageTimeline(publisher.frames, stream, plan.rendition);
  const base = cluster.edge.url;
  const playlist = `${base}/live/${stream}/${plan.rendition.name}/index.m3u8`;
  const reloads = new BlockingReloads(playlist, (ref, at) => timeline.released(ref.msn, ref.part, at));
  const runs: RunResult[] = [];
  let serverControl = "";
  let settledIn: number | undefined;
  try {
    timeline.attach(cluster.origin, cluster.edge, publisher.encoder);
    const publishedAt = Date.now();
    await publisher.start();
    await waitFor(
      async () => {
        const failure = publisher.failure();
        if (failure) throw new Error(`the ${stream} publisher stopped: ${failure}`);
        return (await fetch(`${base}/live/${stream}/index.m3u8`)).status === 200;
      },
      { timeoutMs: 45_000, intervalMs: 250, what: `the ${stream} stream to be live at the edge` },
    );
    // A player that joined during the start-up backlog (handshakes, listeners, probing) would measure it.
    settledIn = await waitFor(() => (publisher.settled(timeline) ? Date.now() - publishedAt : 0), {
      timeoutMs: 45_000,
      intervalMs: 200,
      what: `the ${stream} contribution to catch up with its publisher`,
    }).catch(() => undefined);
    serverControl = await playlistTags(playlist);
    reloads.start();
    for (let i = 0; i < plan.runs; i++) runs.push(await playRun(browser, `${base}/watch/${stream}`, plan));
  } finally {
    await reloads.stop();
    await publisher.close();
    await timeline.detach();
  }

  const { frames, parts } = timeline.frames();
  const partByKey = new Map(parts.map((p) => [p.key, p]));
  const journeys: FrameJourney[] = [];
  for (const run of runs) {
    for (const d of run.displays) {
      const n = d.captured === null ? undefined : publisher.frames.frameAt(d.captured);
      const frame = n === undefined ? undefined : frames[n];
      if (!frame) continue;
      journeys.push({ frame, part: frame.part === undefined ? undefined : partByKey.get(frame.part), displayedAt: d.displayedAt });
    }
  }
  return { runs, journeys, budget: budget(journeys, stages), captured: frames.length, settledIn, serverControl, timeline };
}

/** The playlist's `EXT-X-PART-INF` and `EXT-X-SERVER-CONTROL` lines, for the notes. */
async function playlistTags(url: string): Promise<string> {
  try {
    const text = await (await fetch(url)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith("#EXT-X-PART-INF") || l.startsWith("#EXT-X-SERVER-CONTROL"))
      .join(" ");
  } catch {
    return "";
  }
}
