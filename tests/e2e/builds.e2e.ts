import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

const OUTPUT = join(ROOT, '.output');
const manifestOf = (target: string) => JSON.parse(readFileSync(join(OUTPUT, target, 'manifest.json'), 'utf8'));

function scripts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** eval, and the Function constructor with or without `new` (eventemitter2 wrote `Function('return this')`). */
const EVAL = /\beval\(|(?<![\w$.])Function\s*\(/;

/** The project's own sources, where Preact's dangerouslySetInnerHTML must never be used. */
function sourceFiles(): string[] {
  return ['lib', 'entrypoints', 'plugins'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.tsx?$/.test(name))
      .map((name) => join(ROOT, dir, name)),
  );
}

/**
 * Builds as a seller gets them: vitest runs tests with NODE_ENV=test, which a build run from here
 * inherits, and Vite then compiles JSX for development (each element with its source file's path).
 */
const AS_RELEASED = { ...process.env, NODE_ENV: 'production' };

describe('the builds', () => {
  it('builds for Firefox as MV3 that keeps the optional host permissions, declares no data collection, and passes web-ext lint', () => {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { cwd: ROOT, stdio: 'ignore', env: AS_RELEASED });
    const firefox = manifestOf('firefox-mv3');
    expect(firefox).toMatchObject({
      manifest_version: 3,
      optional_host_permissions: ['https://*/*', 'http://*/*'],
      browser_specific_settings: {
        gecko: { id: expect.any(String), strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
        gecko_android: { strict_min_version: '142.0' },
      },
    });
    expect(firefox.host_permissions ?? []).toEqual([]);
    const lint = JSON.parse(
      execFileSync('npx', ['web-ext', 'lint', '--source-dir', join(OUTPUT, 'firefox-mv3'), '--output', 'json', '--no-config-discovery'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    expect(lint.errors).toEqual([]);
    // The one warning left is Preact's: it sets innerHTML only for dangerouslySetInnerHTML, which no
    // Tiermark source uses (checked here), so no text from a page or a file reaches it.
    // (Which chunk holds Preact depends on how the bundler splits the pages: the chunk is found by Preact's own code.)
    expect(lint.warnings.map((w: { code: string }) => w.code)).toEqual(['UNSAFE_VAR_ASSIGNMENT']);
    expect(readFileSync(join(OUTPUT, 'firefox-mv3', lint.warnings[0].file), 'utf8')).toContain('dangerouslySetInnerHTML');
    for (const source of sourceFiles()) expect(readFileSync(source, 'utf8'), source).not.toContain('dangerouslySetInnerHTML');
    for (const source of scripts(join(OUTPUT, 'firefox-mv3'))) expect(source).not.toMatch(EVAL);
  }, 120_000);

  it('zips for the stores', () => {
    execFileSync('npx', ['wxt', 'zip'], { cwd: ROOT, stdio: 'ignore', env: AS_RELEASED });
    const zip = join(OUTPUT, `tiermark-${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}-chrome.zip`);
    expect(existsSync(zip) && statSync(zip).size).toBeGreaterThan(10_000);
    // A release build: no paths of the machine it was built on (a development build names each element's source file).
    for (const source of scripts(join(OUTPUT, 'chrome-mv3'))) expect(source.includes(ROOT)).toBe(false);
  });

  it('has its icon at 16, 32, 48 and 128 pixels in the Chrome/Edge and Firefox packages, for the toolbar and the store', () => {
    // A PNG's width and height are big-endian at bytes 16 and 20 of its header.
    const pixels = (path: string) => {
      const bytes = readFileSync(path);
      return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    };
    for (const target of ['chrome-mv3', 'firefox-mv3']) {
      const manifest = manifestOf(target);
      expect(Object.keys(manifest.icons).map(Number).sort((a, b) => a - b), target).toEqual([16, 32, 48, 128]);
      expect(manifest.action.default_icon, target).toEqual(manifest.icons);
      for (const [size, file] of Object.entries(manifest.icons as Record<string, string>)) expect(pixels(join(OUTPUT, target, file)), `${target} ${file}`).toEqual([Number(size), Number(size)]);
    }
  });

  it('asks for no host access at install and carries no eval or remote code', () => {
    const chrome = manifestOf('chrome-mv3');
    expect(chrome.manifest_version).toBe(3);
    expect(JSON.stringify(chrome)).not.toContain('<all_urls>');
    expect(chrome.host_permissions ?? []).toEqual([]);
    // Notifications only when the seller switches the daily reminder on.
    expect(chrome.permissions).not.toContain('notifications');
    expect(chrome.optional_permissions).toEqual(['notifications']);
    expect(chrome.minimum_chrome_version).toBe('102');
    for (const source of scripts(join(OUTPUT, 'chrome-mv3'))) {
      expect(source).not.toMatch(EVAL);
      expect(source).not.toMatch(/<script[^>]+src=["']https?:/);
    }
  });

  it('names itself in the browser’s language: English and Chinese _locales for the name, description and toolbar title', () => {
    const chrome = manifestOf('chrome-mv3');
    expect(chrome).toMatchObject({ default_locale: 'en', name: '__MSG_extName__', description: '__MSG_extDescription__', action: { default_title: '__MSG_actionTitle__' } });
    for (const [lang, name] of [['en', 'Tiermark'], ['zh_CN', 'Tiermark 客户分级']] as const) {
      const messages = JSON.parse(readFileSync(join(OUTPUT, 'chrome-mv3/_locales', lang, 'messages.json'), 'utf8'));
      expect(messages.extName.message).toBe(name);
      expect(Object.keys(messages).sort()).toEqual(['actionTitle', 'extDescription', 'extName']);
    }
    expect(JSON.parse(readFileSync(join(OUTPUT, 'chrome-mv3/_locales/zh_CN/messages.json'), 'utf8')).extDescription.message).toContain('只保存在本机');
  });

  it('runs the seller-page script in every frame of a console, from the start of its document', () => {
    for (const target of ['chrome-mv3', 'firefox-mv3']) {
      const [script] = manifestOf(target).content_scripts;
      expect(script, target).toMatchObject({ js: ['content-scripts/seller.js'], run_at: 'document_start', all_frames: true });
    }
  });

  it('keeps the seller-page script small: at most 40 KB gzipped', () => {
    const bytes = gzipSync(readFileSync(join(OUTPUT, 'chrome-mv3/content-scripts/seller.js'))).length;
    expect(bytes).toBeGreaterThan(1_000);
    expect(bytes).toBeLessThanOrEqual(40 * 1024);
  });

  it('loads the rule editor (CodeMirror) only when the Rules page asks for it, not with every dashboard page or the popup', () => {
    const dir = join(OUTPUT, 'chrome-mv3');
    const loaded = (page: string) => [...readFileSync(join(dir, page), 'utf8').matchAll(/(?:src|href)="\/(chunks\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const isEditor = (chunk: string) => readFileSync(join(dir, chunk), 'utf8').includes('cm-content');
    for (const page of ['options.html', 'popup.html']) {
      expect(loaded(page).length, page).toBeGreaterThan(0);
      expect(loaded(page).filter(isEditor), page).toEqual([]);
    }
    const editor = readdirSync(join(dir, 'chunks')).map((name) => `chunks/${name}`).filter(isEditor);
    expect(editor).toHaveLength(1);
    // Fetched by the dashboard's own code, by name.
    expect(loaded('options.html').some((chunk) => readFileSync(join(dir, chunk), 'utf8').includes(editor[0]!.slice('chunks/'.length)))).toBe(true);
    const gzipped = loaded('options.html').reduce((n, chunk) => n + gzipSync(readFileSync(join(dir, chunk))).length, 0);
    expect(gzipped).toBeLessThan(150 * 1024);
  });
});
