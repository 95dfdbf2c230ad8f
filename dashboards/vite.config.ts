import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// During development the API is the real `zhirong serve` (ZHIRONG_API, default :18080).
const api = process.env.ZHIRONG_API ?? 'http://127.0.0.1:18080';

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          if (id.includes('node_modules')) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
});
