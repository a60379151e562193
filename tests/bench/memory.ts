import { readdirSync, readFileSync } from 'node:fs';

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended while it was read
  }
};

/** A process's proportional share of memory (shared pages split between their users), else its resident size, in bytes. */
function processBytes(pid: number): number {
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  const pss = rollup && /^Pss:\s+(\d+) kB/m.exec(rollup);
  if (pss) return Number(pss[1]) * 1024;
  const rss = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return rss ? Number(rss[1]) * 1024 : 0;
}

/**
 * The memory of the Chromium started on a profile and every process under it (renderers, the
 * extension's workers, the GPU and utility processes), summed: the browser's memory, as the issue
 * measured it. Linux only; 0 elsewhere.
 */
export function browserMemoryBytes(profile: string): number {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    // The parent is the second field after the command, which is in parentheses and may hold spaces.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
    if (read(`/proc/${pid}/cmdline`)?.includes(`--user-data-dir=${profile}`)) roots.push(pid);
  }
  let total = 0;
  const seen = new Set<number>();
  for (const pending = [...roots]; pending.length > 0; ) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += processBytes(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples the browser's memory every half second until stopped; the peak and when it was reached. */
export function watchBrowserMemory(profile: string) {
  let peak = 0;
  let phase = '';
  let peakPhase = '';
  const sample = () => {
    const bytes = browserMemoryBytes(profile);
    if (bytes > peak) [peak, peakPhase] = [bytes, phase];
  };
  const timer = setInterval(sample, 500);
  return {
    /** Names what runs from now on, so the peak says where it was reached. */
    phase(name: string) {
      sample();
      phase = name;
    },
    stop() {
      clearInterval(timer);
      sample();
      return { peakBytes: peak, phase: peakPhase };
    },
  };
}
