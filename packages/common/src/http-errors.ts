import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An HTTP error with a machine-readable code; every service answers it in one JSON shape. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Body of every error response: `{ "error": { "code": "...", "message": "..." } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

type ErrorLog = { error: (obj: object, msg: string) => void };

/**
 * How every error is answered: HttpErrors keep their status; anything else is a bug,
 * logged, and answered 500 without internals.
 */
export function errorAnswer(error: unknown, log: ErrorLog, path: string): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof HttpError) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  log.error({ err: error, path }, "unhandled error in request");
  return { status: 500, body: { error: { code: "internal", message: "internal server error" } } };
}

/** The one error handler of a Hono app (see errorAnswer). */
export function errorHandler(log: ErrorLog) {
  return (error: Error, c: Context) => {
    const { status, body } = errorAnswer(error, log, c.req.path);
    return c.json<ErrorBody>(body, status);
  };
}

/** 404 for routes that do not exist, in the same shape. */
export function notFoundHandler(c: Context) {
  return c.json<ErrorBody>({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
}
