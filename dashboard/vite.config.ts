import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/, which the server serves at `/`. In development, `npx vite` proxies the API
// to a server started with `npm start`.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': 'http://127.0.0.1:4000' } },
});
