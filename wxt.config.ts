import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { localeFiles } from './lib/ui/manifest-messages';

export default defineConfig({
  ...(process.env.TIERMARK_OUT_DIR ? { outDir: process.env.TIERMARK_OUT_DIR } : {}),
  // MV3 everywhere: Firefox's MV2 drops optional_host_permissions, so a seller could not switch Tiermark on for a site there.
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    // In the browser's language, from _locales (written below).
    default_locale: 'en',
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    // Notifications only if the seller switches the daily reminder on (Settings asks then); the end-to-end build has them, for the same reason as its host below.
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'scripting', ...(process.env.TIERMARK_E2E_HOSTS ? ['notifications'] : [])],
    optional_permissions: ['notifications'],
    // Optional, so granted at install for no site: Chromium lets an extension ask only for origins
    // listed here, and the dashboard asks for one origin at a time, when the seller enables
    // Tiermark on a console we do not know (tests/e2e/builds.e2e.ts checks nothing is granted).
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Only the end-to-end build grants a test origin up front: Chromium's permission prompt cannot be answered in automation.
    ...(process.env.TIERMARK_E2E_HOSTS ? { host_permissions: process.env.TIERMARK_E2E_HOSTS.split(',') } : {}),
    // Firefox 128: MV3 with optional host permissions a page can ask for; and no data collected, as the store now asks to declare.
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'tiermark@tiermark.local', strict_min_version: '128.0', data_collection_permissions: { required: ['none'] } } } }
      : {}),
  }),
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push(...localeFiles());
    },
    // The toolbar button's title in the browser's language too (WXT takes it from the popup's <title>).
    'build:manifestGenerated': (_wxt, manifest) => {
      const button = manifest.action ?? manifest.browser_action;
      if (button) button.default_title = '__MSG_actionTitle__';
    },
  },
  vite: () => ({
    plugins: [preact()],
    // json-rules-engine's path evaluator is never used (we pass a dot-path resolver) and holds `new Function`.
    resolve: { alias: { 'jsonpath-plus': fileURLToPath(new URL('./lib/engine/jsonpath-stub.ts', import.meta.url)) } },
  }),
});
