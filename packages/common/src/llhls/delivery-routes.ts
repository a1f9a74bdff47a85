import { Hono, type Context } from "hono";
import { HttpError } from "../http-errors.js";
import { parseDeliveryDirectives } from "./directives.js";
import type { Waiters } from "./waiters.js";

/** The newest part of a rendition. */
export interface PartPosition {
  msn: number;
  part: number;
}

type Maybe<T> = T | null | undefined;
type MaybeAsync<T> = Maybe<T> | Promise<Maybe<T>>;

/** One rendition of a live stream, as LL-HLS delivery needs it. */
export interface DeliveryRendition {
  kind: "video" | "audio";
  lastPart(): Maybe<PartPosition>;
  /** Segment `msn` is listed complete (or a later one is listed). */
  segmentComplete(msn: number): boolean;
  /** The media playlist (a delta update when `skip`); nothing before the first part. */
  playlist(skip: boolean): Maybe<string>;
  init(name: string): MaybeAsync<Buffer>;
  part(msn: number, part: number): MaybeAsync<Buffer>;
  segment(msn: number): MaybeAsync<Buffer>;
}

/** One live stream, as LL-HLS delivery needs it: the origin's and the edge's both fit. */
export interface DeliveryStream {
  readonly name: string;
  readonly ended: boolean;
  /** Every rendition has media: the multivariant playlist can be given. */
  readonly ready: boolean;
  /** Held requests; re-checked whenever the stream lists a part or ends. */
  readonly waiters: Waiters;
  multivariant(): MaybeAsync<string>;
  rendition(name: string): DeliveryRendition | undefined;
}

export interface DeliverySource {
  /** The stream, or undefined when this server does not carry it. */
  stream(name: string): DeliveryStream | undefined | Promise<DeliveryStream | undefined>;
}

export interface DeliveryOptions {
  segmentTargetMs: number;
  /** Called for every media playlist request (e.g. to count viewers). */
  onMediaPlaylist?: (stream: string, c: Context) => void;
}

const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
/** Media and init names embed the run's first sequence number, so a name is never reused. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * LL-HLS delivery (RFC 8216bis §6.2.5) over any DeliverySource: multivariant and media
 * playlists with blocking reloads (`_HLS_msn`, `_HLS_part`) and delta updates
 * (`_HLS_skip`), init segments, parts (held while they are the preload hint) and whole
 * segments, with their Content-Type and Cache-Control. Mount under `/live`.
 */
export function deliveryRoutes(source: DeliverySource, options: DeliveryOptions): Hono {
  const app = new Hono();
  const targetSeconds = Math.max(1, Math.ceil(options.segmentTargetMs / 1000));
  // A blocked request is answered 503 after about three target durations (§6.2.5.2).
  const holdMs = 3 * targetSeconds * 1000;

  const lookup = async (name: string): Promise<DeliveryStream> => {
    const stream = await source.stream(name);
    if (!stream) throw new HttpError(404, "no_such_stream", `stream "${name}" is not live here`);
    return stream;
  };
  const renditionOf = (stream: DeliveryStream, name: string): DeliveryRendition => {
    const rendition = stream.rendition(name);
    if (!rendition) throw new HttpError(404, "no_such_rendition", `stream "${stream.name}" has no rendition "${name}"`);
    return rendition;
  };

  app.get("/:stream/index.m3u8", async (c) => {
    const stream = await lookup(c.req.param("stream"));
    // A player may ask before the first parts exist: hold it briefly rather than fail.
    await stream.waiters.wait(() => stream.ended || stream.ready, holdMs);
    const text = await stream.multivariant();
    if (!text) throw new HttpError(503, "not_ready", "the stream has not produced media yet");
    return playlist(c, text, "no-cache");
  });

  app.get("/:stream/:rendition/index.m3u8", async (c) => {
    const stream = await lookup(c.req.param("stream"));
    const rendition = renditionOf(stream, c.req.param("rendition"));
    options.onMediaPlaylist?.(stream.name, c);
    const query = parseDeliveryDirectives(c.req.query("_HLS_msn"), c.req.query("_HLS_part"), c.req.query("_HLS_skip"));
    if (query.msn !== undefined) {
      const last = rendition.lastPart();
      if (last && query.msn > last.msn + 2) {
        throw new HttpError(400, "msn_too_far", `_HLS_msn=${query.msn} is more than two segments past ${last.msn}`);
      }
      const { msn, part } = query;
      const ready = () => stream.ended || reached(rendition, msn, part);
      if (!(await stream.waiters.wait(ready, holdMs))) {
        throw new HttpError(503, "not_yet_available", `segment ${msn}${part === undefined ? "" : ` part ${part}`} did not appear in time`);
      }
    }
    const text = rendition.playlist(query.skip);
    if (!text) throw new HttpError(503, "not_ready", "the rendition has not produced media yet");
    // A blocking response is the playlist at the moment the asked-for part appeared: the same
    // for every client that asks, so caches may keep it; a plain reload may not be cached.
    const cache = stream.ended ? "public, max-age=60" : query.msn === undefined ? "no-cache" : `public, max-age=${6 * targetSeconds}`;
    return playlist(c, text, cache);
  });

  app.get("/:stream/:rendition/:file", async (c) => {
    const stream = await lookup(c.req.param("stream"));
    const rendition = renditionOf(stream, c.req.param("rendition"));
    const file = c.req.param("file");
    let bytes: Maybe<Buffer>;
    let match: RegExpExecArray | null;
    if (/^init-\d{1,15}\.mp4$/.test(file)) {
      bytes = await rendition.init(file);
    } else if ((match = /^(\d{1,15})\.(\d{1,4})\.m4s$/.exec(file))) {
      const msn = Number(match[1]);
      const part = Number(match[2]);
      if (!reached(rendition, msn, part) && isUpcoming(stream, rendition, msn)) {
        // The preload hint: hold the request until the part is complete (§6.2.5.3).
        await stream.waiters.wait(() => stream.ended || reached(rendition, msn, part), holdMs);
      }
      if (reached(rendition, msn, part)) bytes = await rendition.part(msn, part);
    } else if ((match = /^(\d{1,15})\.m4s$/.exec(file))) {
      const msn = Number(match[1]);
      if (rendition.segmentComplete(msn)) bytes = await rendition.segment(msn);
    } else {
      throw new HttpError(400, "bad_name", `"${file}" is not an init, part or segment name`);
    }
    if (!bytes) throw new HttpError(404, "not_found", `${file} is not available`);
    // Node Buffers sit on plain ArrayBuffers; the cast only narrows the type.
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": rendition.kind === "audio" ? "audio/mp4" : "video/mp4",
      "Cache-Control": IMMUTABLE,
    });
  });

  return app;
}

/**
 * Whether a rendition has part `part` of segment `msn` or anything later; with no part
 * given, whether segment `msn` is complete.
 */
function reached(rendition: DeliveryRendition, msn: number, part: number | undefined): boolean {
  const last = rendition.lastPart();
  if (!last) return false;
  if (last.msn !== msn) return last.msn > msn;
  return part === undefined ? rendition.segmentComplete(msn) : last.part >= part;
}

/** A part that does not exist yet but is about to: in the open segment or the next one. */
function isUpcoming(stream: DeliveryStream, rendition: DeliveryRendition, msn: number): boolean {
  const last = rendition.lastPart();
  return !stream.ended && !!last && msn >= last.msn && msn <= last.msn + 1;
}

function playlist(c: Context, text: string, cacheControl: string) {
  return c.body(text, 200, { "Content-Type": PLAYLIST_TYPE, "Cache-Control": cacheControl });
}
