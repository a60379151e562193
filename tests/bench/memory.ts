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

/** What a process of the browser is, from its command line. */
function kindOf(cmdline: string): string {
  if (cmdline.includes('--extension-process')) return 'extension';
  const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
  if (!type) return 'browser';
  if (type === 'renderer') return 'pages';
  return type === 'gpu-process' ? 'gpu' : 'other';
}

/**
 * The memory of the Chromium started on a profile and every process under it (renderers, the
 * extension's workers, the GPU and utility processes), summed: the browser's memory, as the issue
 * measured it, and by kind of process (the extension's: its service worker, pages and their
 * workers). Linux only; 0 elsewhere.
 */
export function browserMemory(profile: string): { bytes: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { bytes: 0, byKind };
  }
  const children = new Map<number, number[]>();
  const commands = new Map<number, string>();
  const roots: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    // The parent is the second field after the command, which is in parentheses and may hold spaces.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
    const command = read(`/proc/${pid}/cmdline`) ?? '';
    commands.set(pid, command);
    if (command.includes(`--user-data-dir=${profile}`)) roots.push(pid);
  }
  let bytes = 0;
  const seen = new Set<number>();
  for (const pending = [...roots]; pending.length > 0; ) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const own = processBytes(pid);
    const kind = kindOf(commands.get(pid) ?? '');
    byKind[kind] = (byKind[kind] ?? 0) + own;
    bytes += own;
    pending.push(...(children.get(pid) ?? []));
  }
  return { bytes, byKind };
}

/** Samples the browser's memory every half second until stopped; the peak, when it was reached, and its parts then. */
export function watchBrowserMemory(profile: string) {
  let peak = 0;
  let phase = '';
  let peakPhase = '';
  let peakByKind: Record<string, number> = {};
  let extensionPeak = 0;
  let extensionPhase = '';
  /** The extension's peak in each phase: which of them the target misses in. */
  const extensionByPhase: Record<string, number> = {};
  const sample = () => {
    const { bytes, byKind } = browserMemory(profile);
    if (bytes > peak) [peak, peakPhase, peakByKind] = [bytes, phase, byKind];
    const extension = byKind.extension ?? 0;
    if (extension > extensionPeak) [extensionPeak, extensionPhase] = [extension, phase];
    if (phase && extension > (extensionByPhase[phase] ?? 0)) extensionByPhase[phase] = extension;
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
      return { peakBytes: peak, phase: peakPhase, byKind: peakByKind, extensionPeakBytes: extensionPeak, extensionPhase, extensionByPhase };
    },
  };
}
