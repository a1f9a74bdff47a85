import { defineProject } from "vitest/config";

// Unit tests of the pure modules only (no DOM, no hls.js): node environment.
export default defineProject({ test: { name: "player", environment: "node", include: ["src/**/*.test.ts"] } });
