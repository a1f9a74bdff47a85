import { z } from "zod";

/** A bad configuration value: names the variable and what is allowed. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** One environment variable: its schema (with the default) and what it is for. */
export interface EnvVar<T> {
  schema: z.ZodType<T>;
  doc: string;
}

export function envVar<T>(schema: z.ZodType<T>, doc: string): EnvVar<T> {
  return { schema, doc };
}

/** Integer from a string, within bounds. */
export const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export type EnvSpec = Record<string, EnvVar<unknown>>;
export type EnvValues<S extends EnvSpec> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

/**
 * Reads and validates every variable of `spec` from `env`. Empty strings count as unset so
 * that `FOO= cmd` falls back to the default. Throws one ConfigError listing every bad value.
 */
export function readEnv<S extends EnvSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): EnvValues<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { schema }] of Object.entries(spec)) {
    const raw = env[name] === "" ? undefined : env[name];
    const parsed = schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return values as EnvValues<S>;
}
