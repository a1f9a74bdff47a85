import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@tributary/common";
import { z } from "zod";

const contributionAnswer = z.object({ url: z.string().startsWith("srt://") });

/** Where a publisher's stream goes: the origin's SRT contribution listener for it. */
export interface ContributionTarget {
  host: string;
  port: number;
  passphrase: string | undefined;
}

/** The origin's control API, as the edge uses it. */
export class OriginClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiToken: string | undefined,
  ) {}

  /** Ends `stream` at once (EXT-X-ENDLIST): its publisher left on purpose. */
  async endStream(stream: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/v1/streams/${stream}`, {
      method: "DELETE",
      headers: this.headers(),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok && response.status !== 404) throw new OriginRefused(response.status, (await response.text()).slice(0, 300));
  }

  /** Asks the origin to open a contribution listener for `stream`. */
  async openContribution(stream: string): Promise<ContributionTarget> {
    const response = await fetch(`${this.baseUrl}/api/v1/streams/${stream}/contribution`, {
      method: "POST",
      headers: this.headers(),
      signal: AbortSignal.timeout(5_000),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status !== 201) {
      throw new OriginRefused(response.status, JSON.stringify(body ?? null).slice(0, 300));
    }
    const { url } = contributionAnswer.parse(body);
    const parsed = new URL(url.replace(/^srt:/, "http:"));
    return {
      host: parsed.hostname,
      port: Number(parsed.port),
      passphrase: parsed.searchParams.get("passphrase") ?? undefined,
    };
  }

  private headers(): Record<string, string> {
    return this.apiToken ? { Authorization: `Bearer ${this.apiToken}` } : {};
  }
}

/**
 * Opens a contribution for `stream` and gives it to `connect`, retrying with backoff while
 * `wanted()` holds: a 409 means the origin still holds the stream's previous connection for
 * a moment, 5xx and network errors may pass. Resolves with whether it was handed over and,
 * if not, the last error.
 */
export async function handToOrigin(
  origin: OriginClient,
  stream: string,
  connect: (target: ContributionTarget) => unknown,
  options: { attempts: number; wanted: () => boolean; log: Logger },
): Promise<{ handed: boolean; lastError?: unknown }> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts && options.wanted(); attempt++) {
    try {
      await connect(await origin.openContribution(stream));
      return { handed: true };
    } catch (error) {
      lastError = error;
      const retry = !(error instanceof OriginRefused) || error.status === 409 || error.status >= 500;
      options.log.warn({ err: error, stream, attempt }, "could not hand the publisher to the origin");
      if (!retry) break;
      if (attempt < options.attempts) await sleep(250 * 2 ** attempt);
    }
  }
  return { handed: false, lastError };
}

export class OriginRefused extends Error {
  override name = "OriginRefused";
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`origin refused the contribution (${status}): ${body}`);
  }
}
