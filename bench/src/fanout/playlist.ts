/**
 * The little of an LL-HLS media playlist a load-generating viewer reads: the parts listed
 * from a given one on, and the preload hint. Part names are `{msn}.{part}.m4s` (the
 * origin's and the edge's naming); a viewer needs nothing else, so nothing else is parsed.
 */

/** A part by its media sequence number and index within the segment. */
export interface PartRef {
  msn: number;
  part: number;
}

export function partName(p: PartRef): string {
  return `${p.msn}.${p.part}.m4s`;
}

export function partKey(rendition: string, p: PartRef): string {
  return `${rendition}/${p.msn}.${p.part}`;
}

const PART_URI = /^(\d+)\.(\d+)\.m4s$/;

export function parsePartName(uri: string): PartRef | undefined {
  const m = PART_URI.exec(uri);
  return m ? { msn: Number(m[1]), part: Number(m[2]) } : undefined;
}

/** The `EXT-X-PRELOAD-HINT:TYPE=PART` part: the next one the server will list. */
export function preloadHint(text: string): PartRef | undefined {
  const at = text.lastIndexOf("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"");
  if (at < 0) return undefined;
  const start = at + '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="'.length;
  return parsePartName(text.slice(start, text.indexOf('"', start)));
}

const PART_TAG = '#EXT-X-PART:';

/**
 * The parts listed from `from` on (inclusive), in playlist order; empty when `from` is not
 * listed. With no `from`, every listed part.
 */
export function partsFrom(text: string, from?: PartRef): PartRef[] {
  let at = 0;
  if (from) {
    // The part's own EXT-X-PART line (the same URI may also be in the preload hint).
    const needle = `URI="${partName(from)}"`;
    for (let i = text.lastIndexOf(needle); ; i = i > 0 ? text.lastIndexOf(needle, i - 1) : -1) {
      if (i < 0) return [];
      const lineStart = text.lastIndexOf("\n", i) + 1;
      if (text.startsWith(PART_TAG, lineStart)) {
        at = lineStart;
        break;
      }
    }
  }
  const parts: PartRef[] = [];
  for (let i = text.indexOf(PART_TAG, at); i >= 0; i = text.indexOf(PART_TAG, i + PART_TAG.length)) {
    const end = text.indexOf("\n", i);
    const line = text.slice(i, end < 0 ? undefined : end);
    const u = line.indexOf('URI="');
    if (u < 0) continue;
    const ref = parsePartName(line.slice(u + 5, line.indexOf('"', u + 5)));
    if (ref) parts.push(ref);
  }
  return parts;
}

/** `#EXT-X-PART-INF:PART-TARGET=` in ms, or undefined. */
export function partTargetMs(text: string): number | undefined {
  const m = /#EXT-X-PART-INF:PART-TARGET=([\d.]+)/.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/** The part after `p` as a client predicts it with no playlist: the next index, or the next segment's first. */
export function nextPart(p: PartRef, partsPerSegment: number): PartRef {
  return p.part + 1 < partsPerSegment ? { msn: p.msn, part: p.part + 1 } : { msn: p.msn + 1, part: 0 };
}

export function comparePart(a: PartRef, b: PartRef): number {
  return a.msn - b.msn || a.part - b.part;
}
