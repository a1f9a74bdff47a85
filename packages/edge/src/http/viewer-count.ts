/** Addresses remembered per stream at most (a bound on memory under a flood). */
const MAX_TRACKED = 100_000;

/**
 * Viewers per stream, estimated as the distinct client addresses that asked for one of its
 * media playlists within the last `windowMs`: an LL-HLS player reloads several times a
 * second, so an address that stops asking has stopped watching.
 */
export class ViewerCount {
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs = 10_000) {}

  saw(stream: string, address: string): void {
    let addresses = this.seen.get(stream);
    if (!addresses) this.seen.set(stream, (addresses = new Map<string, number>()));
    if (addresses.size >= MAX_TRACKED && !addresses.has(address)) this.prune(addresses);
    if (addresses.size < MAX_TRACKED) addresses.set(address, Date.now());
  }

  count(stream: string): number {
    const addresses = this.seen.get(stream);
    if (!addresses) return 0;
    this.prune(addresses);
    return addresses.size;
  }

  private prune(addresses: Map<string, number>): void {
    const oldest = Date.now() - this.windowMs;
    for (const [address, at] of addresses) if (at < oldest) addresses.delete(address);
  }
}
