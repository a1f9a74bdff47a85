import { HttpError } from "@tributary/common";
import { Hono, type Context } from "hono";
import type { LiveStream } from "../stream/live-stream.js";

/** What the LL-HLS routes need from the origin: streams by name. */
export interface StreamLookup {
  get(name: string): LiveStream | undefined;
}

export interface HlsRouteOptions {
  segmentTargetMs: number;
}

const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
/** Media and init names embed the run's first sequence number, so a name is never reused. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const SEQUENCE = /^\d{1,15}$/;

/**
 * LL-HLS delivery (RFC 8216bis §6.2.5): multivariant and media playlists with blocking
 * reloads (`_HLS_msn`, `_HLS_part`) and delta updates (`_HLS_skip`), init segments, parts
 * (held while they are the preload hint) and whole segments.
 */
export function hlsRoutes(streams: StreamLookup, options: HlsRouteOptions): Hono {
  const app = new Hono();
  const targetSeconds = Math.max(1, Math.ceil(options.segmentTargetMs / 1000));
  // A blocked request is answered 503 after about three target durations (§6.2.5.2).
  const holdMs = 3 * targetSeconds * 1000;

  app.get("/:stream/index.m3u8", async (c) => {
    const stream = lookup(streams, c.req.param("stream"));
    await stream.waiters.wait(() => stream.packager?.multivariantPlaylist() != null || stream.state === "ended", holdMs);
    const text = stream.packager?.multivariantPlaylist();
    if (!text) throw new HttpError(503, "not_ready", "the stream has not produced media yet");
    return playlist(c, text, "no-cache");
  });

  app.get("/:stream/:rendition/index.m3u8", async (c) => {
    const stream = lookup(streams, c.req.param("stream"));
    const index = renditionOf(stream, c.req.param("rendition"));
    const query = blockingQuery(c.req.query("_HLS_msn"), c.req.query("_HLS_part"), c.req.query("_HLS_skip"));
    const packager = stream.packager!;
    if (query.msn !== undefined) {
      const last = packager.lastPart(index);
      if (last && query.msn > last.msn + 2) {
        throw new HttpError(400, "msn_too_far", `_HLS_msn=${query.msn} is more than two segments past ${last.msn}`);
      }
      const { msn, part } = query;
      const ready = () => stream.state === "ended" || reached(stream, index, msn, part);
      if (!(await stream.waiters.wait(ready, holdMs))) {
        throw new HttpError(503, "not_yet_available", `segment ${msn}${part === undefined ? "" : ` part ${part}`} did not appear in time`);
      }
    }
    const text = packager.mediaPlaylist(index, query.skip);
    if (!text) throw new HttpError(503, "not_ready", "the rendition has not produced media yet");
    // A blocking response is the playlist at the moment the asked-for part appeared: the same
    // for every client that asks, so caches may keep it; a plain reload may not be cached.
    const cache = stream.state === "ended" ? "public, max-age=60" : query.msn === undefined ? "no-cache" : `public, max-age=${6 * targetSeconds}`;
    return playlist(c, text, cache);
  });

  app.get("/:stream/:rendition/:file", async (c) => {
    const stream = lookup(streams, c.req.param("stream"));
    const index = renditionOf(stream, c.req.param("rendition"));
    const file = c.req.param("file");
    const type = stream.renditions[index]?.kind === "audio" ? "audio/mp4" : "video/mp4";
    let bytes: Buffer | undefined;
    let match: RegExpExecArray | null;
    if ((match = /^init-(\d{1,15})\.mp4$/.exec(file))) {
      bytes = stream.store.init(index, file);
    } else if ((match = /^(\d{1,15})\.(\d{1,4})\.m4s$/.exec(file))) {
      const msn = Number(match[1]);
      const part = Number(match[2]);
      bytes = stream.store.part(index, msn, part);
      if (!bytes && isUpcoming(stream, index, msn)) {
        // The preload hint: hold the request until the part is complete (§6.2.5.3).
        await stream.waiters.wait(() => stream.state === "ended" || reached(stream, index, msn, part), holdMs);
        bytes = stream.store.part(index, msn, part);
      }
    } else if ((match = /^(\d{1,15})\.m4s$/.exec(file))) {
      bytes = stream.store.segment(index, Number(match[1]));
    } else {
      throw new HttpError(400, "bad_name", `"${file}" is not an init, part or segment name`);
    }
    if (!bytes) throw new HttpError(404, "not_found", `${file} is not available`);
    // Node Buffers sit on plain ArrayBuffers; the cast only narrows the type.
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": type,
      "Cache-Control": IMMUTABLE,
    });
  });

  return app;
}

function lookup(streams: StreamLookup, name: string): LiveStream {
  const stream = streams.get(name);
  if (!stream) throw new HttpError(404, "no_such_stream", `stream "${name}" is not on this origin`);
  return stream;
}

function renditionOf(stream: LiveStream, name: string): number {
  const index = stream.renditionIndex(name);
  if (index < 0 || !stream.packager) throw new HttpError(404, "no_such_rendition", `stream "${stream.name}" has no rendition "${name}"`);
  return index;
}

interface BlockingQuery {
  msn: number | undefined;
  part: number | undefined;
  skip: boolean;
}

/** Validates the LL-HLS delivery directives (§6.2.5). */
function blockingQuery(msn: string | undefined, part: string | undefined, skip: string | undefined): BlockingQuery {
  if (msn !== undefined && !SEQUENCE.test(msn)) throw new HttpError(400, "bad_msn", "_HLS_msn must be a non-negative integer");
  if (part !== undefined && !/^\d{1,4}$/.test(part)) throw new HttpError(400, "bad_part", "_HLS_part must be a non-negative integer");
  if (part !== undefined && msn === undefined) throw new HttpError(400, "part_without_msn", "_HLS_part requires _HLS_msn");
  if (skip !== undefined && skip !== "YES" && skip !== "v2") throw new HttpError(400, "bad_skip", "_HLS_skip must be YES or v2");
  return {
    msn: msn === undefined ? undefined : Number(msn),
    part: part === undefined ? undefined : Number(part),
    skip: skip !== undefined,
  };
}

/**
 * Whether a rendition has part `part` of segment `msn` or anything later; with no part
 * given, whether segment `msn` is complete.
 */
function reached(stream: LiveStream, index: number, msn: number, part: number | undefined): boolean {
  const last = stream.packager?.lastPart(index);
  if (!last) return false;
  if (last.msn > msn) return true;
  if (last.msn < msn) return false;
  return part === undefined ? stream.store.isClosed(index, msn) : last.part >= part;
}

/** A part that does not exist yet but is about to: in the open segment or the next one. */
function isUpcoming(stream: LiveStream, index: number, msn: number): boolean {
  if (stream.state === "ended") return false;
  const last = stream.packager?.lastPart(index);
  return last !== null && last !== undefined && msn >= last.msn && msn <= last.msn + 1;
}

function playlist(c: Context, text: string, cacheControl: string) {
  return c.body(text, 200, { "Content-Type": PLAYLIST_TYPE, "Cache-Control": cacheControl });
}
