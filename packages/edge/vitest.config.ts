import { defineProject } from "vitest/config";

// Integration tests run real ffmpeg and nats-server: allow them time, one file at a time.
export default defineProject({
  test: {
    name: "edge",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
