import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

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
    include: ['*/test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
