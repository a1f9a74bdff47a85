import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartCache } from "./part-cache.js";

let server: Server;
let base: string;
const requests = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.set(req.url!, (requests.get(req.url!) ?? 0) + 1);
    if (req.url === "/missing") return void res.writeHead(404).end();
    // Answer a little later so concurrent requests overlap.
    setTimeout(() => res.end(Buffer.alloc(100_000, req.url!.length)), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("part cache", () => {
  it("coalesces concurrent requests for one URL into one origin fetch", async () => {
    const cache = new PartCache(10 << 20);
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.get(`${base}/a.m4s`)));
    expect(requests.get("/a.m4s")).toBe(1);
    expect(cache.originFetches).toBe(1);
    expect(new Set(results).size).toBe(1);
    await cache.get(`${base}/a.m4s`);
    expect(requests.get("/a.m4s")).toBe(1);
  });

  it("never holds more bytes than its limit, evicting the least recently used", async () => {
    const cache = new PartCache(350_000);
    for (let i = 0; i < 10; i++) {
      await cache.get(`${base}/p${i}.m4s`);
      expect(cache.size).toBeLessThanOrEqual(350_000);
    }
    expect(cache.peek(`${base}/p9.m4s`)).toBeDefined();
    expect(cache.peek(`${base}/p0.m4s`)).toBeUndefined();
  });

  it("reports an origin error without caching it", async () => {
    const cache = new PartCache(1 << 20);
    await expect(cache.get(`${base}/missing`)).rejects.toThrow(/404/);
    await expect(cache.get(`${base}/missing`)).rejects.toThrow(/404/);
    expect(requests.get("/missing")).toBe(2);
  });
});
