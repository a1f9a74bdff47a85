/**
 * The LL-HLS rules (RFC 8216bis) a player relies on, checked on parsed playlists. Each
 * check returns the violations it found, so a test can report all of them at once.
 */
import { lastPart, type ParsedMediaPlaylist, type ParsedSegment } from "./media-playlist.js";

/** Durations are written with up to five decimals. */
const EPSILON = 1e-4;

/** Rules that hold within one playlist snapshot. */
export function checkSnapshot(pl: ParsedMediaPlaylist): string[] {
  const problems: string[] = [];
  const sc = pl.serverControl;
  if (sc["CAN-BLOCK-RELOAD"] !== "YES") problems.push("SERVER-CONTROL lacks CAN-BLOCK-RELOAD=YES");
  if (!(Number(sc["PART-HOLD-BACK"]) >= 3 * pl.partTarget - EPSILON)) problems.push(`PART-HOLD-BACK ${sc["PART-HOLD-BACK"]} < 3 x ${pl.partTarget}`);
  if (!(Number(sc["CAN-SKIP-UNTIL"]) >= 6 * pl.targetDuration)) problems.push(`CAN-SKIP-UNTIL ${sc["CAN-SKIP-UNTIL"]} < 6 x ${pl.targetDuration}`);
  if (!(pl.partTarget > 0)) problems.push("no EXT-X-PART-INF PART-TARGET");
  for (const s of pl.segments) {
    const where = `segment ${s.msn}`;
    s.parts.forEach((p, i) => {
      if (p.duration > pl.partTarget + EPSILON) problems.push(`${where} part ${i} lasts ${p.duration} > PART-TARGET ${pl.partTarget}`);
      if (p.uri !== `${s.msn}.${i}.m4s`) problems.push(`${where} part ${i} has URI ${p.uri}`);
    });
    if (s.parts.length > 0 && !s.parts[0]!.independent) problems.push(`${where} does not start with an independent part`);
    if (s.uri !== undefined && s.uri !== `${s.msn}.m4s`) problems.push(`${where} has URI ${s.uri}`);
    if (s.duration !== undefined && Math.round(s.duration) > pl.targetDuration) problems.push(`${where} EXTINF ${s.duration} > TARGETDURATION`);
    if (s.duration !== undefined && s.parts.length > 0 && !s.gap) {
      const sum = s.parts.reduce((a, p) => a + p.duration, 0);
      if (Math.abs(sum - s.duration) > 0.002) problems.push(`${where} EXTINF ${s.duration} != sum of parts ${sum}`);
    }
    if (!s.map) problems.push(`${where} has no EXT-X-MAP in effect`);
  }
  const open = pl.segments.at(-1);
  if (pl.ended) {
    if (pl.preloadHint) problems.push("ended playlist still has a preload hint");
  } else if (open) {
    const expected = expectedHint(open);
    if (pl.preloadHint !== expected) problems.push(`preload hint ${pl.preloadHint} is not the next part ${expected}`);
  }
  return problems;
}

function expectedHint(last: ParsedSegment): string {
  return last.uri === undefined ? `${last.msn}.${last.parts.length}.m4s` : `${last.msn + 1}.0.m4s`;
}

/** Rules between an earlier and a later snapshot of the same playlist. */
export function checkContinuity(before: ParsedMediaPlaylist, after: ParsedMediaPlaylist): string[] {
  const problems: string[] = [];
  if (after.mediaSequence < before.mediaSequence) problems.push(`MEDIA-SEQUENCE went back ${before.mediaSequence} -> ${after.mediaSequence}`);
  const later = new Map(after.segments.map((s) => [s.msn, s]));
  for (const s of before.segments) {
    const t = later.get(s.msn);
    if (!t) continue;
    s.parts.forEach((p, i) => {
      const q = t.parts[i];
      // Older segments may drop their part lines; a listed part must not change.
      if (q && (q.uri !== p.uri || Math.abs(q.duration - p.duration) > EPSILON || q.independent !== p.independent)) {
        problems.push(`part ${s.msn}.${i} changed between reloads`);
      }
      if (!q && t.parts.length > 0) problems.push(`part ${s.msn}.${i} disappeared while its segment still lists parts`);
    });
    if (s.uri !== undefined && (t.uri !== s.uri || Math.abs((t.duration ?? NaN) - (s.duration ?? NaN)) > EPSILON)) {
      problems.push(`segment ${s.msn} changed between reloads`);
    }
    if (s.discontinuity !== t.discontinuity) problems.push(`segment ${s.msn} discontinuity flag changed`);
  }
  const a = lastPart(before);
  const b = lastPart(after);
  if (a && b && (b.msn < a.msn || (b.msn === a.msn && b.part < a.part))) problems.push(`last part went back ${a.msn}.${a.part} -> ${b.msn}.${b.part}`);
  return problems;
}

/** A delta update lists exactly the newest segments of the full playlist, in the same state. */
export function checkDelta(full: ParsedMediaPlaylist, delta: ParsedMediaPlaylist): string[] {
  const problems: string[] = [];
  if (delta.mediaSequence !== full.mediaSequence) problems.push(`delta MEDIA-SEQUENCE ${delta.mediaSequence} != ${full.mediaSequence}`);
  if (delta.skipped + delta.segments.length !== full.segments.length) {
    problems.push(`delta skips ${delta.skipped} and lists ${delta.segments.length}, full lists ${full.segments.length}`);
  }
  const tail = full.segments.slice(delta.skipped);
  const strip = ({ programDateTime: _p, map: _m, ...rest }: ParsedSegment) => rest;
  if (JSON.stringify(tail.map(strip)) !== JSON.stringify(delta.segments.map(strip))) problems.push("delta segments differ from the full playlist's tail");
  if (delta.preloadHint !== full.preloadHint) problems.push("delta and full playlist disagree on the preload hint");
  return problems;
}
