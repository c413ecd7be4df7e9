import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dashboard is built into web/dist and served by the app at `/`.
// During development (`npx vite --config web/vite.config.ts`) /api is proxied to a running app.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // The server's pure rules and the API contract's types, imported as they are (web/tsconfig.json has the same paths).
  resolve: {
    alias: {
      '@domain': fileURLToPath(new URL('../src/domain', import.meta.url)),
      '@api': fileURLToPath(new URL('../src/api', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: process.env.WABLAST_API ?? 'http://localhost:3000', changeOrigin: false },
    },
  },
});
