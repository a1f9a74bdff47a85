import { HttpError } from "@tributary/common";
import type { DtlsFingerprint, DtlsRole, MediaKind, RtcpFeedback, RtpCodecParameters, RtpHeaderExtensionUri, RtpParameters } from "mediasoup/types";
import * as sdpTransform from "sdp-transform";
import type { SessionDescription } from "sdp-transform";
import { ACCEPTED_FEEDBACK, ACCEPTED_HEADER_EXTENSIONS, isAcceptedH264Profile } from "./media-codecs.js";

/** One m-section of the offer, as the answer must mirror it. */
export interface OfferedSection {
  kind: string;
  mid: string;
  protocol: string;
  /** The first payload type offered, for answering a rejected section. */
  firstPayload: string;
  /** Present for the audio and video sections the edge receives; absent for rejected ones. */
  producer?: { kind: MediaKind; rtpParameters: RtpParameters };
}

/** What the edge takes from a WHIP offer. */
export interface PublishOffer {
  sections: OfferedSection[];
  /** The browser's DTLS role as the edge must declare it to mediasoup, and the edge's own. */
  dtls: { remoteRole: DtlsRole; localSetup: "active" | "passive"; fingerprints: DtlsFingerprint[] };
  iceUfrag: string;
  icePwd: string;
}

const FINGERPRINT_ALGORITHMS = new Set(["sha-1", "sha-224", "sha-256", "sha-384", "sha-512"]);
/** An offer with more sections than this is not from a publisher. */
const MAX_SECTIONS = 8;

/**
 * Reads a WHIP offer into mediasoup producer parameters: the first audio and the first
 * video section that send are received, anything else is answered as rejected. Throws
 * HttpError 400 for SDP that does not parse or lacks ICE/DTLS, 422 for offers the edge
 * cannot take (no video, no usable codec, simulcast).
 */
export function parseOffer(text: string): PublishOffer {
  let sdp: SessionDescription;
  try {
    sdp = sdpTransform.parse(text);
  } catch (error) {
    throw new HttpError(400, "malformed_sdp", `offer does not parse as SDP: ${(error as Error).message}`);
  }
  if (sdp.version !== 0 || !Array.isArray(sdp.media) || sdp.media.length === 0) {
    throw new HttpError(400, "malformed_sdp", "offer is not an SDP session description with media sections");
  }
  if (sdp.media.length > MAX_SECTIONS) throw new HttpError(400, "malformed_sdp", `offer has more than ${MAX_SECTIONS} media sections`);

  const first = sdp.media[0]!;
  const iceUfrag = first.iceUfrag ?? sdp.iceUfrag;
  const icePwd = first.icePwd ?? sdp.icePwd;
  const fingerprint = first.fingerprint ?? sdp.fingerprint;
  const setup = first.setup ?? sdp.setup;
  if (!iceUfrag || !icePwd) throw new HttpError(400, "malformed_sdp", "offer has no ice-ufrag/ice-pwd");
  if (!fingerprint || !FINGERPRINT_ALGORITHMS.has(fingerprint.type.toLowerCase())) {
    throw new HttpError(400, "malformed_sdp", "offer has no DTLS fingerprint of a supported hash");
  }

  const taken = new Set<MediaKind>();
  const mids = new Set<string>();
  const sections = sdp.media.map((media): OfferedSection => {
    const mid = media.mid === undefined ? "" : String(media.mid);
    if (!mid || mids.has(mid)) throw new HttpError(400, "malformed_sdp", "every media section needs its own a=mid");
    mids.add(mid);
    const section = { kind: media.type, mid, protocol: media.protocol, firstPayload: String(media.payloads ?? "").split(" ")[0] ?? "" };
    const kind = media.type;
    if ((kind !== "audio" && kind !== "video") || taken.has(kind) || media.port === 0) return section;
    if (media.direction !== "sendonly" && media.direction !== "sendrecv") return section;
    if (!/^UDP\/TLS\/RTP\/SAVPF$/i.test(media.protocol)) {
      throw new HttpError(422, "unsupported_transport", `${kind} section uses ${media.protocol}, not UDP/TLS/RTP/SAVPF`);
    }
    taken.add(kind);
    return { ...section, producer: { kind, rtpParameters: rtpParameters(kind, mid, media) } };
  });
  if (!taken.has("video")) throw new HttpError(422, "no_video", "offer sends no video: a broadcast needs a camera or screen track");

  // The edge takes the DTLS server role unless the browser insists on it: mediasoup's
  // well-trodden path, and no client-side cookie exchange to get wrong (RFC 5763 allows it).
  const remoteSetup = setup ?? "actpass";
  if (!["actpass", "active", "passive"].includes(remoteSetup)) throw new HttpError(400, "malformed_sdp", `a=setup:${remoteSetup} is not valid`);
  const localSetup = remoteSetup === "passive" ? "active" : "passive";
  return {
    sections,
    dtls: {
      remoteRole: localSetup === "active" ? "server" : "client",
      localSetup,
      fingerprints: [{ algorithm: fingerprint.type.toLowerCase() as DtlsFingerprint["algorithm"], value: fingerprint.hash }],
    },
    iceUfrag,
    icePwd,
  };
}

type Media = SessionDescription["media"][number];

function rtpParameters(kind: MediaKind, mid: string, media: Media): RtpParameters {
  if (media.simulcast || media.rids?.length || media.ssrcGroups?.some((g) => g.semantics === "SIM")) {
    throw new HttpError(422, "simulcast_unsupported", "simulcast is not supported: send one encoding per track");
  }
  const codec = chooseCodec(kind, media);
  const rtx = media.rtp.find((r) => r.codec.toLowerCase() === "rtx" && fmtp(media, r.payload).apt === String(codec.payloadType));
  const ssrcs = [...new Set((media.ssrcs ?? []).map((s) => Number(s.id)))];
  const fid = media.ssrcGroups?.find((g) => g.semantics === "FID")?.ssrcs.split(" ").map(Number);
  const ssrc = fid?.[0] ?? ssrcs[0];
  if (ssrc === undefined || !Number.isInteger(ssrc) || ssrc <= 0 || ssrc > 0xffff_ffff) {
    throw new HttpError(422, "no_ssrc", `${kind} section announces no a=ssrc`);
  }
  const rtxSsrc = fid?.[1];
  const cname = media.ssrcs?.find((s) => s.attribute === "cname")?.value;
  const codecs: RtpCodecParameters[] = [codec];
  if (rtx && rtxSsrc) codecs.push({ mimeType: `${kind}/rtx`, payloadType: rtx.payload, clockRate: rtx.rate ?? 90_000, parameters: { apt: codec.payloadType } });
  return {
    mid,
    codecs,
    headerExtensions: (media.ext ?? [])
      .filter((e) => ACCEPTED_HEADER_EXTENSIONS.has(e.uri as RtpHeaderExtensionUri))
      .map((e) => ({ uri: e.uri as RtpHeaderExtensionUri, id: e.value })),
    encodings: [rtx && rtxSsrc ? { ssrc, rtx: { ssrc: rtxSsrc } } : { ssrc }],
    rtcp: { cname, reducedSize: media.rtcpRsize !== undefined },
  };
}

/**
 * The codec to receive: Opus for audio; for video the first offered H.264 the router takes,
 * else VP8 (H.264 goes to the origin untouched, VP8 costs an encode at the edge).
 */
function chooseCodec(kind: MediaKind, media: Media): RtpCodecParameters {
  const usable = (rtp: Media["rtp"][number]) => {
    const name = rtp.codec.toLowerCase();
    const parameters = fmtp(media, rtp.payload);
    if (kind === "audio") return name === "opus" && rtp.rate === 48_000;
    return name === "h264" && parameters["packetization-mode"] === "1" && isAcceptedH264Profile(parameters["profile-level-id"]);
  };
  const rtp = media.rtp.find(usable) ?? (kind === "video" ? media.rtp.find((r) => r.codec.toLowerCase() === "vp8") : undefined);
  if (!rtp) {
    const wanted = kind === "audio" ? "Opus" : "H.264 (packetization-mode=1, constrained baseline/main/high) or VP8";
    throw new HttpError(422, "unsupported_codec", `no ${kind} codec the edge takes was offered: send ${wanted}`);
  }
  return {
    mimeType: `${kind}/${rtp.codec}`,
    payloadType: rtp.payload,
    clockRate: rtp.rate ?? 90_000,
    ...(kind === "audio" ? { channels: Number(rtp.encoding ?? 2) } : {}),
    parameters: codecParameters(fmtp(media, rtp.payload)),
    rtcpFeedback: feedback(kind, media, rtp.payload),
  };
}

/** An a=fmtp line as lower-cased keys and raw values. */
function fmtp(media: Media, payload: number): Record<string, string> {
  return Object.fromEntries(
    (media.fmtp.find((f) => f.payload === payload)?.config ?? "")
      .split(";")
      .map((kv) => kv.trim().split("="))
      .filter((kv): kv is [string, string] => kv.length === 2)
      .map(([k, v]) => [k.toLowerCase(), v]),
  );
}

/** fmtp values as mediasoup reads them: numbers, except profile-level-id, which is hex text. */
function codecParameters(parameters: Record<string, string>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(parameters).map(([k, v]) => [k, k !== "profile-level-id" && /^\d{1,9}$/.test(v) ? Number(v) : v]),
  );
}

function feedback(kind: MediaKind, media: Media, payload: number): RtcpFeedback[] {
  return (media.rtcpFb ?? [])
    .filter((fb) => fb.payload === payload || fb.payload === "*")
    .map((fb) => ({ type: fb.type, parameter: fb.subtype ?? "" }))
    .filter((fb) => ACCEPTED_FEEDBACK[kind].includes(`${fb.type} ${fb.parameter}`.trim()));
}
