import { ClockSource, type ClockSourceOptions } from "./clock-source.js";
import { FrameDecoder } from "./frame-decoder.js";

export interface CodecFloor {
  /** Capture → decoded frame back in this process, ms, one per frame after the warm-up. */
  latenciesMs: number[];
  /** Frames whose clock could not be read. */
  unread: number;
}

/**
 * The floor of the measurement: the same clock source and encoder settings as the publisher,
 * its MPEG-TS piped straight into an FFmpeg decoder in this process, no network, no SRT, no
 * transcoding, no packaging and no player. Each frame's latency is when its decoded picture
 * came back minus the capture time it shows.
 */
export async function measureCodecFloor(source: Omit<ClockSourceOptions, "url" | "tee">, seconds: number, warmupSeconds = 1): Promise<CodecFloor> {
  const clock = new ClockSource({ ...source, url: undefined, tee: false });
  const decoder = new FrameDecoder("mpegts");
  clock.on("ts", (chunk) => decoder.write(chunk));
  clock.start();
  await new Promise((resolve) => setTimeout(resolve, (seconds + warmupSeconds) * 1000));
  await clock.close();
  await decoder.end();
  const since = (clock.captures[0] ?? 0) + warmupSeconds * 1000;
  const latenciesMs: number[] = [];
  let unread = 0;
  for (const frame of decoder.frames) {
    if (frame.value === null || clock.frameAt(frame.value) === undefined) unread += 1;
    else if (frame.value >= since) latenciesMs.push(frame.at - frame.value);
  }
  return { latenciesMs, unread };
}
