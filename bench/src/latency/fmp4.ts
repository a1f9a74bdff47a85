/**
 * Just enough fragmented MP4 to time frames: the decode time and sample count of each
 * `moof` (from `tfdt` and `trun`), read from a byte stream cut anywhere or from one CMAF chunk.
 */

export interface Fragment {
  /** `tfdt` base media decode time, in the track's timescale. */
  decodeTime: number;
  /** Samples in the fragment (`trun` sample counts summed). */
  samples: number;
  /** Wall-clock ms when the fragment's `mdat` was complete (streams), or the caller's time (chunks). */
  at: number;
}

/** Reads `moof`+`mdat` pairs out of an fMP4 byte stream (init segment first, then fragments). */
export class Fmp4Fragments {
  private buffered: Buffer[] = [];
  private pending: { decodeTime: number; samples: number } | undefined;
  /** The video track's timescale, from `mdhd`, once the init segment has passed. */
  timescale: number | undefined;

  constructor(private readonly onFragment: (fragment: Fragment) => void) {}

  push(chunk: Buffer, at: number): void {
    this.buffered.push(chunk);
    let data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    let offset = 0;
    for (;;) {
      const box = boxAt(data, offset);
      if (!box || offset + box.size > data.length) break;
      const body = data.subarray(offset + box.header, offset + box.size);
      if (box.type === "moov") this.timescale = findTimescale(body) ?? this.timescale;
      else if (box.type === "moof") this.pending = readMoof(body);
      else if (box.type === "mdat" && this.pending) {
        this.onFragment({ ...this.pending, at });
        this.pending = undefined;
      }
      offset += box.size;
    }
    data = data.subarray(offset);
    this.buffered = data.length > 0 ? [Buffer.from(data)] : [];
  }
}

/** The `moof` of one CMAF chunk (e.g. an LL-HLS part): its first decode time and sample count. */
export function readChunk(bytes: Buffer): { decodeTime: number; samples: number } | undefined {
  let offset = 0;
  for (;;) {
    const box = boxAt(bytes, offset);
    if (!box || offset + box.size > bytes.length) return undefined;
    if (box.type === "moof") return readMoof(bytes.subarray(offset + box.header, offset + box.size));
    offset += box.size;
  }
}

interface BoxHeader {
  type: string;
  size: number;
  header: number;
}

function boxAt(data: Buffer, offset: number): BoxHeader | undefined {
  if (offset + 8 > data.length) return undefined;
  let size = data.readUInt32BE(offset);
  const type = data.toString("latin1", offset + 4, offset + 8);
  let header = 8;
  if (size === 1) {
    if (offset + 16 > data.length) return undefined;
    size = Number(data.readBigUInt64BE(offset + 8));
    header = 16;
  } else if (size === 0) {
    return undefined; // to the end of the stream: never complete while streaming
  }
  if (size < header) throw new Error(`malformed MP4 box ${JSON.stringify(type)} of ${size} bytes`);
  return { type, size, header };
}

function* children(body: Buffer): Generator<{ type: string; body: Buffer }> {
  let offset = 0;
  for (;;) {
    const box = boxAt(body, offset);
    if (!box || offset + box.size > body.length) return;
    yield { type: box.type, body: body.subarray(offset + box.header, offset + box.size) };
    offset += box.size;
  }
}

function readMoof(moof: Buffer): { decodeTime: number; samples: number } {
  let decodeTime = 0;
  let samples = 0;
  let first = true;
  for (const traf of children(moof)) {
    if (traf.type !== "traf") continue;
    for (const box of children(traf.body)) {
      if (box.type === "tfdt" && first) {
        const version = box.body[0];
        decodeTime = version === 1 ? Number(box.body.readBigUInt64BE(4)) : box.body.readUInt32BE(4);
      } else if (box.type === "trun" && first) {
        samples += box.body.readUInt32BE(4);
      }
    }
    first = false; // one track per stream here; only the first traf counts
  }
  return { decodeTime, samples };
}

function findTimescale(moov: Buffer): number | undefined {
  for (const trak of children(moov)) {
    if (trak.type !== "trak") continue;
    for (const mdia of children(trak.body)) {
      if (mdia.type !== "mdia") continue;
      for (const mdhd of children(mdia.body)) {
        if (mdhd.type !== "mdhd") continue;
        return mdhd.body[0] === 1 ? mdhd.body.readUInt32BE(20) : mdhd.body.readUInt32BE(12);
      }
    }
  }
  return undefined;
}
