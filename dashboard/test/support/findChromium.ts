// Which Chromium the browser tests drive. playwright-core downloads nothing here: it launches
// an executable the machine already has. The order is what people expect:
//   1. AXIRU_CHROMIUM, when set: exactly that file, or the error (never another browser instead);
//   2. the usual install locations: Debian's /usr/bin/chromium, Ubuntu's chromium-browser,
//      Google Chrome, the macOS app bundles;
//   3. the same names on PATH;
//   4. a browser that `npx playwright-core install chromium` downloaded (PLAYWRIGHT_BROWSERS_PATH,
//      else ~/.cache/ms-playwright or ~/Library/Caches/ms-playwright), newest revision first.
// Without one, the error is a single line naming what to install or set.

import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ChromiumSearch {
  /** Environment to read AXIRU_CHROMIUM, PATH, HOME, XDG_CACHE_HOME and PLAYWRIGHT_BROWSERS_PATH from. */
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  /** Prefix of the fixed install locations (tests point it at a temporary folder). */
  readonly root?: string;
}

export interface ChromiumFound {
  readonly path: string;
  /** Where it came from: `AXIRU_CHROMIUM`, `install location`, `PATH` or `playwright cache`. */
  readonly source: 'AXIRU_CHROMIUM' | 'install location' | 'PATH' | 'playwright cache';
}

/** Thrown when no browser can be used; its message is the one line a developer needs. */
export class ChromiumNotFoundError extends Error {
  override readonly name = 'ChromiumNotFoundError';
  constructor(message: string) {
    super(message);
    // Nothing in a stack trace would help: the message says what to do, so it is all we print.
    this.stack = `${this.name}: ${message}`;
  }
}

const LINUX_LOCATIONS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
];
const MAC_BUNDLES = [
  'Google Chrome.app/Contents/MacOS/Google Chrome',
  'Chromium.app/Contents/MacOS/Chromium',
  'Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
];
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** The executable inside each playwright download folder, for the layouts playwright has used. */
const PLAYWRIGHT_EXECUTABLES: Readonly<Record<string, readonly string[]>> = {
  chromium: [
    'chrome-linux64/chrome', 'chrome-linux-arm64/chrome', 'chrome-linux/chrome',
    'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  ],
  chromium_headless_shell: [
    'chrome-headless-shell-linux64/chrome-headless-shell', 'chrome-headless-shell-linux-arm64/chrome-headless-shell',
    'chrome-headless-shell-mac-arm64/chrome-headless-shell', 'chrome-headless-shell-mac-x64/chrome-headless-shell',
    'chrome-linux/headless_shell', 'chrome-mac/headless_shell',
  ],
};

const INSTALL_HINT =
  'install Chromium or Google Chrome (Debian/Ubuntu: sudo apt-get install -y chromium; macOS: brew install --cask chromium), '
  + 'or run npx playwright-core install chromium, or set AXIRU_CHROMIUM to a Chromium or Chrome executable';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fixedLocations(platform: NodeJS.Platform, root: string, home: string | undefined): string[] {
  if (platform === 'darwin') {
    const folders = [join(root, 'Applications'), ...(home ? [join(home, 'Applications')] : [])];
    return folders.flatMap((folder) => MAC_BUNDLES.map((bundle) => join(folder, bundle)));
  }
  return LINUX_LOCATIONS.map((location) => join(root, location));
}

function onPath(pathVariable: string | undefined): string[] {
  const folders = (pathVariable ?? '').split(delimiter).filter((folder) => folder !== '');
  return folders.flatMap((folder) => PATH_NAMES.map((name) => join(folder, name)));
}

function playwrightCache(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string | undefined): string | undefined {
  const configured = env['PLAYWRIGHT_BROWSERS_PATH'];
  if (configured && configured !== '0') return configured;
  if (platform === 'darwin') return home ? join(home, 'Library', 'Caches', 'ms-playwright') : undefined;
  const cache = env['XDG_CACHE_HOME'] || (home ? join(home, '.cache') : undefined);
  return cache ? join(cache, 'ms-playwright') : undefined;
}

/** Full Chromium before the headless shell, then the newest revision first. */
function playwrightDownloads(cache: string | undefined): string[] {
  if (!cache) return [];
  let entries: string[];
  try {
    entries = readdirSync(cache);
  } catch {
    return [];
  }
  return Object.entries(PLAYWRIGHT_EXECUTABLES).flatMap(([kind, executables]) => {
    const pattern = new RegExp(`^${kind}-(\\d+)$`);
    return entries
      .map((entry) => ({ entry, revision: Number(pattern.exec(entry)?.[1] ?? NaN) }))
      .filter(({ revision }) => Number.isInteger(revision))
      .sort((a, b) => b.revision - a.revision)
      .flatMap(({ entry }) => executables.map((executable) => join(cache, entry, executable)));
  });
}

/**
 * The browser to launch, or a ChromiumNotFoundError. An AXIRU_CHROMIUM that names no
 * executable file is that error: a developer who set it meant that browser and no other.
 */
export function findChromium(search: ChromiumSearch = {}): ChromiumFound {
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const root = search.root ?? '/';
  const home = env['HOME'] || (search.env ? undefined : homedir());
  const chosen = env['AXIRU_CHROMIUM'];
  if (chosen !== undefined && chosen !== '') {
    if (isExecutableFile(chosen)) return { path: chosen, source: 'AXIRU_CHROMIUM' };
    throw new ChromiumNotFoundError(
      `AXIRU_CHROMIUM=${chosen} is not an executable file: point it at a Chromium or Chrome executable (e.g. /usr/bin/chromium), or unset it to use one from the usual locations`,
    );
  }
  const candidates: Array<[string, ChromiumFound['source']]> = [
    ...fixedLocations(platform, root, home).map((path): [string, ChromiumFound['source']] => [path, 'install location']),
    ...onPath(env['PATH']).map((path): [string, ChromiumFound['source']] => [path, 'PATH']),
    ...playwrightDownloads(playwrightCache(env, platform, home)).map((path): [string, ChromiumFound['source']] => [path, 'playwright cache']),
  ];
  const found = candidates.find(([path]) => isExecutableFile(path));
  if (found) return { path: found[0], source: found[1] };
  throw new ChromiumNotFoundError(`no Chromium or Chrome found for the browser tests: ${INSTALL_HINT}`);
}
