/**
 * Stream names as the cluster accepts them (the same rule as `streamName` in
 * packages/common/src/names.ts, repeated here so the browser bundle stays free of
 * server dependencies): 1-64 characters of a-z, 0-9, `_` and `-`, starting with a
 * letter or digit.
 */
const STREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isStreamName(value: string): boolean {
  return STREAM_NAME.test(value);
}

/**
 * The stream a watch page shows: `/watch/{stream}` as the edge serves it, or
 * `?stream={stream}` (local development, `watch.html?stream=demo`). Returns null when
 * neither holds a valid stream name.
 */
export function streamNameFromLocation(pathname: string, search: string): string | null {
  const match = /^\/watch\/([^/]+)\/?$/.exec(pathname);
  let candidate: string | null = null;
  if (match?.[1] !== undefined) {
    try {
      candidate = decodeURIComponent(match[1]);
    } catch {
      return null;
    }
  } else {
    candidate = new URLSearchParams(search).get("stream");
  }
  return candidate !== null && isStreamName(candidate) ? candidate : null;
}

/** Path of a stream's watch page. */
export function watchPath(stream: string): string {
  return `/watch/${encodeURIComponent(stream)}`;
}

/** Path of a stream's LL-HLS multivariant playlist on the edge. */
export function manifestPath(stream: string): string {
  return `/live/${encodeURIComponent(stream)}/index.m3u8`;
}
