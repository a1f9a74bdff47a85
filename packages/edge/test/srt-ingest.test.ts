import { spawn } from "node:child_process";
import { waitFor } from "@tributary/common";
import { parseMediaPlaylist, probeMedia, startPublisher, stopProcess } from "@tributary/testing";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type ClusterFixture } from "./cluster-fixture.js";

// Small pictures: three publishers and their ladders share two cores.
const ENV = {
  STREAM_KEYS: "key-for-alpha-1=alpha,key-for-bravo-2=bravo,key-for-relay-3=relayed",
  LADDER: "240p:240:300,160p:160:150",
  CONTRIBUTION_PORTS: "17400-17409",
  RECONNECT_WINDOW_MS: "2000",
};
let cluster: ClusterFixture;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startCluster(ENV);
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopProcess(c)));
  await cluster?.close();
});

/** Waits until a stream's 240p playlist at the edge lists complete segments. */
async function playing(stream: string) {
  const url = `${cluster.base}/live/${stream}/240p/index.m3u8`;
  const text = await waitFor(
    async () => {
      const r = await fetch(url);
      const body = await r.text();
      return r.status === 200 && body.includes("#EXTINF") ? body : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, what: `${stream} to play at the edge` },
  );
  return parseMediaPlaylist(text);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("SRT ingest at the edge", () => {
  it("rejects a wrong or missing stream key at the handshake, forwards nothing and logs why", async () => {
    for (const url of [cluster.srtUrl("not-a-valid-key"), `srt://127.0.0.1:${cluster.edge.srtPort}`]) {
      const publisher = startPublisher(url, { width: 426, height: 240 });
      children.push(publisher);
      expect(await exitOf(publisher)).not.toBe(0);
    }
    const rejections = cluster.edgeLogs.filter((l) => l.msg === "publisher rejected at the SRT handshake");
    expect(rejections.length).toBeGreaterThanOrEqual(2);
    for (const r of rejections) expect(String(r.reason)).toMatch(/key|streamid/i);
    expect(JSON.stringify(rejections)).not.toContain("not-a-valid-key");
    expect(cluster.origin.registry.list()).toEqual([]);
  });

  it("takes two publishers on one port as two independent live streams", async () => {
    const alphaPublisher = startPublisher(cluster.srtUrl("key-for-alpha-1"), { width: 426, height: 240 });
    children.push(alphaPublisher);
    children.push(startPublisher(cluster.srtUrl("key-for-bravo-2"), { width: 426, height: 240 }));
    const [alpha, bravo] = await Promise.all([playing("alpha"), playing("bravo")]);
    expect(alpha.segments.length).toBeGreaterThan(0);
    expect(bravo.segments.length).toBeGreaterThan(0);
    const names = cluster.origin.registry.list().map((s) => s.name).sort();
    expect(names).toEqual(["alpha", "bravo"]);
    const streams = (await (await fetch(`${cluster.base}/api/streams`)).json()) as { streams: { name: string; publishedHere: boolean }[] };
    expect(streams.streams.filter((s) => s.publishedHere).map((s) => s.name).sort()).toEqual(["alpha", "bravo"]);

    // One publisher stops: after the reconnect window its playlist ends at the edge too,
    // and the other stream plays on.
    await stopProcess(alphaPublisher);
    const url = `${cluster.base}/live/alpha/240p/index.m3u8`;
    await waitFor(async () => (await (await fetch(url)).text()).includes("#EXT-X-ENDLIST"), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: "alpha's playlist to end at the edge",
    });
    expect((await playing("bravo")).ended).toBe(false);
  });

  it("accepts srt-live-transmit (libsrt defaults, 1316-byte messages) as a publisher", async () => {
    const encoder = spawn(
      "ffmpeg",
      [
        ...["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi"],
        ...["-i", "testsrc2=size=426x240:rate=30[out0];sine=frequency=440:sample_rate=48000[out1]"],
        ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p"],
        ...["-c:a", "aac", "-f", "mpegts", "pipe:1"],
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const transmit = spawn("srt-live-transmit", ["file://con", cluster.srtUrl("key-for-relay-3")], { stdio: ["pipe", "ignore", "ignore"] });
    encoder.stdout.pipe(transmit.stdin);
    children.push(encoder, transmit);
    const pl = await playing("relayed");
    const segment = pl.segments.find((s) => s.uri !== undefined)!;
    const bytes = Buffer.concat(
      await Promise.all(
        [segment.map!, segment.uri!].map(async (f) => Buffer.from(await (await fetch(`${cluster.base}/live/relayed/240p/${f}`)).arrayBuffer())),
      ),
    );
    const decoded = await probeMedia(bytes);
    expect(decoded.codec).toBe("h264");
    expect(decoded.frames).toBeGreaterThan(0);
  });
});
