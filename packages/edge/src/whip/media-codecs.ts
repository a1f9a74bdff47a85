import type { RouterRtpCodecCapability, RtpHeaderExtensionUri } from "mediasoup/types";

/**
 * What a WHIP publisher may send. Opus and H.264 (packetization mode 1) go to the origin
 * as they are; VP8 is accepted too and turned into H.264 on the way (the origin
 * transcodes anyway, but its contribution is MPEG-TS, which cannot carry VP8).
 */
export const ROUTER_CODECS: RouterRtpCodecCapability[] = [
  { kind: "audio", mimeType: "audio/opus", clockRate: 48_000, channels: 2 },
  ...["42e01f", "4d0032", "640032"].map(
    (profileLevelId): RouterRtpCodecCapability => ({
      kind: "video",
      mimeType: "video/H264",
      clockRate: 90_000,
      parameters: { "packetization-mode": 1, "profile-level-id": profileLevelId, "level-asymmetry-allowed": 1 },
    }),
  ),
  { kind: "video", mimeType: "video/VP8", clockRate: 90_000 },
];

/**
 * H.264 profiles the router takes, as profile_idc plus the constraint bits that matter:
 * constrained baseline (42, constraint_set1), main (4d) and high (64).
 */
export function isAcceptedH264Profile(profileLevelId: string | undefined): boolean {
  // RFC 6184: a missing profile-level-id means 42000a, plain baseline, which we do not take.
  if (!profileLevelId || !/^[0-9a-f]{6}$/i.test(profileLevelId)) return false;
  const profile = profileLevelId.slice(0, 2).toLowerCase();
  const constraints = parseInt(profileLevelId.slice(2, 4), 16);
  return profile === "4d" || profile === "64" || (profile === "42" && (constraints & 0x40) !== 0);
}

/**
 * Header extensions kept from an offer: MID for demultiplexing, the congestion-control
 * pair that lets the browser's bandwidth estimate ramp up, and audio level.
 */
export const ACCEPTED_HEADER_EXTENSIONS: ReadonlySet<RtpHeaderExtensionUri> = new Set<RtpHeaderExtensionUri>([
  "urn:ietf:params:rtp-hdrext:sdes:mid",
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  "urn:ietf:params:rtp-hdrext:toffset",
]);

/** RTCP feedback kept per kind: loss repair and key-frame requests for video, congestion control for both. */
export const ACCEPTED_FEEDBACK: Readonly<Record<"audio" | "video", readonly string[]>> = {
  audio: ["transport-cc"],
  video: ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"],
};
