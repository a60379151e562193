// npm run test:load — the end-to-end suite three times in a row beside two CPU-bound processes, as
// on a developer's busy machine: every wait must be on the real condition, never on time.
import { spawn, spawnSync } from 'node:child_process';

const busy = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
let failed = 0;
try {
  for (let run = 1; run <= 3 && !failed; run += 1) {
    console.log(`\nEnd-to-end run ${run} of 3, beside two busy processes`);
    failed = spawnSync('node', ['tests/e2e/run.mjs'], { stdio: 'inherit' }).status ?? 1;
  }
} finally {
  for (const process of busy) process.kill();
}
process.exit(failed);
