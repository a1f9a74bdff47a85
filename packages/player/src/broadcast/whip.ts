import { parseEdgeError } from "../shared/edge-error";
import { isStreamName } from "../shared/stream-name";

/** A WHIP session the server created (RFC 9725 §4.2). */
export interface WhipSession {
  /** The SDP answer. */
  answer: string;
  /** Absolute URL of the session resource (`Location`): `DELETE` ends the broadcast. */
  url: string;
  /** The stream the key publishes to; null when the server named none. */
  stream: string | null;
}

/** A failure to show: the server's error code and message where it gave them, ours otherwise. */
export class WhipError extends Error {
  override readonly name = "WhipError";
  readonly code: string;
  /** HTTP status of the answer; null when there was none. */
  readonly status: number | null;

  constructor(code: string, message: string, status: number | null = null) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** The server answers an offer at once (ICE-lite, no gathering to wait for). */
const POST_TIMEOUT_MS = 10_000;
const DELETE_TIMEOUT_MS = 5000;

/** What to say when the server's error body has no message. */
const STATUS_MESSAGES: Record<number, string> = {
  400: "The server could not use this browser's media offer.",
  401: "The stream key was not accepted. Check it and try again.",
  403: "This stream key may not publish.",
  409: "This stream already has a broadcaster.",
  413: "This browser's media offer is larger than the server accepts.",
  415: "The server could not use this browser's media offer.",
  422: "The server does not support the media this browser offers.",
  503: "The server has no room for another broadcast right now. Try again in a moment.",
};

/**
 * Offers `sdp` to the WHIP endpoint with the stream key as bearer token and returns the
 * session. Throws a `WhipError` for an error answer or an unreachable server, and the
 * abort reason when `signal` aborts (the broadcaster stopped: nothing to show).
 */
export async function publish(
  endpoint: string,
  key: string,
  sdp: string,
  signal: AbortSignal,
  fetcher: typeof fetch = fetch,
): Promise<WhipSession> {
  let response: Response;
  let body: string;
  try {
    response = await fetcher(endpoint, {
      method: "POST",
      headers: { "content-type": "application/sdp", authorization: `Bearer ${key}` },
      body: sdp,
      cache: "no-store",
      signal: AbortSignal.any([signal, AbortSignal.timeout(POST_TIMEOUT_MS)]),
    });
    body = await response.text();
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new WhipError("timeout", `The server did not answer within ${POST_TIMEOUT_MS / 1000} s.`);
    }
    throw new WhipError("network", "Cannot reach the server. Check the connection and try again.");
  }
  if (response.status !== 201) {
    const explained = parseEdgeError(body);
    const message =
      explained !== null
        ? capitalized(explained.message)
        : (STATUS_MESSAGES[response.status] ?? `The server refused the broadcast (HTTP ${response.status}).`);
    throw new WhipError(explained?.code ?? `http_${response.status}`, message, response.status);
  }
  const location = response.headers.get("location");
  if (location === null || !body.startsWith("v=0")) {
    throw new WhipError("bad_answer", "The server's answer is not a WHIP session (no Location or SDP answer).", response.status);
  }
  const url = new URL(location, response.url || endpoint).href;
  return { answer: body, url, stream: sessionStream(response.headers.get("tributary-stream"), url) };
}

/**
 * Ends a session (`DELETE` on its URL, with the key that created it). True when the
 * server confirmed, or no longer knew the session; false when it failed or did not
 * answer. `keepalive` lets the request outlive the page (sent on `pagehide`).
 */
export async function unpublish(
  url: string,
  key: string,
  options: { keepalive?: boolean } = {},
  fetcher: typeof fetch = fetch,
): Promise<boolean> {
  try {
    const response = await fetcher(url, {
      method: "DELETE",
      headers: { authorization: `Bearer ${key}` },
      cache: "no-store",
      keepalive: options.keepalive ?? false,
      signal: AbortSignal.timeout(DELETE_TIMEOUT_MS),
    });
    return response.ok || response.status === 404;
  } catch {
    return false;
  }
}

/**
 * The stream a session publishes to: the `Tributary-Stream` answer header, or else the
 * `{stream}` of a `/whip/{stream}/sessions/{id}` session URL. Null when neither names a
 * valid stream.
 */
export function sessionStream(header: string | null, sessionUrl: string): string | null {
  const named = header?.trim() ?? "";
  if (isStreamName(named)) return named;
  const fromPath = /^\/whip\/([^/]+)\/sessions\/[^/]+\/?$/.exec(new URL(sessionUrl).pathname)?.[1];
  return fromPath !== undefined && isStreamName(fromPath) ? fromPath : null;
}

/** The server's messages are terse ("unknown stream key"); the page shows them as sentences. */
function capitalized(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
