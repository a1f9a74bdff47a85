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

  /** Asks the origin to open a contribution listener for `stream`. */
  async openContribution(stream: string): Promise<ContributionTarget> {
    const response = await fetch(`${this.baseUrl}/api/v1/streams/${stream}/contribution`, {
      method: "POST",
      headers: this.apiToken ? { Authorization: `Bearer ${this.apiToken}` } : {},
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
