/**
 * A small LL-HLS media playlist parser for tests: independent of the Rust renderer, so
 * tests check what a client reads, not what the server meant to write.
 */

export interface ParsedPart {
  duration: number;
  uri: string;
  independent: boolean;
}

export interface ParsedSegment {
  msn: number;
  /** EXTINF duration; undefined for the open segment (parts only). */
  duration: number | undefined;
  uri: string | undefined;
  parts: ParsedPart[];
  discontinuity: boolean;
  gap: boolean;
  map: string | undefined;
  programDateTime: string | undefined;
}

export interface ParsedMediaPlaylist {
  version: number;
  targetDuration: number;
  partTarget: number;
  serverControl: Record<string, string>;
  mediaSequence: number;
  discontinuitySequence: number;
  skipped: number;
  segments: ParsedSegment[];
  preloadHint: string | undefined;
  renditionReports: { uri: string; lastMsn: number; lastPart: number | undefined }[];
  ended: boolean;
  /** The playlist text, for messages and delta comparisons. */
  text: string;
}

/** Attribute list of a tag (`KEY=VALUE,KEY="quoted"`). */
export function attributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    out[match[1]!] = match[2]!.replace(/^"|"$/g, "");
  }
  return out;
}

export function parseMediaPlaylist(text: string): ParsedMediaPlaylist {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines[0] !== "#EXTM3U") throw new Error("playlist does not start with #EXTM3U");
  const pl: ParsedMediaPlaylist = {
    version: 0,
    targetDuration: NaN,
    partTarget: NaN,
    serverControl: {},
    mediaSequence: 0,
    discontinuitySequence: 0,
    skipped: 0,
    segments: [],
    preloadHint: undefined,
    renditionReports: [],
    ended: false,
    text,
  };
  let pending: Omit<ParsedSegment, "msn" | "duration" | "uri"> = fresh();
  let map: string | undefined;
  let extinf: number | undefined;
  const nextMsn = () => pl.mediaSequence + pl.skipped + pl.segments.length;
  for (const line of lines.slice(1)) {
    const [tag, value = ""] = splitTag(line);
    switch (tag) {
      case "#EXT-X-VERSION":
        pl.version = Number(value);
        break;
      case "#EXT-X-TARGETDURATION":
        pl.targetDuration = Number(value);
        break;
      case "#EXT-X-PART-INF":
        pl.partTarget = Number(attributes(value)["PART-TARGET"]);
        break;
      case "#EXT-X-SERVER-CONTROL":
        pl.serverControl = attributes(value);
        break;
      case "#EXT-X-MEDIA-SEQUENCE":
        pl.mediaSequence = Number(value);
        break;
      case "#EXT-X-DISCONTINUITY-SEQUENCE":
        pl.discontinuitySequence = Number(value);
        break;
      case "#EXT-X-SKIP":
        pl.skipped = Number(attributes(value)["SKIPPED-SEGMENTS"]);
        break;
      case "#EXT-X-MAP":
        map = attributes(value).URI;
        pending.map = map;
        break;
      case "#EXT-X-PROGRAM-DATE-TIME":
        pending.programDateTime = value;
        break;
      case "#EXT-X-DISCONTINUITY":
        pending.discontinuity = true;
        break;
      case "#EXT-X-GAP":
        pending.gap = true;
        break;
      case "#EXT-X-PART": {
        const a = attributes(value);
        pending.parts.push({ duration: Number(a.DURATION), uri: a.URI ?? "", independent: a.INDEPENDENT === "YES" });
        break;
      }
      case "#EXTINF":
        extinf = Number(value.split(",")[0]);
        break;
      case "#EXT-X-PRELOAD-HINT":
        pl.preloadHint = attributes(value).URI;
        break;
      case "#EXT-X-RENDITION-REPORT": {
        const a = attributes(value);
        pl.renditionReports.push({
          uri: a.URI ?? "",
          lastMsn: Number(a["LAST-MSN"]),
          lastPart: a["LAST-PART"] === undefined ? undefined : Number(a["LAST-PART"]),
        });
        break;
      }
      case "#EXT-X-ENDLIST":
        pl.ended = true;
        break;
      default:
        if (!line.startsWith("#")) {
          pl.segments.push({ msn: nextMsn(), duration: extinf, uri: line, ...pending, map: pending.map ?? map });
          pending = fresh();
          extinf = undefined;
        }
    }
  }
  if (pending.parts.length > 0 || pending.discontinuity) {
    pl.segments.push({ msn: nextMsn(), duration: undefined, uri: undefined, ...pending, map: pending.map ?? map });
  }
  return pl;
}

function fresh(): Omit<ParsedSegment, "msn" | "duration" | "uri"> {
  return { parts: [], discontinuity: false, gap: false, map: undefined, programDateTime: undefined };
}

function splitTag(line: string): [string, string?] {
  const colon = line.indexOf(":");
  return colon < 0 ? [line] : [line.slice(0, colon), line.slice(colon + 1)];
}

/** `(msn, part)` of the newest listed part. */
export function lastPart(pl: ParsedMediaPlaylist): { msn: number; part: number } | undefined {
  for (let i = pl.segments.length - 1; i >= 0; i--) {
    const s = pl.segments[i]!;
    if (s.parts.length > 0) return { msn: s.msn, part: s.parts.length - 1 };
  }
  return undefined;
}
