// The console's build: every file under /console/, bundled (no CDN, no outside fonts).
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: { echarts: ["echarts/core", "echarts/charts", "echarts/components", "echarts/renderers"] },
      },
    },
  },
  server: {
    // `npm run dev` beside `make run`: the API is the gateway's.
    proxy: Object.fromEntries(
      ["/goals", "/performance", "/incentives", "/collab", "/dashboard", "/auth", "/live"].map((p) => [
        p,
        "http://127.0.0.1:8000",
      ]),
    ),
  },
});
