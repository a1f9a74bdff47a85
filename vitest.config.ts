import { defineConfig } from "vitest/config";

// One vitest project per package; integration tests spawn real ffmpeg and NATS, so they
// get generous timeouts and run files one at a time on this 2-core machine.
export default defineConfig({
  test: {
    projects: ["packages/*", "bench"],
    fileParallelism: false,
  },
});
