import { describe, expect, it } from "vitest";
import { PartStore } from "./part-store.js";

describe("part store", () => {
  it("serves a segment once complete and forgets evicted segments and unused inits", () => {
    const store = new PartStore();
    store.putInit(0, "init-10.mp4", Buffer.from("i10"));
    store.putPart(0, 10, 0, Buffer.from("a"), false);
    expect(store.segment(0, 10)).toBeUndefined();
    store.putPart(0, 10, 1, Buffer.from("b"), true);
    expect(store.segment(0, 10)!.toString()).toBe("ab");
    store.putInit(0, "init-11.mp4", Buffer.from("i11"));
    store.putPart(0, 11, 0, Buffer.from("c"), true);
    expect(store.size).toBe(3);
    store.evict(0, 10);
    expect(store.part(0, 10, 0)).toBeUndefined();
    expect(store.init(0, "init-10.mp4")).toBeUndefined();
    expect(store.init(0, "init-11.mp4")!.toString()).toBe("i11");
    expect(store.size).toBe(1);
  });

  it("refuses parts out of order", () => {
    const store = new PartStore();
    expect(() => store.putPart(0, 1, 1, Buffer.from("x"), false)).toThrow(/out of order/);
  });
});
