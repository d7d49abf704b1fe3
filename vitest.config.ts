import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The documented commands rebuild the tree (`npm start`, the benchmarks): they run last, alone. */
const DOCUMENTED_COMMANDS = 'docs/test/**/*.test.ts';
/** Tests of the PostgreSQL engine itself (several servers on one database). */
const POSTGRES_ONLY = 'server/test/postgres/**/*.test.ts';

export default defineConfig({
  resolve: {
    // Tests run on the sources of sibling packages, so they never depend on a stale build.
    alias: {
      '@axiru/runtime': here('./runtime/src/index.ts'),
      '@axiru/compiler/language': here('./compiler/src/language.ts'),
      '@axiru/compiler': here('./compiler/src/index.ts'),
    },
  },
  test: {
    // Safety nets against a hang, not speed requirements: a test waits for conditions, and a
    // machine busy with other work may take several times as long as a quiet one.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll() returns as soon as its condition holds; its default 1 s would be a race.
    expect: { poll: { timeout: 60_000 } },
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine. Most
    // test files wait on child processes, sockets and fsync rather than compute, so two files at
    // a time use the cores that one leaves idle; tests wait for conditions, never for time.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'packages', include: ['*/test/**/*.test.ts'], exclude: [...configDefaults.exclude, DOCUMENTED_COMMANDS, POSTGRES_ONLY], sequence: { groupOrder: 0 } },
      },
      {
        // The server API suite again on PostgreSQL: one throwaway cluster for the run, a
        // database per test app (server/test/support/postgresGlobalSetup.ts, testDatabase.ts).
        extends: true,
        test: {
          name: 'postgres',
          include: ['server/test/api/**/*.test.ts', 'server/test/services/pollerFairness.test.ts', POSTGRES_ONLY],
          env: { AXIRU_TEST_ENGINE: 'postgres' },
          globalSetup: ['server/test/support/postgresGlobalSetup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'documented commands', include: [DOCUMENTED_COMMANDS], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
