/**
 * The clock code: a wall-clock time in milliseconds drawn into a video frame as big black and
 * white cells, so that it survives scaling (to 360p and below), low-bit-rate H.264 and a
 * browser's canvas, and can be read back from any decoded frame.
 *
 * The whole frame is a grid of {@link CLOCK_COLS} x {@link CLOCK_ROWS} cells, each one bit
 * (white = 1, black = 0), row by row:
 *
 * | row | cells |
 * |-----|-------|
 * | 0   | sync: white, black, white, black, … (finds the threshold, rejects frames that are not a clock frame) |
 * | 1-4 | the 64-bit value, most significant bit first |
 * | 5   | CRC-16/CCITT-FALSE of the value's 8 bytes (big-endian) |
 *
 * At 360p a cell is 40 x 60 pixels; a reader averages the middle half of each cell.
 */

export const CLOCK_COLS = 16;
export const CLOCK_ROWS = 6;
export const CLOCK_CELLS = CLOCK_COLS * CLOCK_ROWS;
const VALUE_BITS = 64;
const CRC_BITS = 16;
const SYNC_CELLS = CLOCK_COLS;
/** Smallest difference between the darkest "white" and the brightest "black" sync cell. */
const MIN_CONTRAST = 48;

/** Luma of a white and a black cell (full range). */
const WHITE = 255;
const BLACK = 0;

/** The cell values (0 or 1) that encode `value` (a non-negative integer below 2^53, e.g. `Date.now()`). */
export function clockBits(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`clock value ${value} is not a non-negative safe integer`);
  const bytes = valueBytes(value);
  const crc = crc16(bytes);
  const bits = new Uint8Array(CLOCK_CELLS);
  for (let i = 0; i < SYNC_CELLS; i++) bits[i] = i % 2 === 0 ? 1 : 0;
  for (let i = 0; i < VALUE_BITS; i++) bits[SYNC_CELLS + i] = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  for (let i = 0; i < CRC_BITS; i++) bits[SYNC_CELLS + VALUE_BITS + i] = (crc >> (15 - i)) & 1;
  return bits;
}

/** Pixel bounds of cell `index` in a `width` x `height` frame: [x0, y0, x1, y1) with x1/y1 exclusive. */
export function cellBounds(index: number, width: number, height: number): [number, number, number, number] {
  const col = index % CLOCK_COLS;
  const row = Math.floor(index / CLOCK_COLS);
  return [
    Math.round((col * width) / CLOCK_COLS),
    Math.round((row * height) / CLOCK_ROWS),
    Math.round(((col + 1) * width) / CLOCK_COLS),
    Math.round(((row + 1) * height) / CLOCK_ROWS),
  ];
}

/**
 * Draws `value` into an 8-bit plane (`gray` pixel format, or the Y plane of `yuv420p`),
 * covering the whole `width` x `height` frame.
 */
export function paintClock(plane: Uint8Array, width: number, height: number, value: number, stride = width): void {
  const bits = clockBits(value);
  for (let index = 0; index < CLOCK_CELLS; index++) {
    const [x0, y0, x1, y1] = cellBounds(index, width, height);
    const luma = bits[index] === 1 ? WHITE : BLACK;
    for (let y = y0; y < y1; y++) plane.fill(luma, y * stride + x0, y * stride + x1);
  }
}

/**
 * Mean luma of the middle half (in both directions) of every cell of a decoded frame.
 * `channels` is the bytes per pixel (1 for gray, 4 for RGBA: the first channel is read,
 * which for black and white is the luma).
 */
export function cellMeans(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number, channels = 1, stride = width * channels): number[] {
  const means: number[] = [];
  for (let index = 0; index < CLOCK_CELLS; index++) {
    const [x0, y0, x1, y1] = cellBounds(index, width, height);
    const qx = (x1 - x0) / 4;
    const qy = (y1 - y0) / 4;
    const xs = Math.floor(x0 + qx);
    const xe = Math.max(xs + 1, Math.ceil(x1 - qx));
    const ys = Math.floor(y0 + qy);
    const ye = Math.max(ys + 1, Math.ceil(y1 - qy));
    let sum = 0;
    for (let y = ys; y < ye; y++) for (let x = xs; x < xe; x++) sum += pixels[y * stride + x * channels]!;
    means.push(sum / ((xe - xs) * (ye - ys)));
  }
  return means;
}

/**
 * Reads the value back from the cells' mean luma ({@link cellMeans}); null when the frame
 * carries no clock code (no sync pattern, too little contrast) or its CRC does not match.
 */
export function decodeClockCells(means: ArrayLike<number>): number | null {
  if (means.length !== CLOCK_CELLS) return null;
  let darkestWhite = Infinity;
  let brightestBlack = -Infinity;
  for (let i = 0; i < SYNC_CELLS; i++) {
    const v = means[i]!;
    if (i % 2 === 0) darkestWhite = Math.min(darkestWhite, v);
    else brightestBlack = Math.max(brightestBlack, v);
  }
  if (darkestWhite - brightestBlack < MIN_CONTRAST) return null;
  const threshold = (darkestWhite + brightestBlack) / 2;
  const bytes = new Uint8Array(VALUE_BITS / 8);
  for (let i = 0; i < VALUE_BITS; i++) if (means[SYNC_CELLS + i]! > threshold) bytes[i >> 3]! |= 1 << (7 - (i & 7));
  let crc = 0;
  for (let i = 0; i < CRC_BITS; i++) if (means[SYNC_CELLS + VALUE_BITS + i]! > threshold) crc |= 1 << (15 - i);
  if (crc !== crc16(bytes)) return null;
  const value = bytesValue(bytes);
  return Number.isSafeInteger(value) ? value : null;
}

/** {@link cellMeans} then {@link decodeClockCells}. */
export function decodeClockFrame(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number, channels = 1): number | null {
  return decodeClockCells(cellMeans(pixels, width, height, channels));
}

/**
 * This module's encoder as a classic script for a page that draws the code itself (the
 * browser broadcaster): it declares `clockBits` and `cellBounds`, built from these very
 * functions' source and the constants they read, so the page paints exactly what
 * {@link paintClock} paints.
 */
export function clockCodeScript(): string {
  const constants = { CLOCK_COLS, CLOCK_ROWS, CLOCK_CELLS, VALUE_BITS, CRC_BITS, SYNC_CELLS };
  return [...Object.entries(constants).map(([name, value]) => `const ${name} = ${value};`), ...[crc16, valueBytes, clockBits, cellBounds].map(String)].join("\n");
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): catches any mis-read of up to 3 cells. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function valueBytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
  return bytes;
}

function bytesValue(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0));
}
