import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console is a static bundle the API server serves from `web/dist`. Chrome 90 is the
 * floor: the browsers on domestic-IT desktops (统信 UOS, 麒麟) lag behind current Chrome.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome90',
    // antd is one large dependency; splitting it buys nothing on an intranet.
    chunkSizeWarningLimit: 3000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
