import { defineProject } from "vitest/config";

// The smoke tests run each benchmark's harness for a few seconds: that it produces figures,
// not that they meet a goal.
export default defineProject({
  test: { name: "bench", include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 120_000 },
});
