import { describe, expect, it } from "vitest";
import { backoffDelay, OFFLINE_BACKOFF, RECONNECT_BACKOFF, type BackoffPolicy } from "./backoff";

const exact: BackoffPolicy = { initialMs: 500, maxMs: 5000, factor: 2, jitter: 0 };

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, exact))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it("treats negative and fractional attempts as whole attempts from zero", () => {
    expect(backoffDelay(-3, exact)).toBe(500);
    expect(backoffDelay(1.7, exact)).toBe(1000);
  });

  it("spreads the delay by the jitter fraction", () => {
    const policy = { ...exact, jitter: 0.2 };
    expect(backoffDelay(0, policy, () => 0)).toBe(400);
    expect(backoffDelay(0, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(0, policy, () => 0.999999)).toBe(600);
  });

  it("never waits longer than the cap plus jitter", () => {
    for (const policy of [OFFLINE_BACKOFF, RECONNECT_BACKOFF]) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const delay = backoffDelay(attempt, policy);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(policy.maxMs * (1 + policy.jitter));
      }
    }
  });
});
