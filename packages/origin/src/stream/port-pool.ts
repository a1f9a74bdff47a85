/** UDP ports for contribution listeners: one per live stream, handed back when it ends. */
export class PortPool {
  private readonly used = new Set<number>();

  constructor(
    private readonly first: number,
    private readonly last: number,
  ) {}

  /** A free port, or undefined when all are taken. */
  take(): number | undefined {
    for (let port = this.first; port <= this.last; port++) {
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    return undefined;
  }

  release(port: number): void {
    this.used.delete(port);
  }
}
