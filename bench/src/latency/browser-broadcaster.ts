import type { Browser, Page } from "playwright-core";
import { clockCodeScript } from "./clock-code.js";

export interface BrowserBroadcasterOptions {
  /** The edge's base URL: the page is served on its origin and publishes to `{edge}/whip`. */
  edge: string;
  /** The stream key, sent as the WHIP bearer token. */
  key: string;
  width: number;
  height: number;
  frameRate: number;
  /** The sender's video bit-rate cap, kbit/s. */
  maxKbps: number;
}

/** What the page's video sender reported about itself (WebRTC stats), for the notes. */
export interface SenderReport {
  /** The negotiated codec, e.g. `video/H264`. */
  codec: string;
  framesDrawn: number;
  /** Frames the canvas track delivered to the sender (`media-source` stats). */
  framesCaptured: number;
  framesEncoded: number;
  /** `totalEncodeTime / framesEncoded`: the encoder's own time per frame, ms. */
  meanEncodeMs: number;
  width: number;
  height: number;
  /** Mean sent video bit rate since the connection came up, kbit/s. */
  kbps: number;
  qualityLimitation: string;
}

/**
 * Runs in the page (as a string: the bundler must not touch it). Draws the clock code onto a
 * canvas at `frameRate` with the page's own `Date.now()` as each frame's capture time, adds a
 * WebAudio tone, and publishes both over WHIP as the broadcast page does: H.264
 * (packetization mode 1, constrained baseline first) preferred over VP8, the bit rate capped,
 * resolution kept under congestion. Resolves to "ok" once the peer connection is up.
 */
const BROADCASTER = `(async (o) => {
  ${clockCodeScript()}
  const canvas = document.createElement("canvas");
  canvas.width = o.width;
  canvas.height = o.height;
  document.body.append(canvas);
  const ctx = canvas.getContext("2d", { alpha: false });
  const state = { captures: [], drawn: 0, session: null, pc: null, connectedAt: 0, timer: 0 };
  window.__broadcaster = state;
  const start = performance.now();
  const draw = () => {
    const captured = Date.now();
    const bits = clockBits(captured);
    for (let i = 0; i < CLOCK_CELLS; i++) {
      const [x0, y0, x1, y1] = cellBounds(i, o.width, o.height);
      ctx.fillStyle = bits[i] === 1 ? "#fff" : "#000";
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
    state.captures.push(captured);
    state.drawn += 1;
    state.timer = setTimeout(draw, Math.max(0, start + (state.drawn * 1000) / o.frameRate - performance.now()));
  };
  draw();
  const video = canvas.captureStream(o.frameRate).getVideoTracks()[0];
  const audioContext = new AudioContext();
  await audioContext.resume();
  const tone = audioContext.createOscillator();
  const gain = audioContext.createGain();
  gain.gain.value = 0.2;
  const sink = audioContext.createMediaStreamDestination();
  tone.connect(gain).connect(sink);
  tone.start();
  const audio = sink.stream.getAudioTracks()[0];

  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  state.pc = pc;
  pc.addTransceiver(audio, { direction: "sendonly" });
  const transceiver = pc.addTransceiver(video, { direction: "sendonly", sendEncodings: [{ maxBitrate: o.maxKbps * 1000 }] });
  const offered = RTCRtpSender.getCapabilities("video").codecs;
  const fmtp = (c) => c.sdpFmtpLine || "";
  const h264 = offered.filter((c) => c.mimeType.toLowerCase() === "video/h264" && /packetization-mode=1/.test(fmtp(c)));
  const ranked = [
    ...h264.filter((c) => /profile-level-id=42e0/i.test(fmtp(c))),
    ...h264.filter((c) => !/profile-level-id=42e0/i.test(fmtp(c))),
    ...offered.filter((c) => c.mimeType.toLowerCase() === "video/vp8"),
    ...offered.filter((c) => /\\/(rtx|red|ulpfec)$/i.test(c.mimeType)),
  ];
  transceiver.setCodecPreferences(ranked);
  await pc.setLocalDescription(await pc.createOffer());
  const response = await fetch("/whip", {
    method: "POST",
    headers: { "content-type": "application/sdp", authorization: "Bearer " + o.key },
    body: pc.localDescription.sdp,
  });
  const answer = await response.text();
  if (response.status !== 201) return "WHIP answered " + response.status + ": " + answer;
  state.session = new URL(response.headers.get("location"), location.href).href;
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  const parameters = transceiver.sender.getParameters();
  parameters.degradationPreference = "maintain-resolution";
  await transceiver.sender.setParameters(parameters);
  const deadline = Date.now() + 15000;
  while (pc.connectionState !== "connected") {
    if (pc.connectionState === "failed" || Date.now() > deadline) return "the peer connection is " + pc.connectionState;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  state.connectedAt = Date.now();
  return "ok";
})`;

/** The video sender's stats, as a {@link SenderReport}. */
const REPORT = `(async () => {
  const s = window.__broadcaster;
  const stats = [...(await s.pc.getStats()).values()];
  const out = stats.find((r) => r.type === "outbound-rtp" && r.kind === "video") || {};
  const codec = stats.find((r) => r.type === "codec" && r.id === out.codecId) || {};
  const source = stats.find((r) => r.type === "media-source" && r.kind === "video") || {};
  const seconds = (Date.now() - s.connectedAt) / 1000;
  return {
    codec: codec.mimeType || "?",
    framesDrawn: s.drawn, framesCaptured: source.frames || 0, framesEncoded: out.framesEncoded || 0,
    meanEncodeMs: out.framesEncoded ? (1000 * out.totalEncodeTime) / out.framesEncoded : NaN,
    width: out.frameWidth || 0, height: out.frameHeight || 0,
    kbps: seconds > 0 ? ((out.bytesSent || 0) * 8) / seconds / 1000 : 0,
    qualityLimitation: out.qualityLimitationReason || "?",
  };
})()`;

/** Stops drawing, ends the WHIP session (DELETE with the key) and hands back every capture time. */
const STOP = `(async (key) => {
  const s = window.__broadcaster;
  clearTimeout(s.timer);
  if (s.session) await fetch(s.session, { method: "DELETE", headers: { authorization: "Bearer " + key } }).catch(() => undefined);
  s.pc?.close();
  return s.captures;
})`;

/** A blank page on the edge's origin, so that the WHIP request is same-origin. */
const PAGE_PATH = "/__latency-bench/broadcaster";

/**
 * A browser broadcaster whose picture is its own clock: a page in headless Chromium draws
 * the clock code (clock-code.ts) on a canvas and publishes `captureStream` with a tone over
 * WHIP to the edge, as a broadcaster's browser on the broadcast page would. `captures` holds
 * each drawn frame's capture time (the page's `Date.now()`; Chromium and Node share the
 * clock), read from the page when it closes.
 */
export class BrowserBroadcaster {
  readonly captures: number[] = [];
  private readonly index = new Map<number, number>();
  private page: Page | undefined;

  constructor(
    private readonly browser: Browser,
    readonly options: BrowserBroadcasterOptions,
  ) {}

  /** Opens the page and publishes; resolves once the peer connection is up. */
  async start(): Promise<void> {
    const page = await this.browser.newPage();
    this.page = page;
    const url = `${this.options.edge}${PAGE_PATH}`;
    await page.route(url, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>clock broadcaster</title><body></body>" }));
    await page.goto(url);
    const { key, width, height, frameRate, maxKbps } = this.options;
    const started = await page.evaluate<string>(`${BROADCASTER}(${JSON.stringify({ key, width, height, frameRate, maxKbps })})`);
    if (started !== "ok") throw new Error(`the browser broadcaster did not go live: ${started}`);
  }

  /** The frame index whose capture time is `ms`, if the page drew it (known once closed). */
  frameAt(ms: number): number | undefined {
    return this.index.get(ms);
  }

  /** The video sender's stats now; undefined before `start`. */
  async report(): Promise<SenderReport | undefined> {
    return this.page?.evaluate<SenderReport>(REPORT);
  }

  /** Ends the session and closes the page; idempotent. */
  async close(): Promise<void> {
    const page = this.page;
    if (!page) return;
    this.page = undefined;
    const captures = await page.evaluate<number[]>(`${STOP}(${JSON.stringify(this.options.key)})`).catch(() => []);
    for (const captured of captures) {
      this.index.set(captured, this.captures.length);
      this.captures.push(captured);
    }
    await page.close();
  }
}
