import { randomBytes } from "node:crypto";
import { createLogger, startLocalNats, type LocalNats } from "@tributary/common";
import { Edge, loadEdgeConfig, type EdgeConfig } from "@tributary/edge";
import { loadOriginConfig, Origin, type OriginConfig } from "@tributary/origin";
import { DemoPublisher } from "./demo-publisher.js";

/**
 * A whole cluster on one machine: a local `nats-server -js` (unless NATS_URL is set), one
 * origin, one edge, and — unless STREAM_KEYS is given — generated keys for `demo` (fed by
 * the demo publisher) and `mystream` (for the user's own encoder).
 */
export class SingleNode {
  readonly demoKey = `demo-${randomBytes(6).toString("hex")}`;
  readonly ownKey = `live-${randomBytes(6).toString("hex")}`;
  private readonly originConfig: OriginConfig;
  private readonly edgeConfig: EdgeConfig;
  private origin: Origin | undefined;
  private edge: Edge | undefined;
  private nats: LocalNats | undefined;
  private demo: DemoPublisher | undefined;
  private readonly log = createLogger("cluster");
  /** No STREAM_KEYS given: the demo and mystream keys were generated. */
  readonly generatedKeys: boolean;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.generatedKeys = !env.STREAM_KEYS;
    const withKeys = { ...env, STREAM_KEYS: env.STREAM_KEYS || `${this.demoKey}=demo,${this.ownKey}=mystream` };
    // Both configurations are read (and validated) before anything starts.
    this.originConfig = loadOriginConfig(withKeys);
    this.edgeConfig = loadEdgeConfig(withKeys);
  }

  async start(): Promise<void> {
    const configured = this.originConfig.natsUrl;
    // The conventional port when free, any port otherwise.
    this.nats = configured ? undefined : await startLocalNats({ port: 4222 }).catch(() => startLocalNats());
    const natsUrl = configured ?? this.nats!.url;
    const origin = (this.origin = new Origin({ ...this.originConfig, natsUrl }, createLogger("origin")));
    await origin.start();
    this.edge = new Edge({ ...this.edgeConfig, natsUrl, originUrl: origin.publicUrl }, createLogger("edge"));
    await this.edge.start();
    if (this.generatedKeys) {
      this.demo = new DemoPublisher(this.publishUrl(this.demoKey), this.log);
      this.demo.start();
    }
  }

  /** The edge's base URL (once started). */
  get watchUrl(): string {
    return this.edge?.url ?? "";
  }

  /** The SRT URL an encoder publishes to with `key` (once started). */
  publishUrl(key: string): string {
    const host = this.edgeConfig.srt.host === "0.0.0.0" ? "127.0.0.1" : this.edgeConfig.srt.host;
    return `srt://${host}:${this.edge?.srtPort ?? this.edgeConfig.srt.port}?streamid=${key}`;
  }

  async close(): Promise<void> {
    await this.demo?.close();
    await this.edge?.close();
    await this.origin?.close();
    await this.nats?.close();
  }
}
