import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Waiters } from "./waiters.js";

describe("Waiters", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers at once when the condition already holds", async () => {
    const waiters = new Waiters();
    await expect(waiters.wait("k", () => true, 1_000)).resolves.toBe(true);
    expect(waiters.size).toBe(0);
  });

  it("tests a shared condition once per check, however many wait on it, and releases them all", async () => {
    const waiters = new Waiters();
    let ready = false;
    let tests = 0;
    const condition = () => {
      tests += 1;
      return ready;
    };
    const held = Array.from({ length: 1_000 }, () => waiters.wait("360p/12.3", condition, 3_000));
    const other = waiters.wait("360p/12.4", () => false, 3_000);
    expect(waiters.size).toBe(1_001);
    tests = 0;
    waiters.check();
    expect(tests).toBe(1);
    ready = true;
    waiters.check();
    expect(tests).toBe(2);
    expect(await Promise.all(held)).toEqual(Array.from({ length: 1_000 }, () => true));
    expect(waiters.size).toBe(1);
    waiters.cancelAll();
    expect(await other).toBe(false);
  });

  it("answers false at each request's own deadline, then forgets the condition", async () => {
    const waiters = new Waiters();
    const first = waiters.wait("k", () => false, 3_000);
    await vi.advanceTimersByTimeAsync(1_000);
    const second = waiters.wait("k", () => false, 3_000);
    const early = waiters.wait("k", () => false, 500);
    const outcomes: string[] = [];
    void first.then((ok) => outcomes.push(`first ${ok}`));
    void second.then((ok) => outcomes.push(`second ${ok}`));
    void early.then((ok) => outcomes.push(`early ${ok}`));
    await vi.advanceTimersByTimeAsync(600);
    expect(outcomes).toEqual(["early false"]);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(outcomes).toEqual(["early false", "first false"]);
    expect(waiters.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outcomes).toEqual(["early false", "first false", "second false"]);
    expect(waiters.size).toBe(0);
    // A new wait under the same key starts a fresh condition.
    const again = waiters.wait("k", () => true, 3_000);
    await expect(again).resolves.toBe(true);
  });

  it("keeps no timer once a condition is released", async () => {
    const waiters = new Waiters();
    let ready = false;
    const held = waiters.wait("k", () => ready, 3_000);
    ready = true;
    waiters.check();
    await expect(held).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
