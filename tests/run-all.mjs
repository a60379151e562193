// npm test — type check, the unit tests, then the end-to-end tests in Chromium.
import { spawnSync } from 'node:child_process';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status ?? 1;
const types = run('npx', ['tsc', '--noEmit', '-p', '.']);
const unit = run('npx', ['vitest', 'run']);
const e2e = run('node', ['tests/e2e/run.mjs']);
if (types) console.error('Type check failed (see above).');
process.exit(types || unit || e2e);
