import { execFileSync } from 'node:child_process';
import { ROOT } from '../helpers';

export interface Measured {
  seconds: number;
  rows: number;
  maxRssMB: number;
}

/** One run of measure.ts in a process of its own, so that its peak memory is its alone; scored as of `asOf` (YYYY-MM-DD), else the export's own June 2023. */
export function measureCommand(mode: 'bare' | 'cli' | 'scored', file: string, asOf?: string): Measured {
  const output = execFileSync('npx', ['tsx', 'tests/bench/measure.ts', mode, file, ...(asOf ? [asOf] : [])], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(output.trim().split('\n').pop()!);
}
