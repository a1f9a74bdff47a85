import { describe, expect, it } from "vitest";
import { captureProblem } from "./media";

describe("captureProblem", () => {
  it("explains refusals per source", () => {
    const refused = new DOMException("Permission denied", "NotAllowedError");
    const camera = captureProblem(refused, "camera");
    expect(camera.code).toBe("permission_denied");
    expect(camera.message).toMatch(/site settings/);
    expect(captureProblem(refused, "screen")).toEqual({ code: "permission_denied", message: "Screen sharing was cancelled or blocked." });
  });

  it("tells missing, busy and unsuitable devices apart", () => {
    expect(captureProblem(new DOMException("", "NotFoundError"), "camera").code).toBe("device_not_found");
    expect(captureProblem(new DOMException("", "NotReadableError"), "camera").code).toBe("device_busy");
    expect(captureProblem({ name: "OverconstrainedError", constraint: "width" }, "camera").code).toBe("device_unsuitable");
  });

  it("passes on anything else", () => {
    expect(captureProblem(new TypeError("boom"), "screen")).toEqual({
      code: "capture_failed",
      message: "Could not start the screen capture: boom",
    });
    expect(captureProblem("?", "camera")).toEqual({ code: "capture_failed", message: "Could not start the camera." });
  });
});
