import { HttpError, streamNameParam } from "@tributary/common";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import * as sdpTransform from "sdp-transform";
import type { EdgeMetrics } from "../metrics.js";
import type { WhipPublishers } from "./whip-publishers.js";

/** An SDP offer is a few KiB; anything much bigger is not one. */
const MAX_BODY_BYTES = 64 * 1024;
const TRICKLE_TYPE = "application/trickle-ice-sdpfrag";

/**
 * WHIP (RFC 9725): `POST /whip` (the stream is the one the bearer key publishes) or
 * `POST /whip/{stream}` creates a session at `/whip/{stream}/sessions/{id}`, which takes
 * `DELETE` (end the broadcast) and `PATCH` (trickle ICE and ICE restart).
 */
export function whipRoutes(whip: WhipPublishers, keys: { key: string; stream: string }[], metrics: EdgeMetrics): Hono {
  const streamOfKey = new Map(keys.map((k) => [k.key, k.stream]));
  const app = new Hono();
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ["POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "If-Match"],
      exposeHeaders: ["Location", "ETag", "Accept-Patch", "Tributary-Stream"],
      maxAge: 86_400,
    }),
  );
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HttpError(413, "too_large", `request body over ${MAX_BODY_BYTES / 1024} KiB`);
      },
    }),
  );

  /** The stream the request's bearer key may publish: 401 without a known key, 403 for another stream. */
  const authorize = (c: Context, stream?: string): string => {
    const token = /^Bearer +(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    const keyStream = token === undefined ? undefined : streamOfKey.get(token);
    if (keyStream === undefined) {
      metrics.whipRejected.inc({ reason: "unauthorized" });
      c.header("WWW-Authenticate", 'Bearer realm="tributary-whip"');
      throw new HttpError(401, "unauthorized", token === undefined ? "send the stream key as Authorization: Bearer <key>" : "unknown stream key");
    }
    if (stream !== undefined && stream !== keyStream) {
      metrics.whipRejected.inc({ reason: "forbidden" });
      throw new HttpError(403, "forbidden", "this key does not publish this stream");
    }
    return keyStream;
  };

  const publish = async (c: Context, stream: string) => {
    if (!/^application\/sdp\s*(;|$)/i.test(c.req.header("Content-Type") ?? "")) {
      throw new HttpError(415, "unsupported_media_type", "the offer must be sent as Content-Type: application/sdp");
    }
    const offer = await c.req.text();
    try {
      const { session, answer } = await whip.publish(stream, offer);
      return c.body(answer, 201, {
        "Content-Type": "application/sdp",
        Location: `/whip/${stream}/sessions/${session.id}`,
        ETag: session.etag,
        "Accept-Patch": TRICKLE_TYPE,
        "Tributary-Stream": stream,
      });
    } catch (error) {
      if (error instanceof HttpError) metrics.whipRejected.inc({ reason: error.code });
      throw error;
    }
  };

  app.post("/", (c) => publish(c, authorize(c)));
  app.post("/:stream", (c) => publish(c, authorize(c, streamNameParam(c.req.param("stream")))));

  app.delete("/:stream/sessions/:id", async (c) => {
    const stream = authorize(c, streamNameParam(c.req.param("stream")));
    await whip.session(stream, c.req.param("id")).close("publisher sent DELETE");
    return c.json({ ended: true });
  });

  app.patch("/:stream/sessions/:id", async (c) => {
    const stream = authorize(c, streamNameParam(c.req.param("stream")));
    const session = whip.session(stream, c.req.param("id"));
    if ((c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() !== TRICKLE_TYPE) {
      throw new HttpError(415, "unsupported_media_type", `PATCH takes ${TRICKLE_TYPE}`);
    }
    const ifMatch = c.req.header("If-Match");
    if (ifMatch === undefined) throw new HttpError(428, "precondition_required", "send If-Match with the session's ETag (or * for an ICE restart)");
    if (ifMatch !== "*" && ifMatch !== session.etag) throw new HttpError(412, "precondition_failed", "If-Match does not match the session's ETag");
    const fragment = sdpTransform.parse(await c.req.text());
    const ufrag = fragment.iceUfrag ?? fragment.media?.[0]?.iceUfrag;
    const pwd = fragment.icePwd ?? fragment.media?.[0]?.icePwd;
    // The edge is ICE-lite: it learns the browser's addresses from its checks, so trickled
    // candidates need nothing; new credentials mean an ICE restart.
    if (ifMatch !== "*" || !ufrag || !pwd) return c.body(null, 204);
    const ice = await session.restartIce();
    const lines = [
      `a=ice-ufrag:${ice.usernameFragment}`,
      `a=ice-pwd:${ice.password}`,
      ...session.iceCandidates.map(
        (k) => `a=candidate:${k.foundation} 1 ${k.protocol} ${k.priority} ${k.address} ${k.port} typ ${k.type}${k.tcpType ? ` tcptype ${k.tcpType}` : ""}`,
      ),
      "a=end-of-candidates",
      "",
    ];
    return c.body(lines.join("\r\n"), 200, { "Content-Type": TRICKLE_TYPE, ETag: session.etag });
  });
  return app;
}
