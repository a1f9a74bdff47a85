import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startLocalNats, type LocalNats } from "./local-nats.js";
import type { Logger } from "./logger.js";

/** A NATS connection, plus the local server this process started when none was configured. */
export interface NatsHandle {
  nc: NatsConnection;
  url: string;
  local: LocalNats | undefined;
  close(): Promise<void>;
}

/** Connects to `url`, or with none given starts a local `nats-server -js` and connects to it. */
export async function openNats(url: string | undefined, name: string, log: Logger): Promise<NatsHandle> {
  const local = url ? undefined : await startLocalNats();
  const target = url ?? local!.url;
  if (local) log.info({ url: target }, "started local nats-server -js");
  const nc = await connect({ servers: target, name, maxReconnectAttempts: -1 });
  let closed: Promise<void> | undefined;
  return {
    nc,
    url: target,
    local,
    close: () =>
      (closed ??= (async () => {
        await nc.drain().catch(() => nc.close());
        await local?.close();
      })()),
  };
}
