/**
 * Just enough MPEG-TS to time video frames in a byte stream: each video PES (one per frame as
 * FFmpeg's muxer writes them) and its PTS, read from chunks cut anywhere.
 */

const PACKET = 188;
const SYNC = 0x47;

export interface TsFrame {
  /** 90 kHz presentation time stamp, 33 bits. */
  pts: number;
  /** Wall-clock ms of the chunk that carried the PES header. */
  at: number;
}

/** Finds video PES headers (stream id 0xE0-0xEF) with a PTS in MPEG-TS fed chunk by chunk. */
export class TsVideoFrames {
  private rest: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (frame: TsFrame) => void) {}

  push(chunk: Buffer, at: number): void {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let i = 0;
    while (i + PACKET <= data.length) {
      if (data[i] !== SYNC || !synced(data, i)) {
        i += 1; // cut mid-packet (or garbage): find the next packet start
        continue;
      }
      this.packet(data.subarray(i, i + PACKET), at);
      i += PACKET;
    }
    this.rest = Buffer.from(data.subarray(i));
  }

  private packet(p: Buffer, at: number): void {
    const payloadStart = (p[1]! & 0x40) !== 0;
    if (!payloadStart) return;
    const adaptation = (p[3]! >> 4) & 0x3;
    let i = 4;
    if (adaptation === 2) return; // adaptation field only
    if (adaptation === 3) i += 1 + p[4]!;
    if (i + 14 > PACKET) return;
    if (p[i] !== 0 || p[i + 1] !== 0 || p[i + 2] !== 1) return;
    const streamId = p[i + 3]!;
    if (streamId < 0xe0 || streamId > 0xef) return;
    const flags = p[i + 7]!;
    if ((flags & 0x80) === 0) return; // no PTS
    this.onFrame({ pts: readTimestamp(p, i + 9), at });
  }
}

/** A sync byte at `i` that the next packet, where already there, confirms. */
function synced(data: Buffer, i: number): boolean {
  return i + PACKET >= data.length || data[i + PACKET] === SYNC;
}

/** A PES PTS/DTS field: 33 bits over 5 bytes with marker bits. */
export function readTimestamp(b: Buffer, i: number): number {
  const high = (b[i]! >> 1) & 0x07;
  const mid = (b[i + 1]! << 7) | (b[i + 2]! >> 1);
  const low = (b[i + 3]! << 7) | (b[i + 4]! >> 1);
  return high * 2 ** 30 + mid * 2 ** 15 + low;
}
