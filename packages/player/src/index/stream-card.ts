/** Hue (0-359) of a stream's placeholder thumbnail: stable per name, spread over the wheel. */
export function hueForName(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  // Final mix (murmur3's), so that names differing in the last character land far apart.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return (hash >>> 0) % 360;
}

/** "1 viewer", "3 viewers". */
export function formatViewers(viewers: number): string {
  return viewers === 1 ? "1 viewer" : `${viewers.toLocaleString("en-US")} viewers`;
}
