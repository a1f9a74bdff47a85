import type { Logger } from "@tributary/common";
import * as mediasoup from "mediasoup";
import type { Router, Worker } from "mediasoup/types";
import { ROUTER_CODECS } from "./media-codecs.js";

/**
 * mediasoup workers, one C++ process each (one per core by default). Each stream gets a
 * router of its own on the worker with the fewest routers. A worker that dies takes its
 * routers (and so their sessions) with it and is replaced.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly routers = new Map<Worker, Set<Router>>();
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.size; i++) await this.spawn();
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /** A new router on the least loaded worker. */
  async createRouter(stream: string): Promise<Router> {
    const worker = this.workers.reduce((best, w) => (this.load(w) < this.load(best) ? w : best));
    const router = await worker.createRouter({ mediaCodecs: ROUTER_CODECS, appData: { stream } });
    const set = this.routers.get(worker)!;
    set.add(router);
    router.observer.once("close", () => set.delete(router));
    return router;
  }

  /** Routers and transports alive in the workers themselves, for leak checks and metrics. */
  async census(): Promise<{ workers: number; routers: number; transports: number }> {
    let routers = 0;
    let transports = 0;
    for (const worker of this.workers) {
      const dump = await worker.dump();
      routers += dump.routerIds.length;
      for (const router of this.routers.get(worker) ?? []) transports += (await router.dump()).transportIds.length;
    }
    return { workers: this.workers.length, routers, transports };
  }

  close(): void {
    this.closed = true;
    for (const worker of this.workers) worker.close();
    this.workers.length = 0;
  }

  private load(worker: Worker): number {
    return this.routers.get(worker)?.size ?? 0;
  }

  private async spawn(): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: "warn" });
    this.workers.push(worker);
    this.routers.set(worker, new Set());
    worker.once("died", (error) => {
      this.log.error({ err: error, pid: worker.pid }, "mediasoup worker died; its WHIP sessions end");
      this.workers.splice(this.workers.indexOf(worker), 1);
      this.routers.delete(worker);
      if (!this.closed) this.spawn().catch((e: unknown) => this.log.error({ err: e }, "cannot replace the mediasoup worker"));
    });
  }
}
