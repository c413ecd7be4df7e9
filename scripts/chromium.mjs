// Where the browser tests find Chromium: CHROMIUM_PATH, else the usual Chromium and Google Chrome
// paths. On Debian as root (CI, a fresh container) ensureChromium() installs Debian's chromium when
// none is found; anywhere else it answers with one line saying what to install.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const INSTALL_HINT =
  'no Chromium for the browser tests: install it (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium to launch, or null. A CHROMIUM_PATH that is set is the only one tried. */
export function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  return CANDIDATES.find(executable) ?? null;
}

/** findChromium(), installing Debian's chromium first when none is found and this is Debian as root. */
export function ensureChromium({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const found = findChromium();
  if (found || process.env.CHROMIUM_PATH) return found;
  const debianRoot =
    process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/etc/debian_version') && executable('/usr/bin/apt-get');
  if (!debianRoot) return null;
  log("no Chromium found: installing Debian's chromium (apt-get install chromium)…");
  const apt = (...args) =>
    spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      encoding: 'utf8',
    });
  const r = apt('update', '-q').status === 0 ? apt('install', '-y', '-q', 'chromium') : { status: 1, stderr: 'apt-get update failed' };
  if (r.status !== 0) log(`apt-get install chromium failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  return findChromium();
}
