import { describe, expect, it } from "vitest";
import { parseEdgeError } from "./edge-error";

describe("parseEdgeError", () => {
  it("reads the viewer API's nested shape", () => {
    expect(parseEdgeError('{"error":{"code":"not_live","message":"stream demo is not live"}}')).toEqual({
      code: "not_live",
      message: "stream demo is not live",
    });
  });

  it("reads WHIP's flat shape", () => {
    expect(parseEdgeError('{"error":"unauthorized","message":" Unknown stream key "}')).toEqual({
      code: "unauthorized",
      message: "Unknown stream key",
    });
    expect(parseEdgeError('{"error":{"message":"no code"}}')).toEqual({ code: null, message: "no code" });
  });

  it("ignores anything else", () => {
    const bodies = [undefined, null, 42, "", "Not Found", "{}", '{"message":"m"}', '{"error":"x"}', '{"error":{"message":""}}', "[1]"];
    for (const body of bodies) expect(parseEdgeError(body)).toBeNull();
    expect(parseEdgeError(`{"error":{"message":"${"x".repeat(5000)}"}}`)).toBeNull();
  });

  it("shortens long messages", () => {
    expect(parseEdgeError(`{"error":{"message":"${"x".repeat(300)}"}}`)?.message).toHaveLength(200);
  });
});
