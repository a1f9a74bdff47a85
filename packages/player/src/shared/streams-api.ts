import { isRecord } from "./json";
import { isStreamName } from "./stream-name";

/** One stream as `GET /api/streams` on the edge describes it. */
export interface StreamSummary {
  name: string;
  state: StreamState;
  /** Rendition names ("720p", "480p", "audio"). */
  renditions: string[];
  viewers: number;
  /** When the broadcast started (ms since the epoch), or null if the edge gave none. */
  startedAt: number | null;
}

export type StreamState = "live" | "reconnecting" | "ended";

const STATES: ReadonlySet<string> = new Set<StreamState>(["live", "reconnecting", "ended"]);

/** At most this many streams are shown; the edge's answer is input from the network. */
export const MAX_LISTED_STREAMS = 500;

/**
 * Validates the body of `GET /api/streams` (`{"streams":[…]}`); entries that do not
 * fit the shape are skipped rather than failing the whole list. Throws when the body is
 * not a stream list at all.
 */
export function parseStreamList(body: unknown): StreamSummary[] {
  if (!isRecord(body) || !Array.isArray(body.streams)) {
    throw new Error("the edge's stream list has no `streams` array");
  }
  const streams: StreamSummary[] = [];
  for (const entry of body.streams.slice(0, MAX_LISTED_STREAMS)) {
    const stream = parseStreamSummary(entry);
    if (stream !== null) streams.push(stream);
  }
  return streams;
}

function parseStreamSummary(entry: unknown): StreamSummary | null {
  if (!isRecord(entry)) return null;
  const { name, state, renditions, viewers, startedAt } = entry;
  if (typeof name !== "string" || !isStreamName(name)) return null;
  if (typeof state !== "string" || !STATES.has(state)) return null;
  const started = typeof startedAt === "string" ? Date.parse(startedAt) : Number.NaN;
  return {
    name,
    state: state as StreamState,
    renditions: Array.isArray(renditions)
      ? renditions.filter((r): r is string => typeof r === "string" && r.length <= 32).slice(0, 16)
      : [],
    viewers: typeof viewers === "number" && Number.isFinite(viewers) && viewers >= 0 ? Math.floor(viewers) : 0,
    startedAt: Number.isFinite(started) ? started : null,
  };
}

const STATE_ORDER: Record<StreamState, number> = { live: 0, reconnecting: 1, ended: 2 };

/** List order: live first, then reconnecting, then ended; busier streams first; then by name. */
export function sortStreams(streams: readonly StreamSummary[]): StreamSummary[] {
  return [...streams].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.viewers - a.viewers || a.name.localeCompare(b.name),
  );
}

/** "just now", "5 min", "2 h 5 min", "3 d": how long ago a stream started. */
export function formatSince(startedAt: number | null, now: number): string | null {
  if (startedAt === null) return null;
  const minutes = Math.floor(Math.max(0, now - startedAt) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}
