// The browser lookup on made-up machines: every install location, PATH folder and playwright
// cache below lives in a temporary folder, so these cases hold on any machine.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChromiumNotFoundError, findChromium } from './support/findChromium.js';

let machine: string;

beforeEach(() => {
  machine = mkdtempSync(join(tmpdir(), 'axiru-find-chromium-'));
});
afterEach(() => {
  rmSync(machine, { recursive: true, force: true });
});

/** A file at `path` under the fake machine; executable unless told otherwise. */
function file(path: string, executable = true): string {
  const full = join(machine, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '#!/bin/sh\n');
  chmodSync(full, executable ? 0o755 : 0o644);
  return full;
}

function find(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux') {
  return findChromium({ env, platform, root: machine });
}

function failure(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux'): ChromiumNotFoundError {
  try {
    find(env, platform);
  } catch (error) {
    expect(error).toBeInstanceOf(ChromiumNotFoundError);
    return error as ChromiumNotFoundError;
  }
  throw new Error('expected no browser to be found');
}

describe('AXIRU_CHROMIUM', () => {
  it('wins over every other location', () => {
    file('usr/bin/chromium');
    const chosen = file('custom/my-chrome');
    expect(find({ AXIRU_CHROMIUM: chosen })).toEqual({ path: chosen, source: 'AXIRU_CHROMIUM' });
  });

  it.each([
    ['a missing file', (): string => join(machine, 'nowhere/chrome')],
    ['a file that is not executable', (): string => file('custom/chrome.txt', false)],
    ['a folder', (): string => { mkdirSync(join(machine, 'a-folder')); return join(machine, 'a-folder'); }],
  ])('naming %s is the one error, even with a browser installed', (_, make) => {
    file('usr/bin/chromium');
    const chosen = make();
    const error = failure({ AXIRU_CHROMIUM: chosen });
    expect(error.message).toBe(
      `AXIRU_CHROMIUM=${chosen} is not an executable file: point it at a Chromium or Chrome executable (e.g. /usr/bin/chromium), or unset it to use one from the usual locations`,
    );
    expect(error.stack).toBe(`ChromiumNotFoundError: ${error.message}`);
  });

  it('set but empty counts as not set', () => {
    const debian = file('usr/bin/chromium');
    expect(find({ AXIRU_CHROMIUM: '' })).toEqual({ path: debian, source: 'install location' });
  });
});

describe('the usual locations', () => {
  it('prefers Debian\'s /usr/bin/chromium, then chromium-browser, then Google Chrome', () => {
    const chrome = file('usr/bin/google-chrome-stable');
    expect(find({}).path).toBe(chrome);
    const ubuntu = file('usr/bin/chromium-browser');
    expect(find({}).path).toBe(ubuntu);
    const debian = file('usr/bin/chromium');
    expect(find({})).toEqual({ path: debian, source: 'install location' });
  });

  it('skips a location whose file is not executable', () => {
    file('usr/bin/chromium', false);
    const chrome = file('usr/bin/google-chrome');
    expect(find({}).path).toBe(chrome);
  });

  it('finds the macOS app bundles, in /Applications and in the home folder', () => {
    const home = join(machine, 'Users/dev');
    const own = file('Users/dev/Applications/Chromium.app/Contents/MacOS/Chromium');
    expect(find({ HOME: home }, 'darwin')).toEqual({ path: own, source: 'install location' });
    const system = file('Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(find({ HOME: home }, 'darwin').path).toBe(system);
  });

  it('looks on PATH, folder by folder', () => {
    file('bin-a/not-a-browser');
    const second = file('bin-b/google-chrome');
    const PATH = [join(machine, 'bin-a'), join(machine, 'bin-b')].join(':');
    expect(find({ PATH })).toEqual({ path: second, source: 'PATH' });
  });

  it('uses a playwright-managed browser, the newest full Chromium before any headless shell', () => {
    const home = join(machine, 'home/dev');
    file('home/dev/.cache/ms-playwright/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell');
    file('home/dev/.cache/ms-playwright/chromium-1100/chrome-linux/chrome');
    const newest = file('home/dev/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome');
    expect(find({ HOME: home })).toEqual({ path: newest, source: 'playwright cache' });
  });

  it('reads the playwright cache from PLAYWRIGHT_BROWSERS_PATH and XDG_CACHE_HOME', () => {
    const shell = file('browsers/chromium_headless_shell-1255/chrome-headless-shell-linux64/chrome-headless-shell');
    expect(find({ PLAYWRIGHT_BROWSERS_PATH: join(machine, 'browsers') }).path).toBe(shell);
    const xdg = file('xdg/ms-playwright/chromium-1255/chrome-linux64/chrome');
    expect(find({ XDG_CACHE_HOME: join(machine, 'xdg') }).path).toBe(xdg);
  });

  it('prefers an installed browser to one on PATH or in the playwright cache', () => {
    const home = join(machine, 'home/dev');
    file('home/dev/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome');
    file('bin/chromium');
    const debian = file('usr/bin/chromium');
    expect(find({ HOME: home, PATH: join(machine, 'bin') }).path).toBe(debian);
  });
});

describe('no browser at all', () => {
  it('is one line that says what to install or set', () => {
    file('bin/chromium', false);
    const error = failure({ HOME: join(machine, 'home/dev'), PATH: join(machine, 'bin') });
    expect(error.message).toBe(
      'no Chromium or Chrome found for the browser tests: install Chromium or Google Chrome (Debian/Ubuntu: sudo apt-get install -y chromium; '
      + 'macOS: brew install --cask chromium), or run npx playwright-core install chromium, or set AXIRU_CHROMIUM to a Chromium or Chrome executable',
    );
    expect(error.message).not.toContain('\n');
    expect(error.stack).toBe(`ChromiumNotFoundError: ${error.message}`);
  });
});
