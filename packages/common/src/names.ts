import { z } from "zod";
import { HttpError } from "./http-errors.js";

/**
 * Stream and rendition names appear in URLs, file names and NATS subject tokens, so they
 * are restricted to lower-case letters, digits, `_` and `-` (no dots: a dot splits a subject).
 */
export const streamName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "1-64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit");

export const renditionName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "1-32 characters of a-z, 0-9, '_' or '-'");

export function isStreamName(value: string): boolean {
  return streamName.safeParse(value).success;
}

/** A stream name from a URL path: 400 with the reason when it is not one. */
export function streamNameParam(value: string): string {
  const parsed = streamName.safeParse(value);
  if (!parsed.success) throw new HttpError(400, "bad_stream_name", `stream name ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
