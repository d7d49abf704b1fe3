import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// `npm run test:soak`: the heavy variants of the fault tests (sizes come from the AXIRU_* variables
// the script sets) and the timing measurements, one file at a time, never part of the CI suite.
export default defineConfig({
  resolve: {
    alias: {
      '@axiru/runtime': here('./runtime/src/index.ts'),
      '@axiru/compiler': here('./compiler/src/index.ts'),
    },
  },
  test: {
    include: [
      'server/test/faults/*.test.ts',
      'compiler/test/fuzz/*.test.ts',
      'language-server/test/fuzz.stdio.test.ts',
      '*/test/**/*.soak.ts',
    ],
    fileParallelism: false,
    testTimeout: 4 * 3_600_000,
    hookTimeout: 300_000,
  },
});
