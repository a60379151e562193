// npm run test:e2e — builds the extension and drives it in real Chromium.
import { execFileSync } from 'node:child_process';
import { ensureChromium } from './chromium.mjs';

ensureChromium();
execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
// A second build whose manifest grants the test origin: Chromium's permission prompt cannot be answered in automation.
execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit', env: { ...process.env, TIERMARK_E2E_HOSTS: 'https://erp.example.com/*', TIERMARK_OUT_DIR: '.output-e2e' } });
execFileSync('npx', ['vitest', 'run', '--config', 'tests/e2e/vitest.config.ts'], {
  stdio: 'inherit',
});
