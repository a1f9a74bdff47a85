import { ConfigError } from "./config.js";

export interface Service {
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs a service as a process: builds it (a ConfigError exits with status 2 and the
 * message that names the bad variables), starts it, and closes it on SIGINT/SIGTERM.
 */
export async function runService<S extends Service>(create: () => S, started?: (service: S) => void): Promise<void> {
  let service: S;
  try {
    service = create();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  await service.start();
  started?.(service);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      void service.close().then(() => process.exit(0));
    });
  }
}
