/** The parts of an `RTCRtpCodec` the ordering looks at. */
export interface CodecInfo {
  mimeType: string;
  sdpFmtpLine?: string | undefined;
}

/** Retransmission, redundancy and FEC entries: they protect the media codecs and stay offered. */
const RESILIENCE = new Set(["video/rtx", "video/red", "video/ulpfec", "video/flexfec-03"]);

/**
 * Video codec preferences for the offer: H.264 with packetization-mode=1 first (the
 * cluster's ladder and players are H.264; mode 0 forbids fragmenting a frame across
 * packets), Constrained Baseline ahead of other profiles (the one RFC 7742 requires of
 * every WebRTC endpoint, so the ingest surely accepts it), then VP8 as the fallback, then
 * the resilience entries. Other codecs (VP9, AV1, H.264 mode 0) are left out. Returns an
 * empty list, meaning "keep the browser's defaults", when it offers neither H.264 nor VP8.
 */
export function preferredVideoCodecs<T extends CodecInfo>(codecs: readonly T[]): T[] {
  const h264 = codecs.filter((codec) => isMime(codec, "video/h264") && fmtp(codec).get("packetization-mode") === "1");
  const vp8 = codecs.filter((codec) => isMime(codec, "video/vp8"));
  if (h264.length === 0 && vp8.length === 0) return [];
  const baselineFirst = [...h264.filter(isConstrainedBaseline), ...h264.filter((codec) => !isConstrainedBaseline(codec))];
  return [...baselineFirst, ...vp8, ...codecs.filter((codec) => RESILIENCE.has(codec.mimeType.toLowerCase()))];
}

function isMime(codec: CodecInfo, mimeType: string): boolean {
  return codec.mimeType.toLowerCase() === mimeType;
}

/** `a=fmtp` parameters: "level-asymmetry-allowed=1;packetization-mode=1" → map. */
function fmtp(codec: CodecInfo): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of (codec.sdpFmtpLine ?? "").split(";")) {
    const [key, value = ""] = part.split("=", 2);
    if (key !== undefined && key.trim() !== "") parameters.set(key.trim().toLowerCase(), value.trim());
  }
  return parameters;
}

/** profile-level-id with profile_idc 0x42 (Baseline) and constraint_set1_flag set: Constrained Baseline. */
function isConstrainedBaseline(codec: CodecInfo): boolean {
  const id = fmtp(codec).get("profile-level-id") ?? "";
  if (!/^[0-9a-f]{6}$/i.test(id)) return false;
  return id.slice(0, 2).toLowerCase() === "42" && (Number.parseInt(id.slice(2, 4), 16) & 0x40) !== 0;
}
