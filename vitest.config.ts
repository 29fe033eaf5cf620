import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Lab tests share network namespaces and a Kamailio instance: run files one after another.
    fileParallelism: false,
  },
});
