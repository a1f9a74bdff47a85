import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import {
  deliveryRoutes,
  errorHandler,
  LiveDelivery,
  notFoundHandler,
  publicReadCors,
  Waiters,
  type DeliveryRendition,
  type DeliveryStream,
  type PartPosition,
} from "@tributary/common";
import { Hono, type Context } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EdgeServer } from "./edge-server.js";
import { HotRoutes } from "./hot-routes.js";
import { ViewerCount } from "./viewer-count.js";

/** A stream whose newest part the test moves on by hand. */
class FakeStream implements DeliveryStream {
  readonly name = "s";
  ended = false;
  readonly ready = true;
  readonly waiters = new Waiters();
  last: PartPosition = { msn: 10, part: 2 };
  private readonly renditions = new Map<string, DeliveryRendition>([
    ["v", this.fake("video", (text) => Buffer.from(text))],
    ["audio", this.fake("audio", (text) => text)],
  ]);

  multivariant() {
    return "#EXTM3U\n";
  }

  rendition(name: string) {
    return this.renditions.get(name);
  }

  /** The next part (a segment has 5), not listed yet. */
  get next(): PartPosition {
    return this.last.part === 4 ? { msn: this.last.msn + 1, part: 0 } : { msn: this.last.msn, part: this.last.part + 1 };
  }

  advance(): void {
    this.last = this.next;
    this.waiters.check();
  }

  end(): void {
    this.ended = true;
    this.waiters.check();
  }

  private fake(kind: "video" | "audio", body: (text: string) => string | Buffer): DeliveryRendition {
    return {
      kind,
      lastPart: () => this.last,
      segmentComplete: (msn) => msn < this.last.msn,
      playlist: (skip) => body(`#EXTM3U\n#skip ${skip}\n#last ${this.last.msn}.${this.last.part}\n`),
      init: (name) => (name === "init-1.mp4" ? Buffer.from("init") : undefined),
      part: (msn, part) => {
        if (msn === 9 && part === 3) throw new Error("a bug");
        const bytes = Buffer.from(`${kind} ${msn}.${part}`);
        return kind === "audio" ? Promise.resolve(bytes) : bytes;
      },
      segment: (msn) => Buffer.from(`segment ${msn}`),
    };
  }
}

const stream = new FakeStream();
const source = { stream: (name: string) => (name === stream.name ? stream : undefined) };
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined } as never;

/** The Hono app as the edge mounts it under /live. */
function honoListener(viewers: ViewerCount): RequestListener {
  const app = new Hono();
  app.use("/live/*", publicReadCors);
  const onMediaPlaylist = (name: string, c: Context) => viewers.saw(name, getConnInfo(c).remote.address ?? "unknown");
  app.route("/live", deliveryRoutes(source, { segmentTargetMs: 1000, onMediaPlaylist }));
  app.onError(errorHandler(quiet));
  app.notFound(notFoundHandler);
  const listener = getRequestListener(app.fetch);
  return (req, res) => void listener(req, res);
}

function edgeServer(viewers: ViewerCount, keepAliveMs = 10_000): EdgeServer {
  return new EdgeServer(new HotRoutes(new LiveDelivery(source, 1000), viewers, quiet), honoListener(viewers), keepAliveMs);
}

interface Answer {
  status: number;
  /** Lower-case names, less those of the connection (Date, Connection, Keep-Alive). */
  headers: Record<string, string>;
  connection: string | undefined;
  body: string;
}

/** One keep-alive connection, its requests written raw and its answers read in order. */
class Client {
  private bytes = Buffer.alloc(0);
  private readonly waiting: { head: boolean; resolve: (a: Answer) => void }[] = [];
  readonly closed: Promise<unknown>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.bytes = Buffer.concat([this.bytes, d]);
      this.parse();
    });
    this.closed = once(socket, "close");
  }

  static async open(port: number): Promise<Client> {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    return new Client(socket);
  }

  /** Writes `text` and resolves with the answer to the next request not yet answered. */
  send(text: string, head = false): Promise<Answer> {
    this.socket.write(text);
    return this.answer(head);
  }

  get(path: string, method = "GET"): Promise<Answer> {
    return this.send(`${method} ${path} HTTP/1.1\r\nHost: edge\r\n\r\n`, method === "HEAD");
  }

  answer(head = false): Promise<Answer> {
    return new Promise((resolve) => {
      this.waiting.push({ head, resolve });
      this.parse();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    while (this.waiting.length > 0) {
      const end = this.bytes.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [status, ...lines] = this.bytes.subarray(0, end).toString("latin1").split("\r\n");
      const all = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const length = this.waiting[0]!.head ? 0 : Number(all["content-length"] ?? 0);
      if (this.bytes.length < end + 4 + length) return;
      const body = this.bytes.subarray(end + 4, end + 4 + length).toString();
      this.bytes = this.bytes.subarray(end + 4 + length);
      const { date: _d, connection, "keep-alive": _k, ...headers } = all;
      this.waiting.shift()!.resolve({ status: Number(status!.split(" ")[1]), headers, connection, body });
    }
  }
}

const viewers = { edge: new ViewerCount(), hono: new ViewerCount() };
let edge: EdgeServer;
let reference: Server;
let edgePort = 0;
let referencePort = 0;

beforeAll(async () => {
  edge = edgeServer(viewers.edge);
  await edge.listen(0, "127.0.0.1");
  edgePort = edge.address().port;
  reference = createServer(honoListener(viewers.hono));
  await new Promise<void>((resolve) => reference.listen(0, "127.0.0.1", resolve));
  referencePort = (reference.address() as AddressInfo).port;
});

afterAll(async () => {
  reference.closeAllConnections();
  await new Promise((resolve) => reference.close(resolve));
  await edge.close();
});

/** A connection that node:http has taken over (its first request was no hot one). */
async function handedOff(): Promise<Client> {
  const client = await Client.open(edgePort);
  expect((await client.get("/live/s/index.m3u8")).status).toBe(200);
  return client;
}

/** The same request to the edge (on a fresh connection, and on one node:http took over) and to the Hono-only reference. */
async function all(path: string, method = "GET"): Promise<{ raw: Answer; node: Answer; hono: Answer }> {
  const clients = [await Client.open(edgePort), await handedOff(), await Client.open(referencePort)];
  try {
    const [raw, node, hono] = await Promise.all(clients.map((c) => c.get(path, method)));
    return { raw: raw!, node: node!, hono: hono! };
  } finally {
    for (const c of clients) c.close();
  }
}

describe("the edge's HTTP server", () => {
  it("answers every form of LL-HLS request as the Hono routes do", async () => {
    const paths = [
      "/live/s/v/index.m3u8",
      "/live/s/audio/index.m3u8",
      "/live/s/v/index.m3u8?_HLS_msn=10&_HLS_part=1&_HLS_skip=YES",
      "/live/s/v/index.m3u8?_HLS_msn=9",
      "/live/s/v/index.m3u8?_HLS_msn=13",
      "/live/s/v/index.m3u8?_HLS_msn=x",
      "/live/s/v/index.m3u8?_HLS_part=1",
      "/live/s/v/index.m3u8?_HLS_msn=10&_HLS_skip=no",
      "/live/s/v/index.m3u8?_HLS_msn=1%30&_HLS_part=1",
      "/live/nope/v/index.m3u8",
      "/live/s/nope/index.m3u8",
      "/live/s/v/10.1.m4s",
      "/live/s/audio/10.1.m4s?cache=busting",
      "/live/s/v/15.0.m4s",
      "/live/s/v/9.3.m4s",
      "/live/s/v/init-1.mp4",
      "/live/s/v/init-2.mp4",
      "/live/s/v/9.m4s",
      "/live/s/v/10.m4s",
      "/live/s/v/passwd",
      "/live/s/v/..%2f..%2fetc%2fpasswd",
      "/live/s/./v/1.0.m4s",
      "/live/s/v/1.0.m4s/",
      "/live/S/v/1.0.m4s",
      "/live/s/index.m3u8",
    ];
    for (const path of paths) {
      const { raw, node, hono } = await all(path);
      expect(raw, path).toEqual(hono);
      expect(node, path).toEqual(hono);
    }
    for (const method of ["HEAD", "OPTIONS"]) {
      const { raw, node, hono } = await all("/live/s/v/10.1.m4s", method);
      expect(raw, method).toEqual(hono);
      expect(node, method).toEqual(hono);
    }
    expect(viewers.edge.count("s")).toBe(1);
    expect(viewers.hono.count("s")).toBe(1);
  });

  it("holds blocking reloads and preload-hint parts until the part is listed", async () => {
    const { msn, part } = stream.next;
    const held = Promise.all([all(`/live/s/v/index.m3u8?_HLS_msn=${msn}&_HLS_part=${part}&_HLS_skip=YES`), all(`/live/s/v/${msn}.${part}.m4s`)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.waiters.size).toBe(6);
    stream.advance();
    const [playlist, bytes] = await held;
    expect(playlist.raw).toEqual(playlist.hono);
    expect(playlist.node).toEqual(playlist.hono);
    expect(playlist.raw.headers["cache-control"]).toBe("public, max-age=6");
    expect(playlist.raw.body).toContain(`#last ${msn}.${part}`);
    expect(bytes.raw).toEqual(bytes.hono);
    expect(bytes.node).toEqual(bytes.hono);
    expect(bytes.raw.body).toBe(`video ${msn}.${part}`);
    expect(stream.waiters.size).toBe(0);
  });

  it("answers 503 when the part does not appear within the hold time", async () => {
    const { msn } = stream.last;
    const { raw, node, hono } = await all(`/live/s/v/index.m3u8?_HLS_msn=${msn + 1}&_HLS_part=3`);
    expect(raw).toEqual(hono);
    expect(node).toEqual(hono);
    expect(raw.status).toBe(503);
    expect(JSON.parse(raw.body)).toEqual({ error: { code: "not_yet_available", message: `segment ${msn + 1} part 3 did not appear in time` } });
    expect(stream.waiters.size).toBe(0);
  });

  it("reads heads split across packets and answers pipelined requests in order", async () => {
    const client = await Client.open(edgePort);
    const split = client.answer();
    client.socket.write("GET /live/s/v/10.1.m4s HT");
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.socket.write("TP/1.1\r\nHost: edge\r\n\r\n");
    expect((await split).body).toBe("video 10.1");
    const hint = `${stream.next.msn}.${stream.next.part}`;
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: edge\r\n\r\n`;
    client.socket.write(get(`/live/s/v/${hint}.m4s`) + get("/live/s/v/10.0.m4s") + get("/live/s/v/index.m3u8"));
    const answers = Promise.all([client.answer(), client.answer(), client.answer()]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.advance();
    expect((await answers).map((a) => a.body.split("\n")[0])).toEqual([`video ${hint}`, "video 10.0", "#EXTM3U"]);
    client.close();
  });

  it("leaves HTTP/1.0, Connection: close and requests with a body to node:http", async () => {
    for (const head of ["GET /live/s/v/10.1.m4s HTTP/1.0\r\n\r\n", "GET /live/s/v/10.1.m4s HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n"]) {
      const client = await Client.open(edgePort);
      const answer = await client.send(head);
      expect(answer.body, head).toBe("video 10.1");
      expect(answer.connection, head).toBe("close");
      await client.closed;
    }
    const client = await Client.open(edgePort);
    const posted = await client.send("POST /live/s/v/10.1.m4s HTTP/1.1\r\nHost: edge\r\nContent-Length: 2\r\n\r\nhi");
    expect(posted.status).toBe(404);
    expect((await client.get("/live/s/v/10.1.m4s")).body).toBe("video 10.1");
    client.close();
  });

  it("survives a viewer that hangs up while held", async () => {
    const client = await Client.open(edgePort);
    client.socket.write(`GET /live/s/v/index.m3u8?_HLS_msn=${stream.next.msn}&_HLS_part=${stream.next.part} HTTP/1.1\r\nHost: edge\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.close();
    await client.closed;
    stream.advance();
    const again = await Client.open(edgePort);
    expect((await again.get("/live/s/v/index.m3u8")).status).toBe(200);
    again.close();
  });

  it("closes keep-alive connections idle for the keep-alive time, and all idle ones on close", async () => {
    const server = edgeServer(new ViewerCount(), 1_000);
    await server.listen(0, "127.0.0.1");
    const port = server.address().port;
    const idle = await Client.open(port);
    const started = Date.now();
    const answer = await idle.get("/live/s/v/10.1.m4s");
    expect(answer.connection).toBe("keep-alive");
    await idle.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const raw = await Client.open(port);
    await raw.get("/live/s/v/10.1.m4s");
    const taken = await Client.open(port);
    await taken.get("/live/s/index.m3u8");
    await server.close();
    await Promise.all([raw.closed, taken.closed]);
  });

  it("releases everything held when the stream ends, with the ended cache time", async () => {
    const held = all(`/live/s/v/index.m3u8?_HLS_msn=${stream.next.msn}&_HLS_part=${stream.next.part}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.end();
    const { raw, node, hono } = await held;
    expect(raw).toEqual(hono);
    expect(node).toEqual(hono);
    expect(raw.headers["cache-control"]).toBe("public, max-age=60");
  });
});
