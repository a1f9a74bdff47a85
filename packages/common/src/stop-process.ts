import type { ChildProcess } from "node:child_process";

/**
 * Asks a child process to stop (`signal`, SIGTERM by default), kills it if it is still
 * there after `graceMs`, and resolves once it is gone and its pipes are closed.
 */
export async function stopProcess(child: ChildProcess, options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.kill(options.signal ?? "SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), options.graceMs ?? 5_000);
  await gone;
  clearTimeout(timer);
}
