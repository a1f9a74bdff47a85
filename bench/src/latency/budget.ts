import type { FrameTimes, PartTimes } from "./stage-timeline.js";
import { median } from "../stats.js";

/** One displayed frame with every stamp it collected on its way to the screen. */
export interface FrameJourney {
  frame: FrameTimes;
  part: PartTimes | undefined;
  displayedAt: number;
}

/** One stage of the path from camera to screen, measured per displayed frame. */
export interface Stage {
  id: string;
  label: string;
  /** The DESIGN.md budget row(s) this stage belongs to. */
  design: string;
  /** ms spent in this stage by one frame; undefined when a stamp is missing. */
  of: (j: FrameJourney) => number | undefined;
}

const diff = (to: number | undefined, from: number | undefined): number | undefined =>
  to === undefined || from === undefined ? undefined : to - from;

/** The SRT path's stages in order; for a frame with every stamp they add up to its glass-to-glass latency. */
export const STAGES: Stage[] = [
  {
    id: "encode",
    label: "publisher encoder: capture → MPEG-TS out (x264 zerolatency, AAC, TS mux)",
    design: "encoder + uplink (150)",
    of: (j) => diff(j.frame.encoded, j.frame.captured),
  },
  {
    id: "contribution",
    label: "SRT to the edge, edge relay over SRT to the origin, origin receive/remux",
    design: "uplink (150) + edge → origin (50)",
    of: (j) => diff(j.frame.originIn, j.frame.encoded),
  },
  {
    id: "transcode",
    label: "origin transcode: demux, decode, scale, encode the rung",
    design: "decode, scale, encode (150)",
    of: (j) => diff(j.frame.transcoded, j.frame.originIn),
  },
  {
    id: "part",
    label: "waiting for the packager to close the part",
    design: "part wait (200)",
    of: (j) => diff(j.part?.closedAt, j.frame.transcoded),
  },
  {
    id: "manifest",
    label: "part manifest over JetStream to the edge",
    design: "manifest → release (20)",
    of: (j) => diff(j.part?.arrivedAt, j.part?.closedAt),
  },
  {
    id: "fetch",
    label: "edge fetches the part from the origin and lists it",
    design: "manifest → release (20)",
    of: (j) => diff(j.part?.listedAt, j.part?.arrivedAt),
  },
  {
    id: "release",
    label: "held blocking reload answered (edge → client)",
    design: "manifest → release (20)",
    of: (j) => diff(j.part?.releasedAt, j.part?.listedAt),
  },
  {
    id: "player",
    label: "player: hold-back behind the live edge, part load, buffer, decode, display",
    design: "PART-HOLD-BACK + decode (600)",
    of: (j) => diff(j.displayedAt, j.part?.releasedAt ?? j.part?.listedAt),
  },
];

/** Stages the SRT path has before the transcoder's output, which a WHIP frame cannot be followed through. */
const UPSTREAM = new Set(["encode", "contribution", "transcode"]);

/**
 * The WHIP path's stages: up to the transcoder's output the only stamps are capture and the
 * output itself (see StageTimeline), so that is one stage; from there on, the SRT path's.
 */
export const WHIP_STAGES: Stage[] = [
  {
    id: "browser",
    label: "browser capture → origin transcoder output (WebRTC encode, edge remux, SRT to origin, transcode)",
    design: "encoder + uplink (150) + edge → origin (50) + decode, scale, encode (150)",
    of: (j) => diff(j.frame.transcoded, j.frame.captured),
  },
  ...STAGES.filter((s) => !UPSTREAM.has(s.id)),
];

export interface StageStat {
  stage: Stage;
  medianMs: number;
  /** Frames that had both stamps of this stage. */
  frames: number;
}

export interface Budget {
  stages: StageStat[];
  /** Median of the per-frame glass-to-glass latency over the same frames. */
  totalMedianMs: number;
  /** Sum of the stage medians (close to, not equal to, the median of the sums). */
  sumOfMediansMs: number;
  /** Displayed frames with every stamp. */
  complete: number;
}

export function budget(journeys: FrameJourney[], path: Stage[] = STAGES): Budget {
  const stages = path.map((stage) => {
    const values = journeys.map(stage.of).filter((v): v is number => v !== undefined);
    return { stage, medianMs: median(values), frames: values.length };
  });
  const complete = journeys.filter((j) => path.every((s) => s.of(j) !== undefined)).length;
  return {
    stages,
    totalMedianMs: median(journeys.map((j) => j.displayedAt - j.frame.captured)),
    sumOfMediansMs: stages.reduce((sum, s) => sum + (Number.isFinite(s.medianMs) ? s.medianMs : 0), 0),
    complete,
  };
}

/** The budget as a Markdown table: stage, median, share of the glass-to-glass median, DESIGN.md row. */
export function budgetTable(b: Budget): string {
  const rows = b.stages.map((s) => {
    const share = Number.isFinite(s.medianMs) && b.totalMedianMs > 0 ? `${Math.round((100 * s.medianMs) / b.totalMedianMs)} %` : "—";
    const ms = Number.isFinite(s.medianMs) ? String(Math.round(s.medianMs)) : "—";
    return `| ${s.stage.label} | ${ms} | ${share} | ${s.stage.design} | ${s.frames} |`;
  });
  return [
    "| stage | median ms | share of glass-to-glass median | DESIGN.md budget row (ms) | frames |",
    "|---|---:|---:|---|---:|",
    ...rows,
    `| **sum of stage medians** | **${Math.round(b.sumOfMediansMs)}** | ${b.totalMedianMs > 0 ? Math.round((100 * b.sumOfMediansMs) / b.totalMedianMs) : "—"} % | 1170 | |`,
    `| **glass-to-glass median (same frames)** | **${Math.round(b.totalMedianMs)}** | 100 % | ≤ 1000 (goal) | ${b.complete} complete |`,
  ].join("\n");
}
