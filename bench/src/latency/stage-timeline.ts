import type { PartManifest } from "@tributary/common";
import type { Edge } from "@tributary/edge";
import type { Origin } from "@tributary/origin";
import type { ClockSource } from "./clock-source.js";
import { Fmp4Fragments, readChunk } from "./fmp4.js";
import { FrameDecoder } from "./frame-decoder.js";
import { TsVideoFrames } from "./mpegts.js";

/** A part by rendition, media sequence number and index, as `360p/123.4`. */
export function partKey(rendition: string, msn: number, part: number): string {
  return `${rendition}/${msn}.${part}`;
}

/** A clock-coded source: each frame's capture time (wall-clock ms), by frame index. */
export interface CapturedFrames {
  readonly captures: readonly number[];
  /** The frame index whose capture time is `ms`, if this source drew it. */
  frameAt(ms: number): number | undefined;
}

/** When one part passed each stage after the packager (wall-clock ms). */
export interface PartTimes {
  key: string;
  closedAt: number;
  /** The part's manifest reached the edge. */
  arrivedAt?: number;
  /** The edge listed it (its bytes fetched from the origin), releasing held blocking reloads. */
  listedAt?: number;
  /** A blocking reload for it, held at the edge, came back to the benchmark's own LL-HLS client. */
  releasedAt?: number;
}

/** Every stamp one source frame collected on its way (wall-clock ms); absent where not seen. */
export interface FrameTimes {
  /** Index of the frame at the source. */
  frame: number;
  captured: number;
  /** Its MPEG-TS PES left the publisher's encoder (an encoder this process runs: SRT). */
  encoded?: number;
  /** Its PES reached the origin's transcoder input (after SRT to the edge, the relay and the receive/remux; SRT only). */
  originIn?: number;
  /** Its fMP4 fragment of the watched rendition left the transcoder. */
  transcoded?: number;
  /** The part that carries it. */
  part?: string;
}

/**
 * Collects the per-stage timestamps of one stream from a cluster running in this process:
 * the source's own encoder output (FFmpeg tee, when the benchmark runs the encoder), the
 * origin's `input`/`output`/`part` events, the edge's `partListed` event and the benchmark's
 * LL-HLS client. Frames are identified end to end by their clock code: the watched
 * rendition's transcoder output is decoded (FFmpeg) so every output fragment is tied to the
 * capture time it shows, and MPEG-TS frames by PTS, which the edge relay and the origin's
 * receive/remux (`-copyts`) keep. A browser's frames get PTS from RTP timestamps at the edge,
 * which nothing here can tie to capture times: for them the timeline starts at the
 * transcoder's output.
 */
export class StageTimeline {
  /** Encoder output and origin input: PES arrival by PTS (90 kHz). */
  private readonly encodedByPts = new Map<number, number>();
  private readonly originInByPts = new Map<number, number>();
  private firstPts: number | undefined;
  private lastEncodedPts: number | undefined;
  private lastOriginInPts: number | undefined;
  /** Transcoder output fragments of the watched rendition, in order. */
  private readonly fragments: { decodeTime: number; at: number }[] = [];
  private readonly decoder = new FrameDecoder("mp4");
  /** The publisher's encoder, when this process runs it (SRT): see {@link attach}. */
  private encoder: ClockSource | undefined;
  private readonly parts = new Map<string, PartTimes & { decodeTime: number; samples: number }>();
  private attached: (() => void)[] = [];
  private poll: NodeJS.Timeout | undefined;
  /** Contribution bytes and transcoder output the origin reported (a check that its hooks fire). */
  counts = { input: 0, output: 0, parts: 0, listed: 0 };

  constructor(
    private readonly source: CapturedFrames,
    private readonly stream: string,
    /** The watched rendition: its name, and its index among the transcoder's outputs. */
    private readonly rendition: { name: string; index: number },
  ) {}

  /**
   * Starts listening; the origin's stream is picked up as soon as it exists. With the
   * publisher's `encoder` (its MPEG-TS tee), frames are also stamped as they leave it and as
   * they enter the transcoder.
   */
  attach(origin: Origin, edge: Edge, encoder?: ClockSource): void {
    this.encoder = encoder;
    if (encoder) {
      const encoded = new TsVideoFrames((f) => {
        this.firstPts ??= f.pts;
        this.lastEncodedPts = f.pts;
        if (!this.encodedByPts.has(f.pts)) this.encodedByPts.set(f.pts, f.at);
      });
      const onTs = (chunk: Buffer, at: number) => encoded.push(chunk, at);
      encoder.on("ts", onTs);
      this.attached.push(() => encoder.off("ts", onTs));
    }

    const onListed = (manifest: PartManifest, arrivedAt: number, listedAt: number) => {
      if (manifest.stream !== this.stream || manifest.rendition !== this.rendition.name) return;
      this.counts.listed += 1;
      const part = this.parts.get(partKey(manifest.rendition, manifest.msn, manifest.part));
      if (part) Object.assign(part, { arrivedAt, listedAt, closedAt: manifest.closedAt });
    };
    edge.on("partListed", onListed);
    this.attached.push(() => edge.off("partListed", onListed));

    const find = () => {
      const live = origin.registry.get(this.stream);
      if (!live) return;
      clearInterval(this.poll);
      const input = encoder
        ? new TsVideoFrames((f) => {
            if (!this.originInByPts.has(f.pts)) this.originInByPts.set(f.pts, f.at);
            this.lastOriginInPts = f.pts;
          })
        : undefined;
      const output = new Fmp4Fragments((f) => this.fragments.push({ decodeTime: f.decodeTime, at: f.at }));
      const onInput = (chunk: Buffer, at: number) => {
        this.counts.input += 1;
        input?.push(chunk, at);
      };
      const onOutput = (index: number, chunk: Buffer, at: number) => {
        if (index !== this.rendition.index) return;
        this.counts.output += 1;
        output.push(chunk, at);
        this.decoder.write(chunk);
      };
      const onPart = (rendition: { name: string }, part: { msn: number; part: number; bytes: Buffer }) => {
        if (rendition.name !== this.rendition.name) return;
        const chunk = readChunk(part.bytes);
        if (!chunk) return;
        this.counts.parts += 1;
        const key = partKey(rendition.name, part.msn, part.part);
        // The origin stamps the manifest's `closedAt` in this same turn; the edge's copy replaces it.
        this.parts.set(key, { key, closedAt: Date.now(), decodeTime: chunk.decodeTime, samples: chunk.samples });
      };
      live.on("input", onInput);
      live.on("output", onOutput);
      live.on("part", onPart);
      this.attached.push(() => {
        live.off("input", onInput);
        live.off("output", onOutput);
        live.off("part", onPart);
      });
    };
    this.poll = setInterval(find, 5);
    find();
  }

  /**
   * How far the origin's input trails the publisher's encoder right now (ms of media): large
   * while the start-up backlog (SRT handshakes, listener start, probing) drains.
   */
  get backlogMs(): number | undefined {
    if (this.lastEncodedPts === undefined || this.lastOriginInPts === undefined) return undefined;
    return (this.lastEncodedPts - this.lastOriginInPts) / 90;
  }

  /**
   * How far the transcoder's output of the watched rendition trails capture right now (ms,
   * including decoding it here): large while a start-up backlog drains.
   */
  get outputLagMs(): number | undefined {
    const last = this.decoder.frames.at(-1);
    return last === undefined || last.value === null ? undefined : last.at - last.value;
  }

  /** A blocking reload for a part of the watched rendition came back at `at`. */
  released(msn: number, part: number, at: number): void {
    const p = this.parts.get(partKey(this.rendition.name, msn, part));
    if (p && p.releasedAt === undefined) p.releasedAt = at;
  }

  /** Stops listening and lets the decoder finish. */
  async detach(): Promise<void> {
    clearInterval(this.poll);
    for (const off of this.attached) off();
    this.attached = [];
    await Promise.race([this.decoder.end(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await this.decoder.close();
  }

  /** The decoder's last complaints, for notes when it read nothing. */
  get decoderErrors(): string {
    return this.decoder.stderr;
  }

  /**
   * Joins everything into one record per source frame, and one per part. `pts0` is the
   * encoder's first PTS (with an encoder): frame n has PTS `pts0 + n * 90000 / frameRate`.
   */
  frames(): { frames: FrameTimes[]; parts: PartTimes[]; partOf: Map<number, string>; unreadOutput: number } {
    const frames: FrameTimes[] = this.source.captures.map((captured, frame) => ({ frame, captured }));
    const pts0 = this.firstPts;
    if (this.encoder && pts0 !== undefined) {
      const ticks = 90_000 / this.encoder.options.frameRate;
      const put = (byPts: Map<number, number>, field: "encoded" | "originIn") => {
        for (const [pts, at] of byPts) {
          const n = Math.round((pts - pts0) / ticks);
          const f = frames[n];
          if (f && Math.abs(pts - pts0 - n * ticks) < ticks / 4 && f[field] === undefined) f[field] = at;
        }
      };
      put(this.encodedByPts, "encoded");
      put(this.originInByPts, "originIn");
    }
    // Output fragment k is decoded frame k: tie its decode time to the capture time it shows.
    const frameByDecodeTime = new Map<number, number>();
    let unreadOutput = 0;
    const decoded = this.decoder.frames;
    for (let k = 0; k < Math.min(decoded.length, this.fragments.length); k++) {
      const value = decoded[k]!.value;
      const n = value === null ? undefined : this.source.frameAt(value);
      if (n === undefined) {
        unreadOutput += 1;
        continue;
      }
      const fragment = this.fragments[k]!;
      frameByDecodeTime.set(fragment.decodeTime, n);
      const f = frames[n]!;
      f.transcoded ??= fragment.at;
    }
    const partOf = new Map<number, string>();
    const decodeTimes = this.fragments.map((f) => f.decodeTime);
    const position = new Map(decodeTimes.map((t, k) => [t, k]));
    for (const p of this.parts.values()) {
      const k0 = position.get(p.decodeTime);
      if (k0 === undefined) continue;
      for (let k = k0; k < k0 + p.samples && k < decodeTimes.length; k++) {
        const n = frameByDecodeTime.get(decodeTimes[k]!);
        if (n === undefined) continue;
        frames[n]!.part = p.key;
        partOf.set(n, p.key);
      }
    }
    const parts = [...this.parts.values()].map(({ key, closedAt, arrivedAt, listedAt, releasedAt }) => ({ key, closedAt, arrivedAt, listedAt, releasedAt }));
    return { frames, parts, partOf, unreadOutput };
  }
}
