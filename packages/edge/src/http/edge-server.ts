import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import type { HeaderSet, HotAnswer, HotRoutes } from "./hot-routes.js";

/** Request heads longer than this are node:http's (it answers 431 past its own limit). */
const MAX_HEAD = 8 * 1024;
const END_OF_HEAD = "\r\n\r\n";
const NONE = Buffer.alloc(0);
/** A GET of a /live/ path over HTTP/1.1, its header lines well formed (no control characters but HTAB). */
// eslint-disable-next-line no-control-regex -- control characters are what it rules out
const HOT_HEAD = /^GET (\/live\/[!-~]+) HTTP\/1\.1((?:\r\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\x00-\x08\x0a-\x1f\x7f]*)*)$/;
/** The header fields that decide whether this server may answer. */
const DECIDING_FIELD = /\r\n(host|connection|content-length|transfer-encoding|expect|upgrade):([^\r]*)/gi;

/**
 * The edge's HTTP/1.1 server. A viewer's connection carries little but media playlist and
 * part GETs; those are parsed and answered here, straight on the socket, for about half
 * node:http's CPU per request (its request and response objects, header handling and timers
 * cost as much as the answer). Anything else (another method or path, a body,
 * `Connection: close`, HTTP/1.0, an unusual head) hands the connection, with the bytes read
 * so far, to a node:http server for good; that server answers hot routes without Hono too.
 */
export class EdgeServer {
  readonly http: HttpServer;
  private readonly net: NetServer;
  private readonly connections = new Set<HotConnection>();
  private readonly sweep: NodeJS.Timeout;
  closing = false;
  /** The end of a head that keeps the connection open. */
  private readonly keepAliveLines: string;
  /** The last keep-alive head made per header set: one body goes to many viewers within a second. */
  private readonly heads = new Map<HeaderSet, { length: number; date: string; bytes: Buffer }>();

  constructor(
    readonly hot: HotRoutes,
    others: RequestListener,
    /** Idle keep-alive connections are closed after this long. */
    readonly keepAliveMs: number,
  ) {
    this.http = createHttpServer((req, res) => {
      const answer = req.method === "GET" ? hot.answer(req.url ?? "", req.socket.remoteAddress) : undefined;
      if (!answer) return void others(req, res);
      const send = ({ headers, body }: HotAnswer) => {
        res.writeHead(headers.status, [...headers.list, "Content-Length", String(Buffer.byteLength(body))]);
        res.end(body);
      };
      if (answer instanceof Promise) void answer.then(send);
      else send(answer);
    });
    this.http.keepAliveTimeout = keepAliveMs;
    this.keepAliveLines = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n\r\n`;
    // node:http tracks connections and arms its request timeouts on 'listening'; here the net server listens.
    this.http.emit("listening");
    // As node:http's: the client may half-close while its answer is pending, and no Nagle delay.
    this.net = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.connections.add(new HotConnection(socket, this)));
    this.sweep = setInterval(() => this.closeStale(), 1_000).unref();
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.net.once("error", reject);
      this.net.listen(port, host, () => {
        this.net.off("error", reject);
        resolve();
      });
    });
  }

  address(): AddressInfo {
    return this.net.address() as AddressInfo;
  }

  /** Stops accepting, closes idle connections, and resolves once the others have had their answers. */
  close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    const closed = new Promise<void>((resolve) => this.net.close(() => resolve()));
    for (const c of this.connections) c.closeIfIdle();
    this.http.close();
    return closed;
  }

  /** The head of a keep-alive answer. */
  head(headers: HeaderSet, length: number): Buffer {
    const date = httpDate();
    const last = this.heads.get(headers);
    if (last?.length === length && last.date === date) return last.bytes;
    const bytes = Buffer.from(`${headers.head}Content-Length: ${length}\r\nDate: ${date}\r\n${this.keepAliveLines}`, "latin1");
    this.heads.set(headers, { length, date, bytes });
    return bytes;
  }

  /** A connection went to node:http or closed. */
  forget(c: HotConnection): void {
    this.connections.delete(c);
  }

  private closeStale(): void {
    const before = Date.now() - this.keepAliveMs;
    for (const c of this.connections) c.closeIfIdleSince(before);
  }
}

/** One client connection while this server answers it itself. */
class HotConnection {
  /** Bytes read and not yet answered: an incomplete head, or pipelined requests. */
  private pending: Buffer = NONE;
  /** Answering a request (or waiting for its answer to drain): later ones wait, in order. */
  private busy = false;
  /** The client has sent its last byte. */
  private ended = false;
  /** When the connection went idle or its pending head began (keep-alive and slow-head timeout). */
  private since = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly server: EdgeServer,
  ) {
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  closeIfIdle(): void {
    if (!this.busy) this.socket.destroy();
  }

  closeIfIdleSince(time: number): void {
    if (!this.busy && this.since < time) this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.pending.length === 0) {
      this.pending = chunk;
      this.since = Date.now();
    } else {
      this.pending = Buffer.concat([this.pending, chunk]);
    }
    if (!this.busy) this.next();
    else if (this.pending.length > MAX_HEAD) this.socket.pause(); // pipelined requests: read on once answered
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    if (!this.busy) this.socket.end();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.server.forget(this);
  };

  /** Answers the next complete request head, or hands the connection over. */
  private next(): void {
    const end = this.pending.indexOf(END_OF_HEAD);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD) this.handOff();
      return;
    }
    const target = hotTarget(this.pending.toString("latin1", 0, end));
    const answer = target === undefined ? undefined : this.server.hot.answer(target, this.socket.remoteAddress);
    if (!answer) return this.handOff();
    this.pending = end + 4 === this.pending.length ? NONE : this.pending.subarray(end + 4);
    this.busy = true;
    if (answer instanceof Promise) void answer.then(this.write);
    else this.write(answer);
  }

  private readonly write = ({ headers, body }: HotAnswer): void => {
    const socket = this.socket;
    if (!socket.writable) return; // the client is gone; its close forgets this connection
    const length = Buffer.byteLength(body);
    if ((this.ended || this.server.closing) && !this.pending.includes(END_OF_HEAD)) {
      const head = `${headers.head}Content-Length: ${length}\r\nDate: ${httpDate()}\r\nConnection: close\r\n\r\n`;
      return void socket.end(typeof body === "string" ? head + body : Buffer.concat([Buffer.from(head, "latin1"), body]), () => socket.destroy());
    }
    // One writev: head and body together.
    socket.cork();
    socket.write(this.server.head(headers, length));
    socket.write(body);
    socket.uncork();
    if (socket.writableNeedDrain) socket.once("drain", this.ready);
    else this.ready();
  };

  private readonly ready = (): void => {
    this.busy = false;
    this.since = Date.now();
    if (this.socket.isPaused()) this.socket.resume();
    if (this.pending.length > 0) this.next();
    // The client ended its side while its last answer drained.
    if (this.ended && !this.busy && !this.socket.destroyed) this.socket.end();
  };

  /** node:http takes the connection, and what was read of it, for good. */
  private handOff(): void {
    const socket = this.socket;
    this.server.forget(this);
    socket.off("data", this.onData);
    socket.off("end", this.onEnd);
    socket.off("error", this.onError);
    socket.off("close", this.onClose);
    // Its bytes can go back only while the stream is open: a request sent with a half-close is dropped.
    if (this.ended) return void socket.destroy();
    if (this.pending.length > 0) socket.unshift(this.pending);
    this.server.http.emit("connection", socket);
    if (socket.isPaused()) socket.resume();
  }
}

/**
 * The target of a plain `GET /live/... HTTP/1.1` head that this server answers itself, or
 * undefined: a body, `Connection` other than keep-alive, `Expect`, `Upgrade`, no single `Host`
 * or a malformed line leave the request, and the connection, to node:http.
 */
function hotTarget(head: string): string | undefined {
  const match = HOT_HEAD.exec(head);
  if (!match) return undefined;
  const fields = match[2]!;
  let hosts = 0;
  let field: RegExpExecArray | null;
  DECIDING_FIELD.lastIndex = 0; // exec, not matchAll, which copies the expression for every head
  while ((field = DECIDING_FIELD.exec(fields))) {
    const name = field[1]!.toLowerCase();
    if (name === "host") hosts += 1;
    else if (name !== "connection" || field[2]!.trim().toLowerCase() !== "keep-alive") return undefined;
  }
  return hosts === 1 ? match[1] : undefined;
}

let dateSecond = -1;
let date = "";

/** The Date header's value, made once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    date = new Date(now).toUTCString();
  }
  return date;
}
