import { ConfigError } from "@tributary/common";

/** One video rung of the adaptive ladder. */
export interface Rung {
  /** Path token of the rendition, e.g. `720p`. */
  name: string;
  height: number;
  /** Target video bit rate, kbit/s. */
  kbps: number;
}

/** What the origin learned about the contribution before transcoding it. */
export interface SourceInfo {
  width: number;
  height: number;
  frameRate: number;
  hasAudio: boolean;
}

/** A rung scaled for a given source: what FFmpeg is asked to produce. */
export interface PlannedRung extends Rung {
  width: number;
  frameRate: number;
}

/** Parses `name:height:kbps,...`; `variable` names the setting in errors. */
export function parseLadder(text: string, variable: string): Rung[] {
  const rungs = text.split(",").map((item) => {
    const match = /^([a-z0-9][a-z0-9_-]{0,31}):(\d{2,4}):(\d{2,6})$/.exec(item.trim());
    if (!match) throw new ConfigError(`${variable}: "${item}" is not name:height:kbps (e.g. 720p:720:2800)`);
    return { name: match[1]!, height: Number(match[2]), kbps: Number(match[3]) };
  });
  const names = new Set(rungs.map((r) => r.name));
  if (names.size !== rungs.length || names.has("audio")) {
    throw new ConfigError(`${variable}: rung names must be unique and not "audio"`);
  }
  if (rungs.some((r) => r.height % 2 !== 0 || r.height < 90)) {
    throw new ConfigError(`${variable}: heights must be even and at least 90`);
  }
  return [...rungs].sort((a, b) => b.height - a.height);
}

/**
 * The rungs to produce for a source: every rung at or below the source height (never
 * upscale). A source smaller than every rung gets one rung at its own height, using the
 * lowest rung's name and bit rate.
 */
export function planLadder(ladder: Rung[], source: SourceInfo, maxFrameRate: number): PlannedRung[] {
  const frameRate = Math.min(source.frameRate > 0 ? source.frameRate : maxFrameRate, maxFrameRate);
  const fitting = ladder.filter((r) => r.height <= source.height);
  const lowest = ladder[ladder.length - 1];
  const chosen = fitting.length > 0 || !lowest ? fitting : [{ ...lowest, height: source.height - (source.height % 2) }];
  return chosen.map((rung) => ({ ...rung, width: evenWidth(source, rung.height), frameRate }));
}

function evenWidth(source: SourceInfo, height: number): number {
  // H.264 in 4:2:0 needs even dimensions: the nearest even width keeps the aspect best.
  return Math.round((source.width * height) / source.height / 2) * 2;
}
