import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  ...(process.env.TIERMARK_OUT_DIR ? { outDir: process.env.TIERMARK_OUT_DIR } : {}),
  manifest: ({ browser }) => ({
    name: 'Tiermark',
    description: 'Customer tiers, scores and history next to every buyer in your seller console. Nothing leaves your machine.',
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'scripting'],
    // Asked for one origin at a time, when the seller enables Tiermark on a console we do not know.
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Only the end-to-end build grants a test origin up front: Chromium's permission prompt cannot be answered in automation.
    ...(process.env.TIERMARK_E2E_HOSTS ? { host_permissions: process.env.TIERMARK_E2E_HOSTS.split(',') } : {}),
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'tiermark@tiermark.local' } } } : {}),
  }),
  vite: () => ({
    plugins: [preact()],
    // json-rules-engine's path evaluator is never used (we pass a dot-path resolver) and holds `new Function`.
    resolve: { alias: { 'jsonpath-plus': fileURLToPath(new URL('./lib/engine/jsonpath-stub.ts', import.meta.url)) } },
  }),
});
