import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  manifest: ({ browser }) => ({
    name: 'Tiermark',
    description: 'Customer tiers, scores and history next to every buyer in your seller console. Nothing leaves your machine.',
    permissions: ['storage', 'unlimitedStorage', 'alarms'],
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'tiermark@tiermark.local' } } } : {}),
  }),
  vite: () => ({
    plugins: [preact()],
    // json-rules-engine's path evaluator is never used (we pass a dot-path resolver) and holds `new Function`.
    resolve: { alias: { 'jsonpath-plus': fileURLToPath(new URL('./lib/engine/jsonpath-stub.ts', import.meta.url)) } },
  }),
});
