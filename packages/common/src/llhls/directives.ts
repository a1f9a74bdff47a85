import { HttpError } from "../http-errors.js";

/** LL-HLS delivery directives of a media playlist request (RFC 8216bis §6.2.5). */
export interface DeliveryDirectives {
  msn: number | undefined;
  part: number | undefined;
  skip: boolean;
}

/** Validates `_HLS_msn`, `_HLS_part` and `_HLS_skip`; a bad one is a 400 with its reason. */
export function parseDeliveryDirectives(msn: string | undefined, part: string | undefined, skip: string | undefined): DeliveryDirectives {
  if (msn !== undefined && !/^\d{1,15}$/.test(msn)) throw new HttpError(400, "bad_msn", "_HLS_msn must be a non-negative integer");
  if (part !== undefined && !/^\d{1,4}$/.test(part)) throw new HttpError(400, "bad_part", "_HLS_part must be a non-negative integer");
  if (part !== undefined && msn === undefined) throw new HttpError(400, "part_without_msn", "_HLS_part requires _HLS_msn");
  if (skip !== undefined && skip !== "YES" && skip !== "v2") throw new HttpError(400, "bad_skip", "_HLS_skip must be YES or v2");
  return {
    msn: msn === undefined ? undefined : Number(msn),
    part: part === undefined ? undefined : Number(part),
    skip: skip !== undefined,
  };
}
