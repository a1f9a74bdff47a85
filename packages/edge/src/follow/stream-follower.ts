import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from "@nats-io/jetstream";
import {
  MEDIA_STREAM,
  partManifest,
  subjects,
  Waiters,
  type DeliveryRendition,
  type DeliveryStream,
  type Logger,
  type PartManifest,
  type PartPosition,
} from "@tributary/common";
import { RelayedPlaylist } from "@tributary/packager";
import type { PartCache } from "../cache/part-cache.js";

export interface FollowerOptions {
  name: string;
  js: JetStreamClient;
  cache: PartCache;
  /** History to start from, so a new viewer gets a playlist of a few segments at once. */
  backfillMs: number;
  windowSegments: number;
  log: Logger;
  /** A part was listed: `arrivedAt` is when its manifest reached this edge. */
  onListed?: (manifest: PartManifest, arrivedAt: number) => void;
}

/** A part whose manifest arrived and whose bytes are being fetched; listed in order. */
interface Pending {
  manifest: PartManifest;
  arrivedAt: number;
  state: "fetching" | "fetched" | "failed";
}

interface Followed {
  playlist: RelayedPlaylist;
  /**
   * The playlist's newest part, kept here as parts are listed: every request and release
   * check asks for it, and a native call each time was 6% of an edge's CPU at 1,000 viewers.
   */
  last: PartPosition | null;
  queue: Pending[];
  /**
   * Rendered bytes by `skip`, valid while `version` matches the stream's: a listing releases
   * thousands of blocking reloads, all answered with the same Buffer.
   */
  rendered: Map<boolean, { version: number; body: Buffer | null }>;
  /** LL-HLS delivery's view of it. */
  delivery: DeliveryRendition;
}

/** How long a fetched multivariant playlist is reused (its bandwidths are measured live). */
const MULTIVARIANT_TTL_MS = 5_000;

/**
 * One stream as this edge follows it: a JetStream consumer of the stream's part manifests
 * rebuilds each rendition's playlist. A part is listed only once its bytes are in the part
 * cache, so the edge never advertises what it cannot serve at once; listing it releases
 * the held requests waiting for it.
 */
export class StreamFollower implements DeliveryStream {
  readonly waiters = new Waiters();
  ended = false;
  lastUsed = Date.now();
  private readonly followed = new Map<string, Followed>();
  private version = 0;
  private messages: ConsumerMessages | undefined;
  private origin: string | undefined;
  private multivariantCache: { text: string; at: number; renditions: string[] } | undefined;
  private multivariantFetch: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly o: FollowerOptions) {}

  get name(): string {
    return this.o.name;
  }

  /** Starts consuming manifests from `backfillMs` ago. */
  async start(): Promise<void> {
    const consumer = await this.o.js.consumers.get(MEDIA_STREAM, {
      filter_subjects: subjects.streamParts(this.o.name),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Date.now() - this.o.backfillMs).toISOString(),
    });
    this.messages = await consumer.consume();
    void this.consume(this.messages);
  }

  get ready(): boolean {
    const names = this.multivariantCache?.renditions;
    return !!names && names.every((n) => this.followed.get(n)?.last != null);
  }

  async multivariant(): Promise<string | undefined> {
    const cached = this.multivariantCache;
    if (!cached || Date.now() - cached.at > MULTIVARIANT_TTL_MS) await this.refreshMultivariant();
    return this.multivariantCache?.text;
  }

  rendition(name: string): DeliveryRendition | undefined {
    return this.followed.get(name)?.delivery;
  }

  /** The stream ended at the origin: playlists get EXT-X-ENDLIST, held requests return. */
  end(): void {
    if (this.ended) return;
    for (const r of this.followed.values()) {
      this.drain(r); // what is already fetched is still listed
      r.queue.length = 0;
      r.playlist.end();
    }
    this.ended = true;
    this.version += 1;
    this.waiters.check();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.messages?.close();
    this.waiters.cancelAll();
  }

  private async consume(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      const arrivedAt = Date.now();
      const parsed = partManifest.safeParse(m.json());
      if (!parsed.success || parsed.data.stream !== this.o.name) {
        this.o.log.warn({ subject: m.subject, issues: parsed.error?.issues.slice(0, 3) }, "ignoring a malformed part manifest");
        continue;
      }
      this.accept(parsed.data, arrivedAt);
    }
  }

  private accept(manifest: PartManifest, arrivedAt: number): void {
    if (this.ended) return;
    this.origin = manifest.origin;
    if (!this.multivariantCache) void this.refreshMultivariant();
    let r = this.followed.get(manifest.rendition);
    if (!r) {
      r = this.follow(manifest);
      this.followed.set(manifest.rendition, r);
    }
    const pending: Pending = { manifest, arrivedAt, state: "fetching" };
    r.queue.push(pending);
    const target = r;
    this.o.cache.get(manifest.origin + manifest.uri).then(
      () => {
        pending.state = "fetched";
        this.drain(target);
      },
      (error: unknown) => {
        pending.state = "failed";
        this.o.log.warn({ err: error, uri: manifest.uri }, "part fetch from origin failed");
        this.drain(target);
      },
    );
  }

  private follow(manifest: PartManifest): Followed {
    const name = manifest.rendition;
    const url = (file: string) => `${this.origin}/live/${this.o.name}/${name}/${file}`;
    const r: Followed = {
      playlist: this.newPlaylist(manifest),
      last: null,
      queue: [],
      rendered: new Map(),
      delivery: {
        // The origin names its one audio rendition "audio" (ladder rungs may not use it).
        kind: name === "audio" ? "audio" : "video",
        lastPart: () => r.last,
        segmentComplete: (msn) => r.playlist.segmentComplete(msn),
        playlist: (skip) => this.render(name, r, skip),
        init: (file) => this.cached(url(file)),
        part: (msn, part) => {
          const partUrl = url(`${msn}.${part}.m4s`);
          // A listed part is in the cache (unless evicted since): no promise on the hot path.
          return this.o.cache.peek(partUrl) ?? this.cached(partUrl);
        },
        segment: (msn) => this.cached(url(`${msn}.m4s`)),
      },
    };
    return r;
  }

  private newPlaylist(manifest: PartManifest): RelayedPlaylist {
    return new RelayedPlaylist({
      partTargetMs: manifest.partTargetMs,
      segmentTargetMs: manifest.segmentTargetMs,
      windowSegments: this.o.windowSegments,
    });
  }

  /** Lists fetched parts in manifest order; a lost part restarts the rendition's playlist. */
  private drain(r: Followed): void {
    if (this.ended) return; // fetches finishing after the end list nothing
    let changed = false;
    while (r.queue[0] && r.queue[0].state !== "fetching") {
      changed = true; // listed, or the playlist restarted
      const { manifest, arrivedAt, state } = r.queue.shift()!;
      if (state === "failed") {
        r.playlist = this.newPlaylist(manifest);
        continue;
      }
      if (this.list(r, manifest)) this.o.onListed?.(manifest, arrivedAt);
    }
    if (changed) {
      r.last = r.playlist.lastPart();
      this.version += 1;
      this.waiters.check();
    }
  }

  /** Adds one part to a rendition's playlist; true when it was listed. */
  private list(r: Followed, manifest: PartManifest): boolean {
    const part = {
      msn: manifest.msn,
      part: manifest.part,
      duration: manifest.duration,
      independent: manifest.independent,
      mapUri: manifest.mapUri.slice(manifest.mapUri.lastIndexOf("/") + 1),
      programDateTimeMs: Date.parse(manifest.programDateTime),
      discontinuity: manifest.discontinuity,
      segmentDuration: manifest.segmentDuration,
    };
    try {
      return r.playlist.addPart(part) === "listed";
    } catch (error) {
      // Parts were lost in between: start over at the next segment rather than list a hole.
      this.o.log.warn({ err: error, rendition: manifest.rendition }, "part manifests out of order; resynchronising");
      r.playlist = this.newPlaylist(manifest);
      return r.playlist.addPart(part) === "listed";
    }
  }

  private render(name: string, r: Followed, skip: boolean): Buffer | null {
    const cached = r.rendered.get(skip);
    if (cached?.version === this.version) return cached.body;
    const reports = [...this.followed.entries()]
      .filter(([other]) => other !== name)
      .flatMap(([other, { last }]) => (last ? [{ uri: `../${other}/index.m3u8`, lastMsn: last.msn, lastPart: last.part }] : []));
    const text = r.playlist.render(skip, reports);
    const body = text === null ? null : Buffer.from(text);
    r.rendered.set(skip, { version: this.version, body });
    return body;
  }

  private cached(url: string): Promise<Buffer | undefined> {
    return this.o.cache.get(url).catch(() => undefined);
  }

  private refreshMultivariant(): Promise<void> {
    if (!this.origin) return Promise.resolve();
    const url = `${this.origin}/live/${this.o.name}/index.m3u8`;
    this.multivariantFetch ??= (async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (response.status !== 200) return void (await response.body?.cancel());
        const text = await response.text();
        const renditions = [...text.matchAll(/^([a-z0-9_-]+)\/index\.m3u8$|URI="([a-z0-9_-]+)\/index\.m3u8"/gm)].map((m) => (m[1] ?? m[2])!);
        this.multivariantCache = { text, at: Date.now(), renditions };
        this.waiters.check();
      } catch (error) {
        this.o.log.warn({ err: error, url }, "multivariant playlist fetch from origin failed");
      } finally {
        this.multivariantFetch = undefined;
      }
    })();
    return this.multivariantFetch;
  }
}
