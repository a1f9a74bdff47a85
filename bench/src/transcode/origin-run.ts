/**
 * "Through the origin": a real Origin in this process, fed by its own file contribution
 * (FFmpeg remuxing a looped MPEG-TS file at real-time pace), transcoding with its own
 * arguments and packaging with the Rust packager, parts announced on JetStream. CPU time is
 * read over a window that starts and ends on part boundaries of the first rung, so the video
 * produced in the window is exactly the sum of the part durations.
 */
import { createLogger } from "@tributary/common";
import { loadOriginConfig, Origin, type OriginConfig } from "@tributary/origin";
import { difference, selfCpuSeconds, snapshot, type CpuSnapshot, type WindowSample } from "./cpu-sample.js";
import { childProcesses, processArgv } from "../proc.js";

type LiveStream = NonNullable<ReturnType<Origin["registry"]["get"]>>;

/** Origin settings a person may set in the environment to measure another configuration. */
const PASSED_THROUGH = ["LADDER", "X264_PRESET", "MAX_FRAME_RATE", "PART_TARGET_MS", "SEGMENT_TARGET_MS", "AUDIO_BITRATE_KBPS"];

export interface OriginWindowOptions {
  natsUrl: string;
  /** nats-server's pid, to report its share (outside the origin's figure). */
  natsPid: number | undefined;
  source: string;
  stream: string;
  warmupSeconds: number;
  windowSeconds: number;
}

export interface OriginWindow extends WindowSample {
  /** The transcoder's argument list, read from /proc: the baseline runs the same. */
  transcoderArgv: string[];
  renditions: string[];
  config: Pick<OriginConfig, "x264Preset" | "partTargetMs" | "segmentTargetMs" | "maxFrameRate">;
}

export async function measureOrigin(o: OriginWindowOptions): Promise<OriginWindow> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const config = loadOriginConfig({
    ...env,
    ORIGIN_PORT: "0",
    ORIGIN_ID: "bench-transcode",
    NATS_URL: o.natsUrl,
    TEST_STREAM: o.stream,
    TEST_STREAM_FILE: o.source,
  });
  const origin = new Origin(config, createLogger("origin", process.env.LOG_LEVEL ?? "warn"));
  try {
    await origin.start();
    const stream = origin.registry.get(o.stream);
    if (!stream) throw new Error(`the origin did not open its test stream ${o.stream}`);
    const window = await measureStream(stream, o);
    const { x264Preset, partTargetMs, segmentTargetMs, maxFrameRate } = config;
    return { ...window, config: { x264Preset, partTargetMs, segmentTargetMs, maxFrameRate } };
  } finally {
    await origin.close();
  }
}

function measureStream(stream: LiveStream, o: OriginWindowOptions): Promise<Omit<OriginWindow, "config">> {
  return new Promise((resolve, reject) => {
    let firstPartAt: number | undefined;
    let start: { cpu: CpuSnapshot; at: number; pids: Record<string, number>; restarts: number; argv: string[] } | undefined;
    let media = 0;
    const limitMs = 60_000 + (o.warmupSeconds + o.windowSeconds) * 2_000;
    const timer = setTimeout(() => finish(new Error(`no complete window within ${limitMs / 1000} s (stream state: ${stream.state})`)), limitMs);
    const finish = (error: Error | undefined, value?: Omit<OriginWindow, "config">) => {
      clearTimeout(timer);
      stream.off("part", onPart);
      if (error) reject(error);
      else resolve(value!);
    };
    const pidsNow = (): Record<string, number> => {
      const transcoder = stream.transcoderPid;
      if (transcoder === undefined) throw new Error("no transcoder is running");
      // The contribution process is this process's ffmpeg child reading the source file.
      const contribution = childProcesses(process.pid).find((c) => c.pid !== transcoder && c.argv.includes(o.source));
      if (!contribution) throw new Error("cannot find the contribution process");
      return { transcoder, contribution: contribution.pid, ...(o.natsPid === undefined ? {} : { nats: o.natsPid }) };
    };
    const onPart = (rendition: { name: string }, part: { duration: number }) => {
      try {
        if (rendition.name !== stream.renditions[0]?.name) return;
        const now = performance.now();
        firstPartAt ??= now;
        if (!start) {
          if (now - firstPartAt < o.warmupSeconds * 1000) return;
          const pids = pidsNow();
          const argv = processArgv(pids.transcoder!) ?? [];
          start = { cpu: snapshot(pids, { origin: selfCpuSeconds() }), at: now, pids, restarts: stream.restarts, argv };
          return;
        }
        media += part.duration;
        if (now - start.at < o.windowSeconds * 1000) return;
        const end = snapshot(start.pids, { origin: selfCpuSeconds() });
        if (stream.restarts !== start.restarts || stream.transcoderPid !== start.pids.transcoder) {
          throw new Error("the transcoder restarted during the measurement");
        }
        finish(undefined, {
          cpu: difference(end, start.cpu),
          mediaSeconds: media,
          wallSeconds: (now - start.at) / 1000,
          transcoderArgv: start.argv,
          renditions: stream.renditions.map((r) => r.name),
        });
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    stream.on("part", onPart);
  });
}
