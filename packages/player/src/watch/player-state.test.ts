import { describe, expect, it } from "vitest";
import { exposePlayerState, type PlayerSnapshot } from "./player-state";

describe("exposePlayerState", () => {
  it("exposes live, read-only values", () => {
    const snapshot: PlayerSnapshot = {
      state: "loading",
      levels: 0,
      currentLevel: -1,
      latency: null,
      currentTime: 0,
      fatalErrors: 0,
      stalls: 0,
    };
    const target = {} as { __player?: Readonly<PlayerSnapshot> };
    exposePlayerState(target as unknown as Window, () => snapshot);
    const view = target.__player!;
    expect(view).toEqual(snapshot);

    Object.assign(snapshot, { state: "playing", levels: 3, currentLevel: 1, latency: 0.9, currentTime: 12.5 });
    expect(view.state).toBe("playing");
    expect(JSON.parse(JSON.stringify(view))).toMatchObject({ levels: 3, currentLevel: 1, latency: 0.9 });

    expect(() => {
      (view as { state: string }).state = "ended";
    }).toThrow(TypeError);
    expect(() => {
      target.__player = undefined;
    }).toThrow(TypeError);
  });
});
