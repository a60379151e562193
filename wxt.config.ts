import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { ICON_SIZES, localeFiles } from './lib/ui/manifest-messages';

/** The icons, drawn from lib/ui/icon/icon.svg by tests/make/icons.ts (committed, so a build needs no browser). */
const icons = Object.fromEntries(ICON_SIZES.map((size) => [size, `icon/${size}.png`]));

export default defineConfig({
  ...(process.env.TIERMARK_OUT_DIR ? { outDir: process.env.TIERMARK_OUT_DIR } : {}),
  // MV3 everywhere: Firefox's MV2 drops optional_host_permissions, so a seller could not switch Tiermark on for a site there.
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    // In the browser's language, from _locales (written below).
    default_locale: 'en',
    name: '__MSG_extName__',
    icons,
    action: { default_icon: icons },
    description: '__MSG_extDescription__',
    // Notifications only if the seller switches the daily reminder on (Settings asks then); the end-to-end build has them, for the same reason as its host below.
    permissions: [
      'storage', 'unlimitedStorage', 'alarms', 'scripting',
      // Chromium's service worker cannot start workers: the whole rescore and the past months' rebuild run in an offscreen document's (lib/background/worker-thread.ts).
      ...(browser === 'firefox' ? [] : ['offscreen']),
      ...(process.env.TIERMARK_E2E_HOSTS ? ['notifications'] : []),
    ],
    optional_permissions: ['notifications'],
    // Optional, so granted at install for no site: Chromium lets an extension ask only for origins
    // listed here, and the dashboard asks for one origin at a time, when the seller enables
    // Tiermark on a console we do not know (tests/e2e/builds.e2e.ts checks nothing is granted).
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Only the end-to-end build grants a test origin up front: Chromium's permission prompt cannot be answered in automation.
    ...(process.env.TIERMARK_E2E_HOSTS ? { host_permissions: process.env.TIERMARK_E2E_HOSTS.split(',') } : {}),
    // Chromium and Edge 102: MV3 with optional host permissions and content scripts registered for
    // the sites a seller switches on (persistAcrossSessions), module workers, structuredClone,
    // Object.hasOwn. Tested on Debian's Chromium (150 and later).
    ...(browser === 'firefox' ? {} : { minimum_chrome_version: '102' }),
    // Firefox 140 (the ESR) and 142 on Android: MV3 with optional host permissions a page can ask
    // for, and the declaration that no data is collected, which the store asks for and 140 reads.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'tiermark@tiermark.local', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push(...localeFiles());
      for (const size of ICON_SIZES) files.push({ absoluteSrc: fileURLToPath(new URL(`./lib/ui/icon/icon-${size}.png`, import.meta.url)), relativeDest: `icon/${size}.png` });
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
    // eventemitter2 reaches the global object through `Function('return this')`: the engine needs only on and emitAsync.
    resolve: {
      alias: {
        'jsonpath-plus': fileURLToPath(new URL('./lib/engine/jsonpath-stub.ts', import.meta.url)),
        eventemitter2: fileURLToPath(new URL('./lib/engine/event-emitter.ts', import.meta.url)),
      },
    },
  }),
});
