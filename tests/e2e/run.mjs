// npm run test:e2e — builds the extension and drives it in real Chromium.
import { execFileSync } from 'node:child_process';
import { ensureChromium } from './chromium.mjs';

ensureChromium();
execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
execFileSync('node', ['--import', './tests/node20.mjs', './node_modules/vitest/vitest.mjs', 'run', '--config', 'tests/e2e/vitest.config.ts'], {
  stdio: 'inherit',
});
