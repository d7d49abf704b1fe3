import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into dist/, which the server serves at `/`. In development, `npx vite` proxies the API
// to a server started with `npm start`.
export default defineConfig({
  plugins: [react()],
  // The policy editor's workers run the compiler and the language server's features. They load
  // the compiler without its refund-history readers (`@axiru/compiler/language`: those need Node
  // files and streams); the one Node built-in left on that path, node:crypto for the IR hash, is
  // a browser SHA-256 here.
  resolve: {
    alias: [
      { find: /^@axiru\/compiler$/, replacement: '@axiru/compiler/language' },
      { find: /^node:crypto$/, replacement: fileURLToPath(new URL('./src/editor/browser/nodeCrypto.ts', import.meta.url)) },
    ],
  },
  base: '/',
  // The policy editor's language and analysis workers are ES modules (they share chunks).
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': 'http://127.0.0.1:4000' } },
});
