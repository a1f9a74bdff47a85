import { readFileSync } from "node:fs";
import { HttpError } from "@tributary/common";
import * as sdpTransform from "sdp-transform";
import { describe, expect, it } from "vitest";
import { buildAnswer } from "./sdp-answer.js";
import { parseOffer } from "./sdp-offer.js";

/** A real offer from Debian's Chromium (fake camera and microphone, sendonly transceivers). */
const CHROMIUM_OFFER = readFileSync(new URL("../../test/fixtures/chromium-offer.sdp", import.meta.url), "utf8");

/** The offer with its SDP run through `edit` (parsed form) and written back. */
function edited(edit: (sdp: sdpTransform.SessionDescription) => void): string {
  const sdp = sdpTransform.parse(CHROMIUM_OFFER);
  edit(sdp);
  return sdpTransform.write(sdp);
}

function rejection(text: string): { status: number; code: string } {
  try {
    parseOffer(text);
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error("offer was accepted");
}

describe("WHIP offer parsing", () => {
  it("takes Chromium's audio and video, preferring H.264 over the VP8 it lists first", () => {
    const offer = parseOffer(CHROMIUM_OFFER);
    const [audio, video] = offer.sections.map((s) => s.producer!);
    expect(audio!.kind).toBe("audio");
    expect(audio!.rtpParameters.codecs[0]).toMatchObject({ mimeType: "audio/opus", clockRate: 48_000, channels: 2 });
    expect(video!.rtpParameters.codecs[0]!.mimeType).toBe("video/H264");
    expect(video!.rtpParameters.codecs[0]!.parameters).toMatchObject({ "packetization-mode": 1 });
    expect(String(video!.rtpParameters.codecs[0]!.parameters!["profile-level-id"])).toMatch(/^(42e0|4d|64)/);
    // RTX rides with its own SSRC (the FID group), for loss repair at the edge.
    expect(video!.rtpParameters.codecs[1]!.mimeType).toBe("video/rtx");
    expect(video!.rtpParameters.encodings![0]!.rtx?.ssrc).toBeGreaterThan(0);
    expect(video!.rtpParameters.rtcp?.cname).toBeTruthy();
    // Extensions the edge does not handle (orientation, rid, timing) are not kept.
    const uris = video!.rtpParameters.headerExtensions!.map((e) => e.uri);
    expect(uris).toContain("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
    expect(uris).not.toContain("urn:3gpp:video-orientation");
    expect(offer.dtls).toMatchObject({ localSetup: "passive", remoteRole: "client" });
  });

  it("falls back to VP8 when no usable H.264 is offered", () => {
    const text = edited((sdp) => {
      const video = sdp.media[1]!;
      const h264 = new Set(video.rtp.filter((r) => r.codec === "H264").map((r) => r.payload));
      video.rtp = video.rtp.filter((r) => !h264.has(r.payload));
    });
    expect(parseOffer(text).sections[1]!.producer!.rtpParameters.codecs[0]!.mimeType).toBe("video/VP8");
  });

  it.each([
    ["text that is not SDP", "hello", 400, "malformed_sdp"],
    ["an offer without DTLS fingerprint", edited((s) => s.media.forEach((m) => delete m.fingerprint)), 400, "malformed_sdp"],
    ["an offer without ICE credentials", edited((s) => s.media.forEach((m) => delete m.iceUfrag)), 400, "malformed_sdp"],
    ["an audio-only offer", edited((s) => (s.media = s.media.filter((m) => m.type === "audio"))), 422, "no_video"],
    ["a receive-only offer", edited((s) => s.media.forEach((m) => (m.direction = "recvonly"))), 422, "no_video"],
    [
      "video in neither H.264 nor VP8",
      edited((s) => (s.media[1]!.rtp = s.media[1]!.rtp.filter((r) => !["H264", "VP8"].includes(r.codec)))),
      422,
      "unsupported_codec",
    ],
    ["audio without Opus", edited((s) => (s.media[0]!.rtp = s.media[0]!.rtp.filter((r) => r.codec !== "opus"))), 422, "unsupported_codec"],
    ["simulcast", edited((s) => (s.media[1]!.rids = [{ id: "h", direction: "send" }])), 422, "simulcast_unsupported"],
  ])("rejects %s with %i %s", (_what, text, status, code) => {
    expect(rejection(text)).toEqual({ status, code });
  });
});

describe("WHIP answer", () => {
  const local = {
    iceParameters: { usernameFragment: "edgeufrag", password: "edgepassword0123456789", iceLite: true },
    iceCandidates: [
      { foundation: "udpcandidate", priority: 1076302079, address: "203.0.113.7", ip: "203.0.113.7", protocol: "udp" as const, port: 40001, type: "host" as const },
      { foundation: "tcpcandidate", priority: 1076276479, address: "203.0.113.7", ip: "203.0.113.7", protocol: "tcp" as const, port: 40002, type: "host" as const, tcpType: "passive" as const },
    ],
    dtlsParameters: { role: "auto" as const, fingerprints: [{ algorithm: "sha-256" as const, value: "AB:CD" }] },
  };

  it("answers every offered section in order, receive-only, bundled, ICE-lite, with the chosen codecs", () => {
    const offer = parseOffer(CHROMIUM_OFFER);
    const answer = sdpTransform.parse(buildAnswer(offer, local));
    expect(answer.icelite).toBe("ice-lite");
    expect(answer.fingerprint).toEqual({ type: "sha-256", hash: "AB:CD" });
    expect(answer.groups?.[0]).toEqual({ type: "BUNDLE", mids: "0 1" });
    expect(answer.media.map((m) => [m.type, String(m.mid), m.direction, m.setup])).toEqual([
      ["audio", "0", "recvonly", "passive"],
      ["video", "1", "recvonly", "passive"],
    ]);
    const video = answer.media[1]!;
    const chosen = offer.sections[1]!.producer!.rtpParameters.codecs;
    expect(video.rtp.map((r) => r.payload)).toEqual(chosen.map((c) => c.payloadType));
    expect(video.candidates?.map((c) => [c.transport, c.ip, c.port])).toEqual([
      ["udp", "203.0.113.7", 40001],
      ["tcp", "203.0.113.7", 40002],
    ]);
    expect(video.iceUfrag).toBe("edgeufrag");
  });

  it("rejects sections it does not receive with port 0, outside the bundle", () => {
    const text = edited((sdp) => sdp.media.push({ ...sdp.media[0]!, mid: "2" }));
    const answer = sdpTransform.parse(buildAnswer(parseOffer(text), local));
    expect(answer.media[2]).toMatchObject({ type: "audio", port: 0, direction: "inactive" });
    expect(answer.groups?.[0]?.mids).toBe("0 1");
  });
});
