import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// React's automatic JSX through esbuild: no plugin needed (none is installable here with Vite 7).
export default defineConfig({
  root: fileURLToPath(new URL('../renderer/', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
