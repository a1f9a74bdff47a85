import { isRecord } from "./json";

/** A failure as the edge explains it: a machine-readable code (when it gives one) and a message for people. */
export interface EdgeError {
  code: string | null;
  message: string;
}

/** Bodies longer than this are not parsed: an error explanation is short. */
const MAX_ERROR_BODY = 4096;

/**
 * The edge's JSON error body in either of its shapes: `{"error":{"code","message"}}`
 * (stream list, LL-HLS) or `{"error":"<code>","message":"…"}` (WHIP). Null when the body
 * is something else or carries no message; the message is cut to 200 characters.
 */
export function parseEdgeError(body: unknown): EdgeError | null {
  if (typeof body !== "string" || body.length === 0 || body.length > MAX_ERROR_BODY) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !("error" in parsed)) return null;
  const { error } = parsed;
  const [code, message] = isRecord(error) ? [error.code, error.message] : [error, parsed.message];
  if (typeof message !== "string" || message.trim() === "") return null;
  return {
    code: typeof code === "string" && code !== "" ? code.slice(0, 64) : null,
    message: message.trim().slice(0, 200),
  };
}
