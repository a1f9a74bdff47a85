/**
 * The baseline's sidecar: follows live media playlists on a server with blocking reloads (the
 * origin) and copies them into a directory as static files, each part before the playlist
 * that lists it (written to a temporary name, then renamed), so a static server in front of
 * the directory never lists a part it cannot serve. The playlist copied is the delta update
 * (`_HLS_skip=YES`), the same bytes the LL-HLS viewers get from the edge.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "undici";
import { partName, partsFrom, preloadHint, type PartRef } from "./playlist.js";

export class PlaylistMirror {
  private running = true;
  private readonly clients: Client[] = [];
  private readonly loops: Promise<void>[] = [];
  /** Parts written (all renditions). */
  parts = 0;
  errors = 0;

  /**
   * `playlists`: media playlist URLs on the source; each is mirrored to `root` + its URL path
   * (so `/live/s/360p/index.m3u8` is served at the same path).
   */
  constructor(
    private readonly playlists: string[],
    private readonly root: string,
  ) {}

  start(): void {
    for (const url of this.playlists) this.loops.push(this.follow(new URL(url)));
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients.map((c) => c.destroy()));
    await Promise.all(this.loops);
  }

  /** Resolves once every playlist has been written at least once. */
  async ready(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.written.size < this.playlists.length) {
      if (Date.now() > deadline) throw new Error("the mirror wrote no playlist in time");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private readonly written = new Set<string>();

  private async follow(url: URL): Promise<void> {
    const client = new Client(url.origin, { keepAliveTimeout: 60_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
    this.clients.push(client);
    const path = url.pathname;
    const dirPath = path.slice(0, path.lastIndexOf("/") + 1);
    const dir = join(this.root, dirPath);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const get = async (p: string): Promise<Buffer> => {
      const { statusCode, body } = await client.request({ path: p, method: "GET" });
      const bytes = Buffer.from(await body.arrayBuffer());
      if (statusCode !== 200) throw new Error(`HTTP ${statusCode} for ${p}`);
      return bytes;
    };
    const put = async (name: string, bytes: Buffer | string) => {
      const temp = join(dir, `.${name}.tmp`);
      await writeFile(temp, bytes, { mode: 0o644 });
      await rename(temp, join(dir, name));
    };
    const maps = new Set<string>();
    const copied = new Set<string>();
    while (this.running) {
      try {
        let text = (await get(`${path}?_HLS_skip=YES`)).toString();
        let next: PartRef | undefined;
        for (;;) {
          for (const m of text.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)) {
            if (maps.has(m[1]!)) continue;
            await put(m[1]!, await get(dirPath + m[1]!));
            maps.add(m[1]!);
          }
          // Every part listed and not yet copied (the first time, all of them).
          for (const p of partsFrom(text, next)) {
            const name = partName(p);
            if (copied.has(name)) continue;
            await put(name, await get(dirPath + name));
            copied.add(name);
            this.parts += 1;
          }
          await put("index.m3u8", text);
          this.written.add(path);
          next = preloadHint(text);
          if (!next || !this.running) break;
          text = (await get(`${path}?_HLS_msn=${next.msn}&_HLS_part=${next.part}&_HLS_skip=YES`)).toString();
        }
        if (this.running) await new Promise((resolve) => setTimeout(resolve, 200));
      } catch {
        if (!this.running) return;
        this.errors += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
