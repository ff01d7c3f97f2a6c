import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard: `src/web/app` built to `dist/web`, served by the API process at `/`. */
export default defineConfig({
  root: fileURLToPath(new URL('./app/', import.meta.url)),
  base: '/',
  plugins: [react()],
  // `npm run dev:web`: hot reload on :5173, the API of a running `npm start` behind it.
  server: { proxy: { '/api': process.env.SWITCHYARD_API_URL ?? 'http://127.0.0.1:8080' } },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Hashed names let the server cache assets for a year; index.html is revalidated on every load.
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      output: {
        // CodeMirror and its parsers load only with the pages that edit code; one named chunk, cached apart.
        manualChunks: (id: string) =>
          /[\\/](node_modules[\\/]@(codemirror|lezer)|src[\\/]web[\\/]app[\\/]editor)[\\/]/.test(id)
            ? 'editor'
            : undefined,
      },
    },
  },
});
