import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "lib/**/*.test.ts",
      "charms/**/*.test.ts",
      "examples/**/*.test.ts",
      "integration-tests/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
