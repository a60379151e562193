// One measurement per process, so peak memory (maxRSS) belongs to it alone.
// Usage: tsx tests/bench/measure.ts bare|cli|scored <file> [as-of day, 2023-06-01 unless given]
// cli: import and per-customer summary (the columns of the import issue); scored: every column, models fitted.
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import Papa from 'papaparse';
import { COMMAND_LINE_V8_FLAGS, main } from '../../lib/cli';

const [mode, file, asOf = '2023-06-01'] = process.argv.slice(2);
const started = performance.now();
let rows = 0;
if (mode === 'bare') {
  await new Promise<void>((resolve, reject) => {
    Papa.parse(createReadStream(file!), {
      chunk: (results: Papa.ParseResult<unknown>) => {
        rows += results.data.length;
      },
      complete: () => resolve(),
      error: reject,
    });
  });
} else {
  setFlagsFromString(COMMAND_LINE_V8_FLAGS);
  const out = join(mkdtempSync(join(tmpdir(), 'tiermark-bench-')), 'customers.csv');
  const columns = mode === 'cli' ? ['--columns', 'customerKey,platform,orderCount,monetary,currency,firstOrderAt,lastOrderAt,recencyDays'] : [];
  const code = await main(['score', file!, '--as-of', asOf, ...columns, '--out', out]);
  if (code !== 0) process.exit(code);
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ mode, seconds, rows, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
