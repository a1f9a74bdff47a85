/**
 * The cluster under test: a local `nats-server -js`, an origin and an edge, each its own
 * process (so the edge's CPU time and memory are its own), with one test-pattern stream on a
 * small ladder. Uses the built services (`packages/{origin,edge}/dist`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freeTcpPort, startLocalNats, stopProcess, waitFor, type LocalNats } from "@tributary/common";
import { preloadHint } from "./playlist.js";

/** The repository root (this file is bench/{src,dist}/fanout/cluster.{ts,js}). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface BenchClusterOptions {
  stream: string;
  /** Origin LADDER, e.g. "360p:360:600". */
  ladder: string;
  /** Test pattern size (the source); the ladder never upscales. */
  width: number;
  height: number;
  partTargetMs: number;
  /** Write a V8 CPU profile of the edge (`node --cpu-prof`) into this directory. */
  edgeProfileDir?: string;
}

export interface BenchCluster {
  natsUrl: string;
  originUrl: string;
  edgeUrl: string;
  edgePid: number;
  /** Video renditions and "audio", as the multivariant playlist lists them. */
  renditions: string[];
  /** Restarts the edge (e.g. with a profiler), keeping NATS and the origin. */
  restartEdge(profileDir?: string): Promise<void>;
  close(): Promise<void>;
}

/** A child process whose last output lines are kept for the error message if it dies. */
function service(name: string, script: string, env: Record<string, string>, execArgv: string[] = []): { child: ChildProcess; tail: () => string } {
  const path = `${REPO_ROOT}packages/${script}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: build the workspace first (npm run build)`);
  const child = spawn(process.execPath, [...execArgv, path], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString());
    if (lines.length > 50) lines.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", (code, signal) => {
    if (code !== 0 && signal === null) console.error(`[fanout] ${name} exited with ${code}: ${lines.join("").slice(-2000)}`);
  });
  return { child, tail: () => lines.join("").slice(-2000) };
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export async function startBenchCluster(o: BenchClusterOptions): Promise<BenchCluster> {
  const nats: LocalNats = await startLocalNats();
  const children: ChildProcess[] = [];
  try {
    const originPort = await freeTcpPort();
    const originUrl = `http://127.0.0.1:${originPort}`;
    const origin = service("origin", "origin/dist/main.js", {
      ORIGIN_PORT: String(originPort),
      NATS_URL: nats.url,
      LADDER: o.ladder,
      X264_PRESET: "ultrafast",
      PART_TARGET_MS: String(o.partTargetMs),
    });
    children.push(origin.child);
    await waitFor(
      async () => {
        if (origin.child.exitCode !== null) throw new Error(`origin exited: ${origin.tail()}`);
        return httpOk(`${originUrl}/healthz`);
      },
      { timeoutMs: 20_000, intervalMs: 100, what: "the origin" },
    );
    const started = await fetch(`${originUrl}/api/v1/streams/${o.stream}/test-pattern`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ width: o.width, height: o.height, frameRate: 30 }),
    });
    if (started.status !== 201) throw new Error(`test pattern: HTTP ${started.status} ${await started.text()}`);

    const edgePort = await freeTcpPort();
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    const edgeEnv = {
      EDGE_PORT: String(edgePort),
      SRT_PORT: "0",
      MEDIASOUP_WORKERS: "0",
      NATS_URL: nats.url,
      ORIGIN_URL: originUrl,
      EDGE_ID: "bench-edge",
    };
    const startEdge = async (profileDir: string | undefined) => {
      const edge = service("edge", "edge/dist/main.js", edgeEnv, profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []);
      await waitFor(
        async () => {
          if (edge.child.exitCode !== null) throw new Error(`edge exited: ${edge.tail()}`);
          return httpOk(`${edgeUrl}/healthz`);
        },
        { timeoutMs: 20_000, intervalMs: 100, what: "the edge" },
      );
      return edge.child;
    };
    let edge = await startEdge(o.edgeProfileDir);
    children.push(edge);

    // Wait for media at the edge: the multivariant playlist, then a preload hint in every rendition.
    const multivariant = await waitFor(
      async () => {
        const r = await fetch(`${edgeUrl}/live/${o.stream}/index.m3u8`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        return r?.status === 200 ? r.text() : (void (await r?.body?.cancel()), undefined);
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "the test stream at the edge" },
    );
    const renditions = [...multivariant.matchAll(/^([a-z0-9_-]+)\/index\.m3u8$|URI="([a-z0-9_-]+)\/index\.m3u8"/gm)].map((m) => (m[1] ?? m[2])!);
    const waitForRenditions = () =>
      waitFor(
        async () => {
          const texts = await Promise.all(
            renditions.map((r) =>
              fetch(`${edgeUrl}/live/${o.stream}/${r}/index.m3u8`)
                .then((res) => res.text())
                .catch(() => ""),
            ),
          );
          return texts.every((t) => preloadHint(t) !== undefined);
        },
        { timeoutMs: 30_000, intervalMs: 250, what: "media playlists with parts at the edge" },
      );
    await waitForRenditions();

    let closed: Promise<void> | undefined;
    return {
      natsUrl: nats.url,
      originUrl,
      edgeUrl,
      get edgePid() {
        return edge.pid ?? 0;
      },
      renditions,
      restartEdge: async (profileDir) => {
        await stopProcess(edge, { signal: "SIGINT", graceMs: 10_000 });
        edge = await startEdge(profileDir);
        children.push(edge);
        await waitForRenditions();
      },
      close: () =>
        (closed ??= (async () => {
          // The edge first (SIGINT: it closes cleanly, and writes its profile when asked).
          for (const child of [...children].reverse()) await stopProcess(child, { signal: "SIGINT", graceMs: 10_000 });
          await nats.close();
        })()),
    };
  } catch (error) {
    for (const child of [...children].reverse()) await stopProcess(child, { graceMs: 5_000 });
    await nats.close();
    throw error;
  }
}
