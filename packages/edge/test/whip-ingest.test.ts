import { readFileSync } from "node:fs";
import { waitFor } from "@tributary/common";
import { countProcesses, parseMediaPlaylist, postOffer, probeMedia, whipPublish, type WhipPublisher } from "@tributary/testing";
import * as sdpTransform from "sdp-transform";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type ClusterFixture } from "./cluster-fixture.js";

const STREAMS = ["interop", "silent", "restart", "multi1", "multi2", "multi3", "multi4", "multi5"];
const keyOf = (stream: string) => `whip-key-${stream}`;
const ENV = {
  STREAM_KEYS: STREAMS.map((s) => `${keyOf(s)}=${s}`).join(","),
  LADDER: "240p:240:300,160p:160:150",
  CONTRIBUTION_PORTS: "17600-17609",
  WEBRTC_PORTS: "17700-17799",
  MAX_WHIP_SESSIONS: "5",
  WHIP_MEDIA_TIMEOUT_MS: "2000",
};
/** A real offer from Chromium, for requests that never get as far as media. */
const CHROMIUM_OFFER = readFileSync(new URL("./fixtures/chromium-offer.sdp", import.meta.url), "utf8");

let cluster: ClusterFixture;
const publishers: WhipPublisher[] = [];

beforeAll(async () => {
  cluster = await startCluster(ENV);
});

// Each test starts from an edge with no WHIP session, whatever the previous one left.
afterEach(async () => {
  await Promise.all(publishers.splice(0).map((p) => p.stop()));
  await waitFor(async () => (await holdings()).sessions === 0, { timeoutMs: 10_000, intervalMs: 100, what: "the sessions to end" });
});

afterAll(async () => {
  await cluster?.close();
});

const endpoint = (stream?: string) => `${cluster.base}/whip${stream ? `/${stream}` : ""}`;

/** Everything a WHIP session holds, counted where it lives: mediasoup's workers and the process table. */
async function holdings() {
  const census = await cluster.edge.whip!.census();
  const ffmpeg = await countProcesses((argv) => argv[0]?.endsWith("ffmpeg") === true && argv.includes("sdp") && argv.includes("pipe:0"));
  return { sessions: census.sessions, routers: census.routers, transports: census.transports, ffmpeg, liveAtOrigin: cluster.origin.registry.list().filter((s) => s.state !== "ended").length };
}
const NOTHING = { sessions: 0, routers: 0, transports: 0, ffmpeg: 0, liveAtOrigin: 0 };

/** The edge's media playlist of `stream` once it lists `segments` complete segments. */
async function playing(stream: string, segments = 2) {
  return waitFor(
    async () => {
      const response = await fetch(`${cluster.base}/live/${stream}/160p/index.m3u8`);
      const playlist = response.status === 200 ? parseMediaPlaylist(await response.text()) : undefined;
      return playlist && playlist.segments.length >= segments ? playlist : undefined;
    },
    { timeoutMs: 40_000, intervalMs: 250, what: `${stream} to play at the edge` },
  );
}

async function ended(stream: string, timeoutMs = 10_000) {
  await waitFor(async () => (await (await fetch(`${cluster.base}/live/${stream}/160p/index.m3u8`)).text()).includes("#EXT-X-ENDLIST"), {
    timeoutMs,
    intervalMs: 200,
    what: `${stream}'s playlist to end`,
  });
}

async function publish(stream: string, options: { width?: number; height?: number } = {}) {
  // Connecting is bounded generously: five publishers and their ladders share two cores.
  const publisher = await whipPublish({ endpoint: endpoint(), token: keyOf(stream), width: 320, height: 180, fps: 15, connectTimeoutMs: 20_000, ...options });
  publishers.push(publisher);
  return publisher;
}

function errorOf(body: string): { code: string; message: string } {
  return (JSON.parse(body) as { error: { code: string; message: string } }).error;
}

describe("WHIP ingest at the edge", () => {
  it("refuses bad requests with the documented status and leaves nothing behind", async () => {
    const withoutVideo = sdpTransform.parse(CHROMIUM_OFFER);
    withoutVideo.media = withoutVideo.media.filter((m) => m.type === "audio");
    const cases: { what: string; url: string; body: string; token?: string; contentType?: string; status: number; code: string }[] = [
      { what: "no key", url: endpoint(), body: CHROMIUM_OFFER, status: 401, code: "unauthorized" },
      { what: "unknown key", url: endpoint(), body: CHROMIUM_OFFER, token: "not-a-stream-key", status: 401, code: "unauthorized" },
      { what: "another stream's key", url: endpoint("multi1"), body: CHROMIUM_OFFER, token: keyOf("multi2"), status: 403, code: "forbidden" },
      { what: "malformed SDP", url: endpoint(), body: "v=0\r\nthis is not sdp\r\n", token: keyOf("interop"), status: 400, code: "malformed_sdp" },
      { what: "a video-less offer", url: endpoint(), body: sdpTransform.write(withoutVideo), token: keyOf("interop"), status: 422, code: "no_video" },
      { what: "an oversized body", url: endpoint(), body: CHROMIUM_OFFER.repeat(20), token: keyOf("interop"), status: 413, code: "too_large" },
      { what: "JSON instead of SDP", url: endpoint(), body: "{}", token: keyOf("interop"), contentType: "application/json", status: 415, code: "unsupported_media_type" },
    ];
    for (const c of cases) {
      const response = await postOffer(c.url, c.body, { token: c.token, contentType: c.contentType });
      expect({ what: c.what, status: response.status, code: errorOf(response.body).code }).toEqual({ what: c.what, status: c.status, code: c.code });
      expect(errorOf(response.body).message.length).toBeGreaterThan(5);
      if (c.status === 401) expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    const unknown = await fetch(`${endpoint("interop")}/sessions/00000000-0000-0000-0000-000000000000`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${keyOf("interop")}` },
    });
    expect(unknown.status).toBe(404);
    expect(await holdings()).toEqual(NOTHING);
  });

  it("answers a CORS preflight so browser pages on other origins can publish", async () => {
    const response = await fetch(endpoint(), {
      method: "OPTIONS",
      headers: { Origin: "https://studio.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
  });

  it("takes a publish from an independent WebRTC stack (werift) through to LL-HLS, and ends it on DELETE", async () => {
    const publisher = await publish("interop", { width: 426, height: 240 });
    expect(publisher.status).toBe(201);
    expect(publisher.location).toMatch(/\/whip\/interop\/sessions\/[0-9a-f-]{36}$/);
    expect(publisher.etag).toBeTruthy();
    await publisher.connected();
    const playlist = await playing("interop");
    // The origin's ladder came out of the browser's picture: 240p and 160p.
    const master = await (await fetch(`${cluster.base}/live/interop/index.m3u8`)).text();
    expect(master).toContain("RESOLUTION=426x240");
    const init = Buffer.from(await (await fetch(`${cluster.base}/live/interop/160p/${playlist.segments[0]!.map!}`)).arrayBuffer());
    const segment = Buffer.from(await (await fetch(`${cluster.base}/live/interop/160p/${playlist.segments[0]!.uri}`)).arrayBuffer());
    const probe = await probeMedia(Buffer.concat([init, segment]));
    expect(probe).toMatchObject({ codec: "h264", height: 160 });
    expect(probe.frames).toBeGreaterThan(5);
    const streams = (await (await fetch(`${cluster.base}/api/streams`)).json()) as { streams: { name: string; publishedHere: boolean }[] };
    expect(streams.streams.find((s) => s.name === "interop")?.publishedHere).toBe(true);

    await publisher.stop();
    expect(publisher.deleteStatus).toBe(200);
    await ended("interop", 5_000);
    await waitFor(async () => JSON.stringify(await holdings()) === JSON.stringify(NOTHING), { timeoutMs: 5_000, intervalMs: 100, what: "the session's resources to be released" });
  });

  it("ends the stream when the publisher goes silent without a word", async () => {
    const publisher = await publish("silent");
    await publisher.connected();
    await playing("silent", 1);
    publisher.stopMedia();
    await ended("silent", 12_000);
    await waitFor(async () => (await holdings()).sessions === 0, { timeoutMs: 5_000, intervalMs: 100, what: "the silent session to end" });
  });

  it("answers trickle ICE with 204, an ICE restart with new credentials, and a stale ETag with 412", async () => {
    const publisher = await publish("restart");
    await publisher.connected();
    await playing("restart", 1);
    const patch = (body: string, ifMatch: string) =>
      fetch(publisher.location, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${keyOf("restart")}`, "Content-Type": "application/trickle-ice-sdpfrag", "If-Match": ifMatch },
        body,
      });
    const trickle = await patch("a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n", publisher.etag!);
    expect(trickle.status).toBe(204);
    expect((await patch("a=ice-ufrag:abcd\r\n", '"stale"')).status).toBe(412);
    const restart = await patch("a=ice-ufrag:wxyz\r\na=ice-pwd:zyxwvutsrqponmlkjihgfe\r\n", "*");
    expect(restart.status).toBe(200);
    const fragment = await restart.text();
    expect(fragment).toMatch(/a=ice-ufrag:\S+/);
    expect(fragment).not.toContain(sdpTransform.parse(publisher.answer).media[0]!.iceUfrag!);
    expect(restart.headers.get("ETag")).not.toBe(publisher.etag);
    await publisher.stop();
    await ended("restart");
  });

  it("runs five concurrent WHIP publishers as five independent live streams", async () => {
    const names = ["multi1", "multi2", "multi3", "multi4", "multi5"];
    const five = await Promise.all(names.map((name) => publish(name)));
    await Promise.all(five.map((p) => p.connected()));
    await Promise.all(names.map((name) => playing(name)));
    expect(await holdings()).toEqual({ sessions: 5, routers: 5, transports: 5 * 3, ffmpeg: 5, liveAtOrigin: 5 });
    // A sixth publisher on the full edge (MAX_WHIP_SESSIONS=5) is told to come back later.
    const sixth = await postOffer(endpoint(), CHROMIUM_OFFER, { token: keyOf("interop") });
    expect({ status: sixth.status, code: errorOf(sixth.body).code }).toEqual({ status: 503, code: "too_many_sessions" });
    expect((await holdings()).routers).toBe(5);
    // Ending one leaves the other four live.
    await five[0]!.stop();
    await ended("multi1");
    const before = await Promise.all(names.slice(1).map((n) => playing(n)));
    const after = await Promise.all(names.slice(1).map((n, i) => playing(n, before[i]!.segments.length + 1)));
    for (const [i, p] of after.entries()) expect(p.mediaSequence + p.segments.length).toBeGreaterThan(before[i]!.mediaSequence + before[i]!.segments.length);
    await Promise.all(five.slice(1).map((p) => p.stop()));
    await Promise.all(names.slice(1).map((n) => ended(n)));
    await waitFor(async () => JSON.stringify(await holdings()) === JSON.stringify(NOTHING), { timeoutMs: 8_000, intervalMs: 100, what: "all sessions to be released" });
  });
});
