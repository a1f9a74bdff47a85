/**
 * The benchmark's own LL-HLS client: it asks the edge for each next part of one rendition
 * with a blocking playlist reload (`_HLS_msn`/`_HLS_part` from the preload hint) and notes
 * when each reload came back. The edge holds the request until the part is listed, so this
 * is when any player's held reload is released; nothing else (no media) is fetched.
 */

export interface PartRef {
  msn: number;
  part: number;
}

const HINT = '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="';

/** The part named by the playlist's `EXT-X-PRELOAD-HINT` (`{msn}.{part}.m4s`). */
export function preloadHintPart(playlist: string): PartRef | undefined {
  const at = playlist.lastIndexOf(HINT);
  if (at < 0) return undefined;
  const start = at + HINT.length;
  const match = /^(\d+)\.(\d+)\.m4s$/.exec(playlist.slice(start, playlist.indexOf('"', start)));
  return match ? { msn: Number(match[1]), part: Number(match[2]) } : undefined;
}

/** Whether the playlist lists part `ref` (an `EXT-X-PART` with its URI; the preload hint does not count). */
export function listsPart(playlist: string, ref: PartRef): boolean {
  const uri = `URI="${ref.msn}.${ref.part}.m4s"`;
  for (let at = playlist.indexOf(uri); at >= 0; at = playlist.indexOf(uri, at + 1)) {
    const lineStart = playlist.lastIndexOf("\n", at) + 1;
    if (playlist.startsWith("#EXT-X-PART:", lineStart)) return true;
  }
  return false;
}

export class BlockingReloads {
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** Reloads that came back with the part asked for. */
  released = 0;
  failures = 0;

  constructor(
    /** The media playlist URL, e.g. `http://127.0.0.1:8080/live/clock/360p/index.m3u8`. */
    private readonly url: string,
    private readonly onReleased: (ref: PartRef, at: number) => void,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let next: PartRef | undefined;
    while (!this.stopped) {
      const url = next ? `${this.url}?_HLS_msn=${next.msn}&_HLS_part=${next.part}` : this.url;
      try {
        const response = await fetch(url, { signal: this.abort.signal });
        const text = await response.text();
        const at = Date.now();
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        if (next && listsPart(text, next)) {
          this.released += 1;
          this.onReleased(next, at);
        }
        next = preloadHintPart(text);
      } catch {
        if (this.stopped) return;
        this.failures += 1;
        next = undefined;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
