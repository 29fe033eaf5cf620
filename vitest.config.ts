import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One run, four projects: `vitest run --project unit` (or integration, e2e, lab) runs one of them.
    projects: [
      // Pure code and loopback sockets on random ports: files run in parallel.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      // Lab tests share network namespaces and a Kamailio instance: one file after another, in one process.
      {
        extends: true,
        test: { name: 'lab', include: ['test/lab/**/*.test.ts'], fileParallelism: false, pool: 'forks', poolOptions: { forks: { singleFork: true } } },
      },
    ],
  },
});
