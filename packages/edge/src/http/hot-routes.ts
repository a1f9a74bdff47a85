import { STATUS_CODES } from "node:http";
import { ALLOW_ANY_ORIGIN, errorAnswer, type Delivered, type LiveDelivery, type Logger } from "@tributary/common";
import type { ViewerCount } from "./viewer-count.js";

/**
 * `/live/{stream}/{rendition}/{file}`, with names as streams and renditions are named and a
 * file name that is no dot path. Percent-encoded paths don't match: Hono decodes them.
 */
const HOT_PATH = /^\/live\/([a-z0-9][a-z0-9_-]*)\/([a-z0-9][a-z0-9_-]*)\/(\w[\w.-]*)(?:\?(.*))?$/;

/** A status and its headers but Content-Length, made once: as a list (node:http) and as the head's text. */
export interface HeaderSet {
  status: number;
  list: readonly string[];
  /** Status line and header lines, each ending in CRLF. */
  head: string;
}

export interface HotAnswer {
  headers: HeaderSet;
  body: string | Buffer;
}

/**
 * The requests every LL-HLS viewer makes several times a second, media playlists and parts
 * by GET, answered by the same LiveDelivery as the Hono routes, with the same headers, JSON
 * errors and viewer counting, for servers that answer them without Hono (building
 * web-standard Requests and Responses costs more CPU than the answers themselves).
 */
export class HotRoutes {
  /** Header sets of 200 answers by Cache-Control, then Content-Type; of errors by status. */
  private readonly delivered = new Map<string, Map<string, HeaderSet>>();
  private readonly failed = new Map<number, HeaderSet>();

  constructor(
    private readonly delivery: LiveDelivery,
    private readonly viewers: ViewerCount,
    private readonly log: Logger,
  ) {}

  /**
   * The answer to `GET target`, at once when nothing has to be waited for; undefined when
   * target is not a hot path. Failures are answered (JSON errors), never thrown.
   */
  answer(target: string, address: string | undefined): HotAnswer | Promise<HotAnswer> | undefined {
    const match = HOT_PATH.exec(target);
    if (!match) return undefined;
    const [, stream, rendition, file, query] = match as unknown as [string, string, string, string, string | undefined];
    const fail = (error: unknown) => this.error(error, `/live/${stream}/${rendition}/${file}`);
    try {
      const delivered =
        file === "index.m3u8"
          ? this.delivery.mediaPlaylist(stream, rendition, directiveParams(query), (name) => this.viewers.saw(name, address ?? "unknown"))
          : this.delivery.file(stream, rendition, file);
      return delivered instanceof Promise ? delivered.then((d) => this.ok(d), fail) : this.ok(delivered);
    } catch (error) {
      return fail(error);
    }
  }

  private ok({ body, contentType, cacheControl }: Delivered): HotAnswer {
    let byType = this.delivered.get(cacheControl);
    if (!byType) this.delivered.set(cacheControl, (byType = new Map<string, HeaderSet>()));
    let headers = byType.get(contentType);
    if (!headers) byType.set(contentType, (headers = headerSet(200, ["Cache-Control", cacheControl, "Content-Type", contentType])));
    return { headers, body };
  }

  private error(error: unknown, path: string): HotAnswer {
    const { status, body } = errorAnswer(error, this.log, path);
    let headers = this.failed.get(status);
    if (!headers) this.failed.set(status, (headers = headerSet(status, ["Content-Type", "application/json"])));
    return { headers, body: JSON.stringify(body) };
  }
}

/** Every answer is public, read-only media: CORS for players on any origin first. */
function headerSet(status: number, headers: string[]): HeaderSet {
  const list = [ALLOW_ANY_ORIGIN.name, ALLOW_ANY_ORIGIN.value, ...headers];
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`;
  for (let i = 0; i < list.length; i += 2) head += `${list[i]}: ${list[i + 1]}\r\n`;
  return { status, list, head };
}

function directiveParams(query: string | undefined) {
  if (query === undefined) return { msn: undefined, part: undefined, skip: undefined };
  const q = new URLSearchParams(query);
  return { msn: q.get("_HLS_msn") ?? undefined, part: q.get("_HLS_part") ?? undefined, skip: q.get("_HLS_skip") ?? undefined };
}
