// Finds Debian's Chromium, installing it (and a CJK font for readable Chinese) when missing and running as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.TIERMARK_CHROMIUM || '/usr/bin/chromium';

function hasPackage(name) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed');
}

/** Ensures Chromium (and, with `withFont`, a CJK font) is present; exits with what to install otherwise. */
export function ensureChromium({ withFont = false } = {}) {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (withFont && !hasPackage('fonts-wqy-microhei') && !hasPackage('fonts-noto-cjk')) missing.push('fonts-wqy-microhei');
  if (missing.length === 0) return CHROMIUM;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Tiermark needs Debian's ${missing.join(' and ')}. Install with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} from Debian (apt-get)…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(CHROMIUM)) {
    console.error(`apt-get finished but ${CHROMIUM} is missing; install the chromium package by hand.`);
    process.exit(1);
  }
  return CHROMIUM;
}
