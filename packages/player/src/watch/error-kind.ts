/**
 * How the watch page reacts to an hls.js error. hls.js retries non-fatal errors itself
 * (load policies); a fatal one means it gave up, and the page either recovers the media
 * pipeline or tears hls.js down and starts over after a back-off.
 */
export type ErrorKind =
  /** Not fatal: hls.js is already handling it. */
  | "ignore"
  /** Decoder or buffer trouble: `hls.recoverMediaError()`. */
  | "media"
  /** The stream is not (yet) live: the manifest answered 404 or 503, or nothing answered before it ever played. */
  | "offline"
  /** Lost a stream that was there: reload it with a short back-off. */
  | "reconnecting"
  /** This browser cannot decode the stream's codecs: retrying soon will not help. */
  | "unsupported";

/** The parts of an hls.js `ErrorData` the decision needs (hls.js enum values are strings). */
export interface ErrorFacts {
  fatal: boolean;
  /** `ErrorTypes`: "networkError", "mediaError", "muxError", "otherError", … */
  type: string;
  /** `ErrorDetails`: "manifestLoadError", "levelLoadError", "fragLoadError", … */
  details: string;
  /** HTTP status of the failed request, when there was one. */
  httpStatus?: number | undefined;
}

export interface PlaybackHistory {
  /** The multivariant playlist of the current attempt loaded and parsed. */
  manifestParsed: boolean;
  /** Playback started at some point since the page opened. */
  everPlayed: boolean;
}

const MANIFEST_DETAILS = new Set(["manifestLoadError", "manifestLoadTimeOut", "manifestParsingError"]);

/** HTTP statuses with which the edge says "no such live stream right now". */
const NOT_LIVE_STATUSES = new Set([404, 410, 503]);

export function classifyError(error: ErrorFacts, history: PlaybackHistory): ErrorKind {
  if (!error.fatal) return "ignore";
  if (error.details === "manifestIncompatibleCodecsError") return "unsupported";
  if (error.type === "mediaError") return "media";
  if (error.type === "networkError" && MANIFEST_DETAILS.has(error.details)) {
    if (error.httpStatus !== undefined && NOT_LIVE_STATUSES.has(error.httpStatus)) return "offline";
    return history.everPlayed ? "reconnecting" : "offline";
  }
  if (error.type === "networkError") {
    return history.manifestParsed || history.everPlayed ? "reconnecting" : "offline";
  }
  return "reconnecting";
}
