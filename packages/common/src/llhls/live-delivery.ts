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
  /** Called on every request and every release check: keep it cheap. */
  lastPart(): Maybe<PartPosition>;
  /** Segment `msn` is listed complete (or a later one is listed). */
  segmentComplete(msn: number): boolean;
  /** The media playlist (a delta update when `skip`); nothing before the first part. */
  playlist(skip: boolean): Maybe<string | Buffer>;
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

/** A 200 answer: its body and what it is and how long it may be cached. */
export interface Delivered {
  body: string | Buffer;
  contentType: string;
  cacheControl: string;
}

/** A media playlist request's `_HLS_msn`, `_HLS_part` and `_HLS_skip`, as sent. */
export interface DirectiveParams {
  msn: string | undefined;
  part: string | undefined;
  skip: string | undefined;
}

const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
/** Media and init names embed the run's first sequence number, so a name is never reused. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const INIT_NAME = /^init-\d{1,15}\.mp4$/;
const PART_NAME = /^(\d{1,15})\.(\d{1,4})\.m4s$/;
const SEGMENT_NAME = /^(\d{1,15})\.m4s$/;

/**
 * LL-HLS delivery (RFC 8216bis §6.2.5) over any DeliverySource, whatever serves HTTP:
 * multivariant and media playlists with blocking reloads (`_HLS_msn`, `_HLS_part`) and
 * delta updates (`_HLS_skip`), init segments, parts (held while they are the preload hint)
 * and whole segments, with their Content-Type and Cache-Control. Failures are HttpErrors,
 * thrown or rejected. A media playlist or a part answers at once (no promise) when nothing
 * has to be waited for: an edge answers thousands a second, and every promise hop costs CPU.
 */
export class LiveDelivery {
  /** A blocked request is answered 503 after about three target durations (§6.2.5.2). */
  private readonly holdMs: number;
  /** A blocking response is the playlist at the moment the asked-for part appeared. */
  private readonly blockingCache: string;

  constructor(
    private readonly source: DeliverySource,
    segmentTargetMs: number,
  ) {
    const targetSeconds = Math.max(1, Math.ceil(segmentTargetMs / 1000));
    this.holdMs = 3 * targetSeconds * 1000;
    this.blockingCache = `public, max-age=${6 * targetSeconds}`;
  }

  async multivariant(streamName: string): Promise<Delivered> {
    const stream = await this.lookup(streamName);
    // A player may ask before the first parts exist: hold it briefly rather than fail.
    await stream.waiters.wait("", () => stream.ended || stream.ready, this.holdMs);
    const text = await stream.multivariant();
    if (!text) throw new HttpError(503, "not_ready", "the stream has not produced media yet");
    return { body: text, contentType: PLAYLIST_TYPE, cacheControl: "no-cache" };
  }

  /** A media playlist; `seen(stream)` is called once the stream and rendition are known (to count viewers). */
  mediaPlaylist(streamName: string, renditionName: string, params: DirectiveParams, seen?: (stream: string) => void): Delivered | Promise<Delivered> {
    return andThen(this.lookup(streamName), (stream) => {
      const rendition = renditionOf(stream, renditionName);
      seen?.(stream.name);
      const { msn, part, skip } = parseDeliveryDirectives(params.msn, params.part, params.skip);
      if (msn === undefined) return this.playlist(stream, rendition, skip, "no-cache");
      const last = rendition.lastPart();
      if (last && msn > last.msn + 2) {
        throw new HttpError(400, "msn_too_far", `_HLS_msn=${msn} is more than two segments past ${last.msn}`);
      }
      return andThen(this.hold(stream, renditionName, rendition, msn, part), (ok) => {
        if (!ok) throw new HttpError(503, "not_yet_available", `segment ${msn}${part === undefined ? "" : ` part ${part}`} did not appear in time`);
        return this.playlist(stream, rendition, skip, this.blockingCache);
      });
    });
  }

  /** An init segment, a part or a whole segment, by its name. */
  file(streamName: string, renditionName: string, file: string): Delivered | Promise<Delivered> {
    return andThen(this.lookup(streamName), (stream) => {
      const rendition = renditionOf(stream, renditionName);
      const media = (bytes: Maybe<Buffer>): Delivered => {
        if (!bytes) throw new HttpError(404, "not_found", `${file} is not available`);
        return { body: bytes, contentType: rendition.kind === "audio" ? "audio/mp4" : "video/mp4", cacheControl: IMMUTABLE };
      };
      let match: RegExpExecArray | null;
      if (INIT_NAME.test(file)) return andThen(rendition.init(file), media);
      if ((match = PART_NAME.exec(file))) {
        const msn = Number(match[1]);
        const part = Number(match[2]);
        const bytes = () => (reached(rendition, msn, part) ? andThen(rendition.part(msn, part), media) : media(undefined));
        // The preload hint: hold the request until the part is complete (§6.2.5.3).
        if (isUpcoming(stream, rendition, msn)) return andThen(this.hold(stream, renditionName, rendition, msn, part), bytes);
        return bytes();
      }
      if ((match = SEGMENT_NAME.exec(file))) {
        const msn = Number(match[1]);
        return rendition.segmentComplete(msn) ? andThen(rendition.segment(msn), media) : media(undefined);
      }
      throw new HttpError(400, "bad_name", `"${file}" is not an init, part or segment name`);
    });
  }

  private lookup(name: string): DeliveryStream | Promise<DeliveryStream> {
    return andThen(this.source.stream(name), (stream) => {
      if (!stream) throw new HttpError(404, "no_such_stream", `stream "${name}" is not live here`);
      return stream;
    });
  }

  private playlist(stream: DeliveryStream, rendition: DeliveryRendition, skip: boolean, liveCache: string): Delivered {
    const body = rendition.playlist(skip);
    if (!body) throw new HttpError(503, "not_ready", "the rendition has not produced media yet");
    // A blocking response is the same for every client that asks, so caches may keep it; a plain reload may not be cached.
    return { body, contentType: PLAYLIST_TYPE, cacheControl: stream.ended ? "public, max-age=60" : liveCache };
  }

  /**
   * True at once when the rendition has reached (msn, part) or the stream ended; otherwise
   * holds until then (true) or the hold time (false).
   */
  private hold(stream: DeliveryStream, name: string, rendition: DeliveryRendition, msn: number, part: number | undefined): true | Promise<boolean> {
    const ready = () => stream.ended || reached(rendition, msn, part);
    if (ready()) return true;
    // Playlist reloads and preload-hint parts for the same position share one condition.
    return stream.waiters.wait(`${name}/${msn}.${part ?? ""}`, ready, this.holdMs);
  }
}

/** `f(value)`, at once when `value` is no promise. */
function andThen<T, U>(value: T | Promise<T>, f: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

function renditionOf(stream: DeliveryStream, name: string): DeliveryRendition {
  const rendition = stream.rendition(name);
  if (!rendition) throw new HttpError(404, "no_such_rendition", `stream "${stream.name}" has no rendition "${name}"`);
  return rendition;
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
