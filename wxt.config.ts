import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

export default defineConfig({
  manifest: ({ browser }) => ({
    name: 'Tiermark',
    description: 'Customer tiers, scores and history next to every buyer in your seller console. Nothing leaves your machine.',
    permissions: ['storage', 'unlimitedStorage'],
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'tiermark@tiermark.local' } } } : {}),
  }),
  vite: () => ({ plugins: [preact()] }),
});
