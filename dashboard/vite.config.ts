import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into dist/, which the server serves at `/`. In development, `npx vite` proxies the API
// to a server started with `npm start`.
export default defineConfig({
  plugins: [react()],
  // The compiler runs in the policy editor's workers; its one Node built-in on that path is
  // node:crypto (the IR hash), given here by a browser SHA-256. Its history readers (node:fs)
  // are never called in the browser.
  resolve: { alias: { 'node:crypto': fileURLToPath(new URL('./src/editor/browser/nodeCrypto.ts', import.meta.url)) } },
  base: '/',
  // The policy editor's language and analysis workers are ES modules (they share chunks).
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': 'http://127.0.0.1:4000' } },
});
