import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopProcess } from "./stop-process.js";
import { waitFor } from "./wait.js";

/** A `nats-server -js` child process on loopback, for single-node runs and tests. */
export interface LocalNats {
  url: string;
  close(): Promise<void>;
}

export interface LocalNatsOptions {
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Path of the nats-server binary. */
  binary?: string;
  startTimeoutMs?: number;
}

/** Starts nats-server with JetStream and waits until it accepts connections. */
export async function startLocalNats(options: LocalNatsOptions = {}): Promise<LocalNats> {
  const port = options.port || (await freeTcpPort());
  const storeDir = await mkdtemp(join(tmpdir(), "tributary-nats-"));
  const child = spawn(
    options.binary ?? "nats-server",
    ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir, "--http_port", "0"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let exited: Error | undefined;
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  child.once("error", (error) => (exited = error));
  child.once("exit", (code) => (exited ??= new Error(`nats-server exited with ${code}: ${stderr.join("").slice(-500)}`)));
  try {
    await waitFor(
      async () => {
        if (exited) throw exited;
        return canConnect(port);
      },
      { timeoutMs: options.startTimeoutMs ?? 10_000, what: `nats-server on port ${port}` },
    );
  } catch (error) {
    child.kill("SIGKILL");
    await rm(storeDir, { recursive: true, force: true });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    close: () => (closed ??= stopProcess(child).then(() => rm(storeDir, { recursive: true, force: true }))),
  };
}

export function canConnect(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
