import { ConfigError, envVar, intFromEnv, readEnv, streamName } from "@tributary/common";
import { availableParallelism } from "node:os";
import { z } from "zod";

const portRange = z
  .string()
  .regex(/^\d+-\d+$/, "a range like 40000-40999")
  .refine((text) => {
    const [min = 0, max = 0] = text.split("-").map(Number);
    return min >= 1024 && max <= 65535 && min <= max;
  }, "ports 1024-65535, min <= max");

/**
 * Every setting of the edge, read from the environment. The README's configuration table
 * lists the same variables; defaults are declared here and nowhere else.
 */
export const edgeEnv = {
  EDGE_HOST: envVar(z.string().default("127.0.0.1"), "address the HTTP server binds"),
  EDGE_PORT: envVar(intFromEnv(0, 65535).default(8080), "HTTP port (pages, LL-HLS, /api, /metrics)"),
  EDGE_ID: envVar(z.string().regex(/^[a-z0-9-]{1,64}$/).optional(), "name of this edge in logs (default edge-<pid>)"),
  SRT_HOST: envVar(z.string().default("0.0.0.0"), "address the SRT ingest port binds"),
  SRT_PORT: envVar(intFromEnv(0, 65535).default(9000), "UDP port publishers send SRT to"),
  SRT_PASSPHRASE: envVar(z.string().min(10).max(79).optional(), "AES passphrase publishers must use (unset: no encryption)"),
  SRT_LATENCY_MS: envVar(intFromEnv(20, 8000).default(120), "SRT receiver latency for publishers"),
  MAX_PUBLISHERS: envVar(intFromEnv(1, 10_000).default(64), "concurrent SRT publishers"),
  STREAM_KEYS: envVar(
    z.string().default(""),
    "publish keys as key=stream pairs, comma separated (SRT streamid, WHIP bearer token)",
  ),
  MEDIASOUP_WORKERS: envVar(
    intFromEnv(0, 256).default(availableParallelism()),
    "mediasoup workers for WHIP publishers (default: one per core; 0 turns WHIP off)",
  ),
  WEBRTC_LISTEN_IP: envVar(z.ipv4().or(z.ipv6()).default("127.0.0.1"), "address WebRTC media (UDP and TCP) binds"),
  WEBRTC_ANNOUNCED_ADDRESS: envVar(
    z.string().min(1).max(253).optional(),
    "public IP or host name put in ICE candidates (behind NAT: the address browsers reach)",
  ),
  WEBRTC_PORTS: envVar(portRange.default("40000-40999"), "UDP and TCP ports for WebRTC media, as min-max"),
  MAX_WHIP_SESSIONS: envVar(intFromEnv(1, 10_000).default(16), "concurrent WHIP publishers"),
  WHIP_KEYFRAME_INTERVAL_MS: envVar(
    intFromEnv(500, 60_000).default(2_000),
    "how often browsers are asked for a key frame (their encoders send one only when asked)",
  ),
  WHIP_MEDIA_TIMEOUT_MS: envVar(intFromEnv(1_000, 60_000).default(5_000), "a WHIP publisher silent this long is ended"),
  ORIGIN_URL: envVar(z.url().default("http://127.0.0.1:8090"), "origin control API the edge forwards publishers to"),
  ORIGIN_API_TOKEN: envVar(z.string().min(16).optional(), "bearer token for the origin's control API"),
  NATS_URL: envVar(z.string().optional(), "NATS server; unset starts a local `nats-server -js`"),
  PART_CACHE_BYTES: envVar(intFromEnv(1 << 20, 2 ** 40).default(256 << 20), "byte limit of the part cache (LRU)"),
  FOLLOW_BACKFILL_SEGMENTS: envVar(intFromEnv(1, 60).default(4), "segments of history a new stream follower starts with"),
  FOLLOW_IDLE_MS: envVar(intFromEnv(1_000, 3_600_000).default(30_000), "a stream nobody watched this long is unsubscribed"),
  PLAYLIST_WINDOW_SEGMENTS: envVar(intFromEnv(8, 600).default(30), "segments listed in each live media playlist"),
  PLAYER_DIR: envVar(z.string().optional(), "built player pages (default: packages/player/dist of this checkout)"),
};

export interface EdgeConfig {
  host: string;
  port: number;
  id: string;
  srt: { host: string; port: number; passphrase: string | undefined; latencyMs: number; maxPublishers: number };
  streamKeys: { key: string; stream: string }[];
  whip: {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    ports: { min: number; max: number };
    maxSessions: number;
    keyFrameIntervalMs: number;
    mediaTimeoutMs: number;
  };
  originUrl: string;
  originApiToken: string | undefined;
  natsUrl: string | undefined;
  partCacheBytes: number;
  backfillSegments: number;
  followIdleMs: number;
  windowSegments: number;
  playerDir: string | undefined;
}

export function loadEdgeConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const v = readEnv(edgeEnv, env);
  return {
    host: v.EDGE_HOST,
    port: v.EDGE_PORT,
    id: v.EDGE_ID ?? `edge-${process.pid}`,
    srt: {
      host: v.SRT_HOST,
      port: v.SRT_PORT,
      passphrase: v.SRT_PASSPHRASE,
      latencyMs: v.SRT_LATENCY_MS,
      maxPublishers: v.MAX_PUBLISHERS,
    },
    streamKeys: parseStreamKeys(v.STREAM_KEYS),
    whip: {
      workers: v.MEDIASOUP_WORKERS,
      listenIp: v.WEBRTC_LISTEN_IP,
      announcedAddress: v.WEBRTC_ANNOUNCED_ADDRESS,
      ports: { min: Number(v.WEBRTC_PORTS.split("-")[0]), max: Number(v.WEBRTC_PORTS.split("-")[1]) },
      maxSessions: v.MAX_WHIP_SESSIONS,
      keyFrameIntervalMs: v.WHIP_KEYFRAME_INTERVAL_MS,
      mediaTimeoutMs: v.WHIP_MEDIA_TIMEOUT_MS,
    },
    originUrl: v.ORIGIN_URL.replace(/\/$/, ""),
    originApiToken: v.ORIGIN_API_TOKEN,
    natsUrl: v.NATS_URL,
    partCacheBytes: v.PART_CACHE_BYTES,
    backfillSegments: v.FOLLOW_BACKFILL_SEGMENTS,
    followIdleMs: v.FOLLOW_IDLE_MS,
    windowSegments: v.PLAYLIST_WINDOW_SEGMENTS,
    playerDir: v.PLAYER_DIR,
  };
}

/** `key=stream,key2=stream2`: keys are secrets of 8-512 printable characters without `,` or `=`. */
export function parseStreamKeys(text: string): { key: string; stream: string }[] {
  if (!text.trim()) return [];
  const pairs = text.split(",").map((item) => {
    const [key = "", stream = "", ...rest] = item.trim().split("=");
    if (rest.length > 0 || !/^[\x21-\x7e]{8,512}$/.test(key) || !streamName.safeParse(stream).success) {
      throw new ConfigError(`STREAM_KEYS: "${item.trim().slice(0, 40)}" is not key=stream (key: 8-512 printable characters; stream: a-z, 0-9, _ or -)`);
    }
    return { key, stream };
  });
  if (new Set(pairs.map((p) => p.key)).size !== pairs.length) throw new ConfigError("STREAM_KEYS: a key appears twice");
  return pairs;
}
