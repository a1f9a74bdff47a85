import { createLogger, startLocalNats, waitFor, type LocalNats } from "@tributary/common";
import { loadOriginConfig, Origin } from "../src/index.js";

/** A real origin on a free port with its own real nats-server, for one test file. */
export interface OriginFixture {
  origin: Origin;
  nats: LocalNats;
  base: string;
  close(): Promise<void>;
}

export async function startOrigin(env: Record<string, string> = {}): Promise<OriginFixture> {
  const nats = await startLocalNats();
  const config = loadOriginConfig({
    ORIGIN_PORT: "0",
    NATS_URL: nats.url,
    X264_PRESET: "ultrafast", // two cores run the encoder, the ladder and the tests
    ...env,
  });
  const origin = new Origin(config, createLogger("origin", process.env.LOG_LEVEL ?? "warn"));
  await origin.start();
  return {
    origin,
    nats,
    base: origin.publicUrl,
    close: async () => {
      await origin.close();
      await nats.close();
    },
  };
}

/** GET returning status and text. */
export async function get(url: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export async function getBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Waits until a playlist URL answers 200 and `accept` holds for its text. */
export async function waitForPlaylist(url: string, accept: (text: string) => boolean = () => true, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const r = await get(url);
      return r.status === 200 && accept(r.text) ? r.text : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `${url} to be served` },
  );
}
