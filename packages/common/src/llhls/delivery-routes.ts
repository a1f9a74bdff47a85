import { Hono, type Context } from "hono";
import { LiveDelivery, type Delivered, type DeliverySource } from "./live-delivery.js";

export interface DeliveryOptions {
  segmentTargetMs: number;
  /** Called for every media playlist request (e.g. to count viewers). */
  onMediaPlaylist?: (stream: string, c: Context) => void;
}

/** LiveDelivery's routes as a Hono app (with the JSON errors of the app's error handler). Mount under `/live`. */
export function deliveryRoutes(source: DeliverySource, options: DeliveryOptions): Hono {
  const app = new Hono();
  const delivery = new LiveDelivery(source, options.segmentTargetMs);
  const onMediaPlaylist = options.onMediaPlaylist;

  app.get("/:stream/index.m3u8", async (c) => answer(c, await delivery.multivariant(c.req.param("stream"))));

  app.get("/:stream/:rendition/index.m3u8", async (c) => {
    const params = { msn: c.req.query("_HLS_msn"), part: c.req.query("_HLS_part"), skip: c.req.query("_HLS_skip") };
    const seen = onMediaPlaylist && ((stream: string) => onMediaPlaylist(stream, c));
    return answer(c, await delivery.mediaPlaylist(c.req.param("stream"), c.req.param("rendition"), params, seen));
  });

  app.get("/:stream/:rendition/:file", async (c) =>
    answer(c, await delivery.file(c.req.param("stream"), c.req.param("rendition"), c.req.param("file"))),
  );

  return app;
}

function answer(c: Context, { body, contentType, cacheControl }: Delivered) {
  // Node Buffers sit on plain ArrayBuffers; the cast only narrows the type.
  return c.body(body as string | Uint8Array<ArrayBuffer>, 200, { "Content-Type": contentType, "Cache-Control": cacheControl });
}
