import { describe, expect, it } from "vitest";
import { publish, sessionStream, unpublish, WhipError } from "./whip";

const ENDPOINT = "https://live.example.com/whip";
const ANSWER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n";

/** A fetch that records its requests and answers with `response`. */
function fakeFetch(response: () => Response | Promise<Response>) {
  const requests: { url: string; init: RequestInit }[] = [];
  // publish and unpublish pass the URL as a string.
  const fetcher = (async (url: string, init?: RequestInit) => {
    requests.push({ url, init: init ?? {} });
    return response();
  }) as typeof fetch;
  return { fetcher, requests };
}

const jsonError = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

async function rejection(promise: Promise<unknown>): Promise<WhipError> {
  const error: unknown = await promise.then(
    () => undefined,
    (cause: unknown) => cause,
  );
  if (!(error instanceof WhipError)) throw new Error(`expected a WhipError, got ${String(error)}`);
  return error;
}

describe("publish", () => {
  it("posts the offer with the key and reads the session", async () => {
    const { fetcher, requests } = fakeFetch(
      () =>
        new Response(ANSWER, {
          status: 201,
          headers: { "content-type": "application/sdp", location: "/whip/demo/sessions/abc", etag: '"1"', "tributary-stream": "demo" },
        }),
    );
    const session = await publish(ENDPOINT, "k3y", "v=0\r\noffer", new AbortController().signal, fetcher);
    expect(session).toEqual({ answer: ANSWER, url: "https://live.example.com/whip/demo/sessions/abc", stream: "demo" });
    expect(requests).toHaveLength(1);
    const { url, init } = requests[0]!;
    expect(url).toBe(ENDPOINT);
    expect(init.method).toBe("POST");
    expect(init.body).toBe("v=0\r\noffer");
    expect(init.headers).toEqual({ "content-type": "application/sdp", authorization: "Bearer k3y" });
  });

  it("takes the stream from the session path when the header is missing", async () => {
    const { fetcher } = fakeFetch(() => new Response(ANSWER, { status: 201, headers: { location: "/whip/cam-2/sessions/x1" } }));
    expect((await publish(ENDPOINT, "k", "v=0", new AbortController().signal, fetcher)).stream).toBe("cam-2");
  });

  it("passes on the server's error code and message", async () => {
    const { fetcher } = fakeFetch(() => jsonError(401, { error: { code: "unauthorized", message: "unknown stream key" } }));
    const error = await rejection(publish(ENDPOINT, "nope", "v=0", new AbortController().signal, fetcher));
    expect(error).toMatchObject({ status: 401, code: "unauthorized", message: "Unknown stream key" });
    const flat = fakeFetch(() => jsonError(503, { error: "too_many_sessions", message: "Too many WHIP sessions" }));
    const busy = await rejection(publish(ENDPOINT, "k", "v=0", new AbortController().signal, flat.fetcher));
    expect(busy).toMatchObject({ status: 503, code: "too_many_sessions", message: "Too many WHIP sessions" });
  });

  it("explains statuses whose body says nothing", async () => {
    const { fetcher } = fakeFetch(() => new Response("busy", { status: 503 }));
    const error = await rejection(publish(ENDPOINT, "k", "v=0", new AbortController().signal, fetcher));
    expect(error).toMatchObject({ status: 503, code: "http_503" });
    expect(error.message).toMatch(/no room/);
    const gateway = fakeFetch(() => new Response("", { status: 502 }));
    const other = await rejection(publish(ENDPOINT, "k", "v=0", new AbortController().signal, gateway.fetcher));
    expect(other.message).toBe("The server refused the broadcast (HTTP 502).");
  });

  it("rejects a success without a session", async () => {
    const { fetcher } = fakeFetch(() => new Response(ANSWER, { status: 201 }));
    expect(await rejection(publish(ENDPOINT, "k", "v=0", new AbortController().signal, fetcher))).toMatchObject({ code: "bad_answer" });
    const ok = fakeFetch(() => new Response(ANSWER, { status: 200, headers: { location: "/whip/a/sessions/b" } }));
    expect(await rejection(publish(ENDPOINT, "k", "v=0", new AbortController().signal, ok.fetcher))).toMatchObject({ status: 200 });
  });

  it("reports an unreachable server, but not its own abort", async () => {
    const down = fakeFetch(() => Promise.reject(new TypeError("fetch failed")));
    const unreachable = await rejection(publish(ENDPOINT, "k", "v=0", new AbortController().signal, down.fetcher));
    expect(unreachable).toMatchObject({ code: "network", status: null });

    const controller = new AbortController();
    controller.abort();
    const aborted = fakeFetch(() => Promise.reject(new DOMException("aborted", "AbortError")));
    await expect(publish(ENDPOINT, "k", "v=0", controller.signal, aborted.fetcher)).rejects.toThrow(/aborted/);
  });
});

describe("unpublish", () => {
  it("deletes the session with the key and tells whether the server confirmed", async () => {
    const ok = fakeFetch(() => new Response(null, { status: 200 }));
    expect(await unpublish("https://h/whip/a/sessions/b", "k3y", { keepalive: true }, ok.fetcher)).toBe(true);
    expect(ok.requests[0]).toMatchObject({
      url: "https://h/whip/a/sessions/b",
      init: { method: "DELETE", keepalive: true, headers: { authorization: "Bearer k3y" } },
    });
    expect(await unpublish("https://h/x", "k", {}, fakeFetch(() => new Response(null, { status: 404 })).fetcher)).toBe(true);
    expect(await unpublish("https://h/x", "k", {}, fakeFetch(() => new Response(null, { status: 500 })).fetcher)).toBe(false);
    expect(await unpublish("https://h/x", "k", {}, fakeFetch(() => Promise.reject(new TypeError("down"))).fetcher)).toBe(false);
  });
});

describe("sessionStream", () => {
  it("prefers a valid header, then the session path", () => {
    expect(sessionStream("demo", "https://h/whip/other/sessions/1")).toBe("demo");
    expect(sessionStream(" demo ", "https://h/s/1")).toBe("demo");
    expect(sessionStream("Not Valid", "https://h/whip/cam_1/sessions/1")).toBe("cam_1");
    expect(sessionStream(null, "https://h/whip/cam_1/sessions/1/")).toBe("cam_1");
    expect(sessionStream(null, "https://h/whip/sessions/1")).toBeNull();
    expect(sessionStream(null, "https://h/whip/UPPER/sessions/1")).toBeNull();
  });
});
