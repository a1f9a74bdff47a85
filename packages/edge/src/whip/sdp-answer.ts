import { randomInt } from "node:crypto";
import type { DtlsParameters, IceCandidate, IceParameters } from "mediasoup/types";
import * as sdpTransform from "sdp-transform";
import type { MediaDescription, SessionDescription } from "sdp-transform";
import type { OfferedSection, PublishOffer } from "./sdp-offer.js";

/** The edge side of a WebRTC transport, as the answer announces it. */
export interface LocalTransport {
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
}

/**
 * The SDP answer to a WHIP offer: ICE-lite (mediasoup never gathers), every section
 * bundled on one transport, receive-only, with the codec, RTX, header extensions and
 * feedback the offer parsing kept. Sections the edge does not take are rejected (port 0).
 */
export function buildAnswer(offer: PublishOffer, local: LocalTransport): string {
  const fingerprint = local.dtlsParameters.fingerprints.find((f) => f.algorithm === "sha-256") ?? local.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new Error("mediasoup transport has no DTLS fingerprint");
  const accepted = offer.sections.filter((s) => s.producer);
  const answer: SessionDescription = {
    version: 0,
    origin: { username: "tributary", sessionId: randomInt(1, 2 ** 47), sessionVersion: 1, netType: "IN", ipVer: 4, address: "0.0.0.0" },
    name: "-",
    timing: { start: 0, stop: 0 },
    icelite: "ice-lite",
    fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
    groups: [{ type: "BUNDLE", mids: accepted.map((s) => s.mid).join(" ") }],
    msidSemantic: { semantic: "WMS", token: "*" },
    media: offer.sections.map((section) => (section.producer ? receivingSection(section, offer, local) : rejectedSection(section))),
  };
  return sdpTransform.write(answer);
}

function receivingSection(section: OfferedSection, offer: PublishOffer, local: LocalTransport): MediaDescription {
  const { rtpParameters } = section.producer!;
  const media: MediaDescription = {
    type: section.kind,
    port: 9,
    protocol: section.protocol,
    payloads: rtpParameters.codecs.map((c) => c.payloadType).join(" "),
    connection: { version: 4, ip: "0.0.0.0" },
    mid: section.mid,
    direction: "recvonly",
    iceUfrag: local.iceParameters.usernameFragment,
    icePwd: local.iceParameters.password,
    setup: offer.dtls.localSetup,
    rtcpMux: "rtcp-mux",
    rtcpRsize: "rtcp-rsize",
    candidates: local.iceCandidates.map((c) => ({
      foundation: c.foundation,
      component: 1,
      transport: c.protocol,
      priority: c.priority,
      ip: c.address,
      port: c.port,
      type: c.type,
      ...(c.tcpType ? { tcptype: c.tcpType } : {}),
    })),
    endOfCandidates: "end-of-candidates",
    rtp: rtpParameters.codecs.map((c) => ({
      payload: c.payloadType,
      codec: c.mimeType.split("/")[1]!,
      rate: c.clockRate,
      ...(c.channels && c.channels > 1 ? { encoding: c.channels } : {}),
    })),
    fmtp: rtpParameters.codecs
      .filter((c) => c.parameters && Object.keys(c.parameters).length > 0)
      .map((c) => ({ payload: c.payloadType, config: Object.entries(c.parameters!).map(([k, v]) => `${k}=${String(v)}`).join(";") })),
    rtcpFb: rtpParameters.codecs.flatMap((c) =>
      (c.rtcpFeedback ?? []).map((fb) => ({ payload: c.payloadType, type: fb.type, ...(fb.parameter ? { subtype: fb.parameter } : {}) })),
    ),
    ext: (rtpParameters.headerExtensions ?? []).map((e) => ({ value: e.id, uri: e.uri })),
  };
  return media;
}

/** JSEP rejection of a section: port 0, not bundled, no transport attributes. */
function rejectedSection(section: OfferedSection): MediaDescription {
  return {
    type: section.kind,
    port: 0,
    protocol: section.protocol,
    payloads: section.firstPayload,
    connection: { version: 4, ip: "0.0.0.0" },
    mid: section.mid,
    direction: "inactive",
    rtp: [],
    fmtp: [],
  };
}
