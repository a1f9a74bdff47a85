/**
 * The bytes a live stream serves: init segments and parts per rendition, for the segments
 * in the playlist window. The packager reports which segments leave the window; their
 * bytes go with them, so memory is bounded by window x bit rate.
 */
export class PartStore {
  /** rendition -> first msn of a run -> that run's init segment (`init-{msn}.mp4`). */
  private readonly inits = new Map<number, Map<number, Buffer>>();
  /** `${rendition}/${msn}` -> parts in order. */
  private readonly segments = new Map<string, { parts: Buffer[]; closed: boolean; whole?: Buffer }>();
  private bytes = 0;

  putInit(rendition: number, uri: string, bytes: Buffer): void {
    const run = initRun(uri);
    if (run === undefined) throw new Error(`unexpected init name ${uri}`);
    let runs = this.inits.get(rendition);
    if (!runs) this.inits.set(rendition, (runs = new Map<number, Buffer>()));
    runs.set(run, bytes);
  }

  init(rendition: number, uri: string): Buffer | undefined {
    const run = initRun(uri);
    return run === undefined ? undefined : this.inits.get(rendition)?.get(run);
  }

  putPart(rendition: number, msn: number, part: number, bytes: Buffer, closesSegment: boolean): void {
    const key = `${rendition}/${msn}`;
    let segment = this.segments.get(key);
    if (!segment) this.segments.set(key, (segment = { parts: [], closed: false }));
    if (segment.parts.length !== part) throw new Error(`part ${msn}.${part} out of order (have ${segment.parts.length})`);
    segment.parts.push(bytes);
    segment.closed = closesSegment;
    this.bytes += bytes.length;
  }

  /** Marks every stored segment of a run complete (the run ended). */
  closeAll(): void {
    for (const segment of this.segments.values()) segment.closed = true;
  }

  part(rendition: number, msn: number, part: number): Buffer | undefined {
    return this.segments.get(`${rendition}/${msn}`)?.parts[part];
  }

  isClosed(rendition: number, msn: number): boolean {
    return this.segments.get(`${rendition}/${msn}`)?.closed ?? false;
  }

  /** A whole segment: its parts concatenated, once it is complete. */
  segment(rendition: number, msn: number): Buffer | undefined {
    const segment = this.segments.get(`${rendition}/${msn}`);
    if (!segment?.closed) return undefined;
    return (segment.whole ??= Buffer.concat(segment.parts));
  }

  /** Drops a segment that left the playlist, and any init no remaining segment uses. */
  evict(rendition: number, msn: number): void {
    const key = `${rendition}/${msn}`;
    const segment = this.segments.get(key);
    if (segment) {
      for (const part of segment.parts) this.bytes -= part.length;
      this.segments.delete(key);
    }
    const runs = this.inits.get(rendition);
    if (!runs) return;
    const starts = [...runs.keys()].sort((a, b) => a - b);
    starts.forEach((start, i) => {
      const next = starts[i + 1];
      if (next !== undefined && msn + 1 >= next) runs.delete(start);
    });
  }

  /** Bytes of parts held (whole-segment copies excluded). */
  get size(): number {
    return this.bytes;
  }
}

function initRun(uri: string): number | undefined {
  const match = /^init-(\d+)\.mp4$/.exec(uri);
  return match ? Number(match[1]) : undefined;
}
