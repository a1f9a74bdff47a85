/** The latency result's notes (Markdown): what each path measured, how, and under which conditions. */
import { availableParallelism } from "node:os";
import { median, percentile } from "../stats.js";
import type { SenderReport } from "./browser-broadcaster.js";
import { budgetTable } from "./budget.js";
import type { CodecFloor } from "./codec-floor.js";
import type { LatencyPlan } from "./index.js";
import type { RunResult } from "./player-runs.js";
import type { PathResult } from "./publish-and-play.js";

export interface NotesInput {
  plan: LatencyPlan;
  floor: CodecFloor;
  srt: PathResult;
  /** The browser broadcaster's path, or why it failed. */
  whip: { path: PathResult; sender: SenderReport | undefined } | { error: string };
  /** 1-minute load averages sampled every 5 s. */
  load: number[];
  ladder: string;
  streams: { srt: string; whip: string };
  whipMaxKbps: number;
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "—");

/** When the players could join: how long after publishing started the start-up backlog had drained. */
function settled(path: PathResult): string {
  return path.settledIn === undefined ? " (it never did within 45 s: start-up backlog included)" : ` (${Math.round(path.settledIn / 1000)} s after publishing started)`;
}

/** One row per player run: frames, percentiles, hls.js latency, stalls, drops, catch-up, switches, start-up. */
function runTable(runs: RunResult[]): string {
  const rows = runs.map((r, i) => {
    const g = r.displays.filter((d) => d.captured !== null).map((d) => d.displayedAt - d.captured!);
    const hls = r.hlsLatencyMs.map((s) => s.ms);
    return (
      `| ${i + 1} | ${g.length} | ${ms(median(g))} | ${ms(percentile(g, 95))} | ${ms(percentile(g, 99))} | ${ms(median(hls))} | ` +
      `${r.stalls} (${r.stallsSinceStart} since start) | ${r.droppedFrames}/${r.totalFrames} | ${Math.round(100 * r.catchUpShare)} % | ${r.levelSwitches} | ${ms(r.startupMs)} |`
    );
  });
  return [
    `| run | frames | p50 | p95 | p99 | hls.js latency p50 | stalls in window | dropped/total frames | time catching up | level switches | page → first frame |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    ...rows,
  ].join("\n");
}

export function latencyNotes(n: NotesInput): string {
  const { plan, floor, srt } = n;
  const s = plan.source;
  const glass = srt.journeys.length;
  const player = srt.budget.stages.find((x) => x.stage.id === "player");
  const upstream = srt.budget.stages.filter((x) => x.stage.id !== "player").reduce((sum, x) => sum + (Number.isFinite(x.medianMs) ? x.medianMs : 0), 0);
  return [
    `**What is measured.** A clock-coded camera (bench/src/latency/clock-source.ts) draws each frame's capture time (\`Date.now()\` when the frame is handed to the encoder) ` +
      `as a 16 x 6 grid of black and white cells (sync row, 64-bit ms, CRC-16), ${s.width}x${s.height} at ${s.frameRate} fps, and FFmpeg encodes it as a broadcaster would ` +
      `(libx264 ${s.preset} zerolatency, ${s.videoKbps} kbit/s, GOP ${s.gop}, AAC tone, MPEG-TS) and publishes it over SRT to the edge of a single-node cluster in this process ` +
      `(nats-server, origin with LADDER=${n.ladder} and X264_PRESET=ultrafast, edge; PART_TARGET_MS=${plan.partTargetMs}, SRT latency ${plan.srtLatencyMs} ms on both hops, as for loopback; SRT's default is 120 ms, LATENCY_SRT_MS sets it). ` +
      `Headless Chromium plays \`/watch/${n.streams.srt}\` (the edge's watch page: hls.js in low-latency mode); a sampler in the page draws every frame the \`<video>\` presents onto a canvas ` +
      `in its \`requestVideoFrameCallback\`, reads the clock back and takes glass-to-glass latency = display time (\`expectedDisplayTime\` on the wall clock) − capture time: ` +
      `one machine, one clock. ${plan.runs} run(s) of ${plan.seconds} s, each a fresh page measured after ${plan.warmupSeconds} s of playback; ` +
      `the player was opened once the origin's input had caught up with the encoder${settled(srt)}. ` +
      `A browser broadcaster publishing over WHIP is measured the same way afterwards (below); figures without a prefix are the SRT path's, "WHIP" ones the browser's.`,
    "",
    runTable(srt.runs),
    "",
    `**Baseline (codec floor).** Before the cluster starts, the same clock source with the same encoder settings is piped (MPEG-TS, no SRT, no network) straight into an FFmpeg ` +
      `decoder in this process for ${plan.floorSeconds} s: latency = decoded picture back in Node − the capture time it shows. That is the floor any glass-to-glass figure ` +
      `here includes (capture, x264, TS mux, H.264 decode), without transport, transcoding, packaging, the player's hold-back or display: ` +
      `p50 ${ms(median(floor.latenciesMs))}, p95 ${ms(percentile(floor.latenciesMs, 95))} over ${floor.latenciesMs.length} frames (${floor.unread} unreadable). ` +
      `Ratios in the SRT figures are glass-to-glass / floor.`,
    "",
    `**Where the time goes (per-stage budget).** Every displayed frame is followed through the stamps the services expose: the publisher's encoder output ` +
      `(FFmpeg's tee muxer hands the same MPEG-TS to the benchmark), the origin's \`LiveStream\` \`input\` event (contribution MPEG-TS into the transcoder) and \`output\` ` +
      `event (the rung's fMP4 out of it), the packager's part (\`closedAt\`), the edge's \`partListed\` event (manifest arrival, part listed), the benchmark's own blocking ` +
      `playlist reloads on the same edge (released), and the page's display time. Frames are matched by PTS on the MPEG-TS side (the relay and the origin's remux keep it) ` +
      `and, after the transcoder, by decoding the rung's output with FFmpeg and reading the clock code (so the frame → fragment → part mapping is exact). ` +
      `Medians over the ${srt.budget.complete} displayed frames with every stamp (of ${glass}):`,
    "",
    budgetTable(srt.budget),
    "",
    `Not stamped separately: arrival at the edge's SRT ingest (the Rust relay forwards SRT messages without exposing per-message times), so "SRT to the edge, relay, receive/remux" ` +
      `is one stage; it holds two SRT receive buffers (TSBPD, ${plan.srtLatencyMs} ms each) and the origin's remux. "Released" is when the benchmark's own held \`_HLS_msn/_HLS_part\` reload came ` +
      `back; the player's reloads are released by the same listing. The player stage is everything after that: sitting ${ms(player?.medianMs ?? Number.NaN)} behind the release ` +
      `because hls.js aims to stay its target latency behind the live edge (the watch page sets it to PART-HOLD-BACK + one part target), plus loading the part, MSE buffering, ` +
      `decode and display. Playlist: \`${srt.serverControl}\`. Upstream of the player the stages sum to ${ms(upstream)}.`,
    "",
    whipNotes(n),
    "",
    `**Conditions.** 1-minute load average ${n.load[0]!.toFixed(1)} at the start, ${Math.min(...n.load).toFixed(1)}-${Math.max(...n.load).toFixed(1)} during the run, ` +
      `on ${availableParallelism()} cores: everything here (two encoders, the transcoder, Node, Chromium's software decode and compositing) shares them, and with other work on the ` +
      `machine the contention shows up as transcode time, dropped frames, stalls and a player that falls behind and catches up (see the latency-over-time chart). ` +
      `The SRT camera captured ${srt.captured} frames; the transcoder output was read back for ${srt.timeline.counts.output > 0 ? "every fragment" : "no fragment"}` +
      `${srt.timeline.decoderErrors ? ` (decoder: ${srt.timeline.decoderErrors})` : ""}. Goals (issue 5): p50 ≤ 1.0 s, p95 ≤ 1.5 s, no stall after start-up, for both paths.`,
  ].join("\n");
}

function whipNotes(n: NotesInput): string {
  const { plan } = n;
  const s = plan.source;
  const what =
    `**WHIP: a browser broadcaster.** After the SRT runs, in the same cluster, a second page of the same headless Chromium (bench/src/latency/browser-broadcaster.ts) ` +
    `draws the same clock code (clock-code.ts's own functions, injected into the page) onto a ${s.width}x${s.height} canvas ${s.frameRate} times a second, with the page's ` +
    `\`Date.now()\` as each frame's capture time (Chromium and Node read the same wall clock), and publishes \`canvas.captureStream(${s.frameRate})\` and a WebAudio tone ` +
    `over WHIP (\`POST /whip\`, the stream key as bearer token) as the broadcast page does: H.264 preferred through \`setCodecPreferences\` (VP8 otherwise), video capped ` +
    `at ${n.whipMaxKbps} kbit/s, \`degradationPreference: maintain-resolution\`. The edge's mediasoup receives it and FFmpeg remuxes the RTP into MPEG-TS over SRT to the ` +
    `origin; from there on the path is the SRT one's. The viewer is a fresh \`/watch/${n.streams.whip}\` page with the same sampler. ` +
    `${plan.whip.runs} run(s) of ${plan.whip.seconds} s after ${plan.warmupSeconds} s of playback.`;
  if ("error" in n.whip) return `${what}\n\n**The WHIP path failed:** ${n.whip.error}`;
  const { path, sender } = n.whip;
  const sent = sender
    ? ` Chromium sent ${sender.codec} at ${sender.width}x${sender.height}, ${Math.round(sender.kbps)} kbit/s on average; of the ${sender.framesDrawn} frames drawn ` +
      `the canvas track delivered ${sender.framesCaptured} to the sender, which encoded ${sender.framesEncoded} (both before the network), ` +
      `${sender.meanEncodeMs.toFixed(1)} ms of encoder time per frame (\`totalEncodeTime\`), quality limitation: ${sender.qualityLimitation}.`
    : "";
  return [
    `${what} Players joined once the transcoder's output trailed capture by under 500 ms${settled(path)}.${sent} ` +
      `Ratios in the WHIP figures are WHIP / SRT (same run, same cluster).`,
    "",
    runTable(path.runs),
    "",
    `Stages: the edge hands a browser's frames on with PTS derived from RTP timestamps, which the benchmark cannot tie to capture times without decoding the ` +
      `contribution a second time, so the first stage runs from capture in the page to the rung's fMP4 out of the transcoder (identified, as for SRT, by decoding it) and ` +
      `holds the browser's encode and pacing, WebRTC to the edge, the edge's remux, SRT to the origin and the transcode. Medians over the ${path.budget.complete} ` +
      `displayed frames with every stamp (of ${path.journeys.length}):`,
    "",
    budgetTable(path.budget),
  ].join("\n");
}
