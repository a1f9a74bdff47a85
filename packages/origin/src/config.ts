import { ConfigError, envVar, intFromEnv, readEnv } from "@tributary/common";
import { z } from "zod";
import { parseLadder, type Rung } from "./transcode/ladder.js";

/**
 * Every setting of the origin, read from the environment. The README's configuration table
 * lists the same variables; defaults are declared here and nowhere else.
 */
export const originEnv = {
  ORIGIN_HOST: envVar(z.string().default("127.0.0.1"), "address the HTTP server binds"),
  ORIGIN_PORT: envVar(intFromEnv(0, 65535).default(8090), "HTTP port (parts, playlists, control API, /metrics)"),
  ORIGIN_PUBLIC_URL: envVar(z.url().optional(), "base URL edges fetch parts from (default http://ORIGIN_HOST:ORIGIN_PORT)"),
  ORIGIN_ID: envVar(z.string().regex(/^[a-z0-9-]{1,64}$/).optional(), "name of this origin in logs and manifests (default origin-<pid>)"),
  ORIGIN_API_TOKEN: envVar(z.string().min(16).optional(), "bearer token for the control API (unset: open, for loopback use)"),
  NATS_URL: envVar(z.string().optional(), "NATS server; unset starts a local `nats-server -js`"),
  PART_TARGET_MS: envVar(intFromEnv(50, 2000).default(200), "LL-HLS part target duration"),
  SEGMENT_TARGET_MS: envVar(intFromEnv(500, 10000).default(1000), "segment duration (= GOP length)"),
  PLAYLIST_WINDOW_SEGMENTS: envVar(intFromEnv(8, 600).default(30), "segments listed in each live media playlist"),
  LADDER: envVar(
    z.string().default("1080p:1080:5000,720p:720:2800,480p:480:1400,360p:360:800"),
    "video rungs as name:height:kbps, highest first; rungs above the source height are skipped",
  ),
  MAX_FRAME_RATE: envVar(intFromEnv(10, 60).default(30), "output frame rate cap (the source rate when lower)"),
  AUDIO_BITRATE_KBPS: envVar(intFromEnv(32, 512).default(128), "AAC bit rate"),
  X264_PRESET: envVar(
    z.enum(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"]).default("veryfast"),
    "libx264 preset",
  ),
  CONTRIBUTION_PORTS: envVar(
    z.string().regex(/^\d+-\d+$/, "a range like 10000-10099").default("10000-10099"),
    "UDP ports for SRT contribution listeners (one per live stream)",
  ),
  CONTRIBUTION_HOST: envVar(z.string().default("127.0.0.1"), "address SRT contribution listeners bind"),
  SRT_LATENCY_MS: envVar(intFromEnv(20, 8000).default(120), "SRT receiver latency for contributions"),
  RECONNECT_WINDOW_MS: envVar(
    intFromEnv(0, 600_000).default(10_000),
    "how long a stream whose contribution stopped waits for the publisher before EXT-X-ENDLIST",
  ),
  MAX_STREAMS: envVar(intFromEnv(1, 1000).default(16), "concurrent live streams this origin accepts"),
  JETSTREAM_MAX_AGE_S: envVar(intFromEnv(10, 86_400).default(120), "age limit of the MEDIA JetStream stream"),
  JETSTREAM_MAX_BYTES: envVar(intFromEnv(1 << 20, 2 ** 40).default(256 << 20), "byte limit of the MEDIA JetStream stream"),
  TEST_STREAM: envVar(
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/).optional(),
    "name of a built-in test-pattern stream started with the origin (unset: none)",
  ),
  TEST_STREAM_FILE: envVar(
    z.string().min(1).optional(),
    "a local media file the test stream plays in real time, looping, instead of the test pattern",
  ),
};

export interface OriginConfig {
  host: string;
  port: number;
  publicUrl: string | undefined;
  id: string;
  apiToken: string | undefined;
  natsUrl: string | undefined;
  partTargetMs: number;
  segmentTargetMs: number;
  windowSegments: number;
  ladder: Rung[];
  maxFrameRate: number;
  audioBitrateKbps: number;
  x264Preset: string;
  contributionPorts: { first: number; last: number };
  contributionHost: string;
  srtLatencyMs: number;
  reconnectWindowMs: number;
  maxStreams: number;
  jetstream: { maxAgeSeconds: number; maxBytes: number };
  testStream: string | undefined;
  testStreamFile: string | undefined;
}

/** Reads the origin's configuration; throws a ConfigError naming every bad variable. */
export function loadOriginConfig(env: NodeJS.ProcessEnv = process.env): OriginConfig {
  const v = readEnv(originEnv, env);
  const [first, last] = v.CONTRIBUTION_PORTS.split("-").map(Number) as [number, number];
  return {
    host: v.ORIGIN_HOST,
    port: v.ORIGIN_PORT,
    publicUrl: v.ORIGIN_PUBLIC_URL,
    id: v.ORIGIN_ID ?? `origin-${process.pid}`,
    apiToken: v.ORIGIN_API_TOKEN,
    natsUrl: v.NATS_URL,
    partTargetMs: v.PART_TARGET_MS,
    segmentTargetMs: v.SEGMENT_TARGET_MS,
    windowSegments: v.PLAYLIST_WINDOW_SEGMENTS,
    ladder: parseLadder(v.LADDER, "LADDER"),
    maxFrameRate: v.MAX_FRAME_RATE,
    audioBitrateKbps: v.AUDIO_BITRATE_KBPS,
    x264Preset: v.X264_PRESET,
    contributionPorts: checkedRange(first, last),
    contributionHost: v.CONTRIBUTION_HOST,
    srtLatencyMs: v.SRT_LATENCY_MS,
    reconnectWindowMs: v.RECONNECT_WINDOW_MS,
    maxStreams: v.MAX_STREAMS,
    jetstream: { maxAgeSeconds: v.JETSTREAM_MAX_AGE_S, maxBytes: v.JETSTREAM_MAX_BYTES },
    testStream: v.TEST_STREAM,
    testStreamFile: v.TEST_STREAM_FILE,
  };
}

function checkedRange(first: number, last: number) {
  if (first < 1024 || last > 65535 || first > last) {
    throw new ConfigError(`CONTRIBUTION_PORTS=${first}-${last}: need 1024 <= first <= last <= 65535`);
  }
  return { first, last };
}
