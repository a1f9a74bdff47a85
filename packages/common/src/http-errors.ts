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

/**
 * The one error handler of a Hono app: HttpErrors keep their status; anything else is a
 * bug, logged, and answered 500 without internals.
 */
export function errorHandler(log: { error: (obj: object, msg: string) => void }) {
  return (error: Error, c: Context) => {
    if (error instanceof HttpError) {
      return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, error.status);
    }
    log.error({ err: error, path: c.req.path }, "unhandled error in request");
    return c.json<ErrorBody>({ error: { code: "internal", message: "internal server error" } }, 500);
  };
}

/** 404 for routes that do not exist, in the same shape. */
export function notFoundHandler(c: Context) {
  return c.json<ErrorBody>({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
}
