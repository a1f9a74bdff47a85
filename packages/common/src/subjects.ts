/**
 * Every NATS subject, JetStream stream and message schema of Tributary, and nowhere else.
 *
 * | subject                              | carries                                    |
 * |--------------------------------------|--------------------------------------------|
 * | `media.parts.{stream}.{rendition}`   | one {@link PartManifest} per finished part |
 * | `media.status.{stream}`              | {@link StreamStatus}: live, ended          |
 *
 * Both live in the JetStream stream {@link MEDIA_STREAM}, memory-backed and bounded by
 * age and bytes: manifests are only useful near the live edge.
 */
import { DiscardPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { z } from "zod";
import { renditionName, streamName } from "./names.js";

export const MEDIA_STREAM = "MEDIA";

export const subjects = {
  part: (stream: string, rendition: string) => `media.parts.${stream}.${rendition}`,
  /** Every rendition of one stream, for an edge that follows a whole stream. */
  streamParts: (stream: string) => `media.parts.${stream}.*`,
  status: (stream: string) => `media.status.${stream}`,
  allParts: "media.parts.>",
  allStatus: "media.status.>",
} as const;

export interface MediaStreamLimits {
  /** Oldest message kept, seconds. */
  maxAgeSeconds: number;
  /** Total bytes kept. */
  maxBytes: number;
}

/** The JetStream stream configuration (created idempotently by every origin). */
export function mediaStreamConfig(limits: MediaStreamLimits): Partial<StreamConfig> & { name: string } {
  return {
    name: MEDIA_STREAM,
    subjects: [subjects.allParts, subjects.allStatus],
    max_age: limits.maxAgeSeconds * 1_000_000_000, // nanoseconds
    max_bytes: limits.maxBytes,
    discard: DiscardPolicy.Old,
    storage: StorageType.Memory,
    num_replicas: 1,
    // Publishers set Nats-Msg-Id per part; a retried publish is stored once.
    duplicate_window: 10 * 1_000_000_000,
  };
}

/** One finished CMAF part, as an edge needs it to rebuild the live playlist. */
export const partManifest = z.object({
  stream: streamName,
  rendition: renditionName,
  /** Media sequence number of the segment the part belongs to. */
  msn: z.number().int().nonnegative(),
  /** Index of the part within its segment. */
  part: z.number().int().nonnegative(),
  /** Seconds. */
  duration: z.number().positive(),
  independent: z.boolean(),
  /** Byte size of the part. */
  size: z.number().int().positive(),
  /** Path of the part on its origin, e.g. `/live/demo/720p/12.3.m4s`. */
  uri: z.string().startsWith("/"),
  /** Path of the segment the part belongs to (served once the segment closes). */
  segmentUri: z.string().startsWith("/"),
  /** Path of the init segment (`EXT-X-MAP`) for this part. */
  mapUri: z.string().startsWith("/"),
  /** Wall-clock time the part's first sample entered the system, ISO 8601. */
  programDateTime: z.iso.datetime(),
  /** First part of a segment that follows a break (`EXT-X-DISCONTINUITY`). */
  discontinuity: z.boolean(),
  /** This part completes its segment; `segmentDuration` is then the segment's length. */
  segmentEnd: z.boolean(),
  segmentDuration: z.number().positive().optional(),
  /** The packager's part and segment targets, which the edge's playlist must repeat. */
  partTargetMs: z.number().int().min(50).max(2000),
  segmentTargetMs: z.number().int().min(500).max(10000),
  /** Origin base URL the bytes can be fetched from. */
  origin: z.url(),
  /** Wall-clock ms when the packager closed the part (latency accounting). */
  closedAt: z.number().int(),
});
export type PartManifest = z.infer<typeof partManifest>;

/** Stream lifecycle: `live` when a run starts, `ended` once the playlist carries ENDLIST. */
export const streamStatus = z.object({
  stream: streamName,
  state: z.enum(["live", "ended"]),
  renditions: z.array(renditionName),
  origin: z.url(),
  /** When the stream started (ms since the epoch). */
  startedAt: z.number().int(),
  /** When this status was sent (ms since the epoch); live streams repeat it. */
  at: z.number().int(),
});
export type StreamStatus = z.infer<typeof streamStatus>;
