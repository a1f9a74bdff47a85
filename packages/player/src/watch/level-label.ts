import { formatBitrate } from "../shared/bitrate";

/** What the quality menu needs to know about an hls.js level (variant). */
export interface LevelInfo {
  /** Index in `hls.levels`. */
  index: number;
  height: number;
  width: number;
  bitrate: number;
  /** The variant's video codec; empty for an audio-only variant. */
  videoCodec: string;
}

/**
 * Menu label of a level: its height ("720p"), or its bit rate when two variants share a
 * height ("720p · 2.8 Mb/s"), "Audio only" for a variant without video.
 */
export function levelLabel(level: LevelInfo, all: readonly LevelInfo[]): string {
  if (level.height <= 0) {
    return level.videoCodec === "" && level.width <= 0 ? "Audio only" : formatBitrate(level.bitrate);
  }
  const sameHeight = all.filter((other) => other.height === level.height).length > 1;
  return sameHeight ? `${level.height}p · ${formatBitrate(level.bitrate)}` : `${level.height}p`;
}

/** Short label of a level for the readout ("720p"), or null when there is none. */
export function shortLevelLabel(level: LevelInfo | undefined): string | null {
  if (level === undefined) return null;
  return level.height > 0 ? `${level.height}p` : level.videoCodec === "" ? "audio" : formatBitrate(level.bitrate);
}

/** Levels as the menu lists them: highest quality first. */
export function menuOrder(levels: readonly LevelInfo[]): LevelInfo[] {
  return [...levels].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate || a.index - b.index);
}
