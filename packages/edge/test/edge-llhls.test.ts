import { connect } from "@nats-io/transport-node";
import { partManifest, subjects, waitFor } from "@tributary/common";
import { checkContinuity, checkSnapshot, lastPart, parseMediaPlaylist, startPublisher, stopProcess } from "@tributary/testing";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type ClusterFixture } from "./cluster-fixture.js";

const KEY = "edge-test-key-1";
let cluster: ClusterFixture;
let publisher: ChildProcess;
let media: string;

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.text();
}

beforeAll(async () => {
  cluster = await startCluster({ STREAM_KEYS: `${KEY}=edgy`, CONTRIBUTION_PORTS: "17300-17309" });
  publisher = startPublisher(cluster.srtUrl(KEY), { width: 854, height: 480 });
  media = `${cluster.base}/live/edgy/480p/index.m3u8`;
  await waitFor(
    async () => {
      const r = await fetch(media);
      return r.status === 200 && (await r.text()).includes("#EXTINF");
    },
    { timeoutMs: 30_000, intervalMs: 250, what: "the edge to serve the stream" },
  );
});

afterAll(async () => {
  if (publisher) await stopProcess(publisher);
  await cluster?.close();
});

describe("edge LL-HLS cache fed by JetStream", () => {
  it("serves playlists that keep the LL-HLS rules across blocking reloads", async () => {
    const multivariant = await text(`${cluster.base}/live/edgy/index.m3u8`);
    expect(multivariant.match(/#EXT-X-STREAM-INF/g)?.length).toBe(2);
    let previous = parseMediaPlaylist(await text(media));
    expect(checkSnapshot(previous)).toEqual([]);
    for (let i = 0; i < 20; i++) {
      const [msn, part] = previous.preloadHint!.split(".").map(Number) as [number, number];
      const current = parseMediaPlaylist(await text(`${media}?_HLS_msn=${msn}&_HLS_part=${part}`));
      expect(checkSnapshot(current)).toEqual([]);
      expect(checkContinuity(previous, current)).toEqual([]);
      const newest = lastPart(current)!;
      expect(newest.msn * 1000 + newest.part).toBeGreaterThanOrEqual(msn * 1000 + part);
      previous = current;
    }
  });

  it("releases a blocking reload within 50 ms of the part's manifest", async () => {
    const nc = await connect({ servers: cluster.nats.url });
    const arrivals = new Map<string, number>();
    const sub = nc.subscribe(subjects.part("edgy", "480p"), {
      callback: (_err, m) => {
        const manifest = partManifest.parse(m.json());
        arrivals.set(`${manifest.msn}.${manifest.part}`, Date.now());
      },
    });
    try {
      const delays: number[] = [];
      let hint = parseMediaPlaylist(await text(media)).preloadHint!;
      while (delays.length < 15) {
        const [msn, part] = hint.split(".").map(Number) as [number, number];
        const pl = parseMediaPlaylist(await text(`${media}?_HLS_msn=${msn}&_HLS_part=${part}`));
        const answered = Date.now();
        const arrived = arrivals.get(`${msn}.${part}`);
        // The first reload may find its part already listed; count those that were held.
        if (arrived !== undefined && answered >= arrived) delays.push(answered - arrived);
        hint = pl.preloadHint!;
      }
      delays.sort((a, b) => a - b);
      expect(delays.at(-1)).toBeLessThanOrEqual(50);
    } finally {
      sub.unsubscribe();
      await nc.close();
    }
  });

  it("fetches each part from the origin once for 200 concurrent viewers, within its cache bound", async () => {
    const originFetches = new Map<string, number>();
    const realFetch = globalThis.fetch;
    const origin = cluster.origin.publicUrl;
    globalThis.fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (url.startsWith(origin) && url.endsWith(".m4s")) originFetches.set(url, (originFetches.get(url) ?? 0) + 1);
      return realFetch(input, init);
    };
    try {
      const start = parseMediaPlaylist(await text(media)).preloadHint!;
      let served = 0;
      const viewer = async () => {
        let hint = start;
        for (let i = 0; i < 10; i++) {
          const [msn, part] = hint.split(".").map(Number) as [number, number];
          const pl = parseMediaPlaylist(await text(`${media}?_HLS_msn=${msn}&_HLS_part=${part}`));
          const bytes = await realFetch(`${cluster.base}/live/edgy/480p/${hint}`);
          expect(bytes.status).toBe(200);
          await bytes.arrayBuffer();
          served += 1;
          expect(cluster.edge.cache.size).toBeLessThanOrEqual(cluster.edge.cache.maxSize);
          hint = pl.preloadHint!;
        }
      };
      await Promise.all(Array.from({ length: 200 }, viewer));
      expect(served).toBe(2000);
      const parts480 = [...originFetches.entries()].filter(([url]) => url.includes("/480p/") && /\d+\.\d+\.m4s$/.test(url));
      expect(parts480.length).toBeGreaterThanOrEqual(10);
      for (const [url, count] of parts480) expect(count, url).toBe(1);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
