// `npm run build`: the server bundled by esbuild into dist/main.js (with its dependencies, except
// the few that load their own files from node_modules: see EXTERNAL) and the dashboard built by
// vite into web/dist. Type checking is tsc's job (`npm run typecheck`, part of `npm test`).
// `--if-needed` rebuilds only the parts older than their sources (`npm start` uses stale()).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const SERVER_OUT = join(DIST, 'main.js');
const WEB_OUT = join(ROOT, 'web/dist/index.html');
const SELF = fileURLToPath(import.meta.url);

const newest = (path) => {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
};
const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** Which parts are missing or older than their sources: a subset of ['server', 'web']. */
export function stale() {
  const server = [...['src', 'sim', 'package.json'].map((p) => newest(join(ROOT, p))), mtime(SELF)];
  // The dashboard imports the server's pure modules (src/domain), so server sources count for it too.
  const web = ['web/src', 'web/index.html', 'web/vite.config.ts', 'src'].map((p) => newest(join(ROOT, p)));
  const parts = [];
  if (mtime(SERVER_OUT) < Math.max(...server)) parts.push('server');
  if (existsSync(join(ROOT, 'web/index.html')) && mtime(WEB_OUT) < Math.max(...web)) parts.push('web');
  return parts;
}

/**
 * Bundles TypeScript entry points into `outdir`, which must be inside the tree so the EXTERNAL
 * packages resolve to node_modules. Each bundled module's
 * `import.meta.url` is rewritten to its source file's URL, so a path it resolves next to itself
 * (src/db/migrations, web/dist, package.json) means the same compiled as under tsx, wherever the
 * file lives in the tree.
 */
export async function bundle({ entryPoints, outdir }) {
  const esbuild = await import('esbuild');
  await rm(outdir, { recursive: true, force: true });
  const sourceUrls = {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        // Every output file (entries and chunks) sits directly in outdir.
        const fromOut = relative(outdir, args.path).split(sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true, // main.ts imports the server lazily so the CLI client starts without it
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // Dependencies are bundled too: one file parses far faster than the ~450 small CommonJS files
    // node would resolve and read one by one. Left out: packages that find their own files on disk
    // (wasm, static assets, worker threads) and optional native add-ons.
    external: EXTERNAL,
    // Bundled CommonJS calls require() for node's built-ins; ES modules have none of their own.
    banner: { js: "import { createRequire as __wablastRequire } from 'node:module'; const require = __wablastRequire(import.meta.url);" },
    // Whitespace and comments out: a dependency's comment with one non-ASCII character makes V8
    // keep the whole bundle's source as a two-byte string (≈ 10 MB of heap for 5 MB of code).
    // Identifiers keep their names, so stack traces stay readable without the source map.
    minifyWhitespace: true,
    charset: 'ascii',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
}

const EXTERNAL = ['@electric-sql/pglite', '@fastify/swagger-ui', 'pino', 'thread-stream', 'pg-native'];

export const buildServer = () => bundle({ entryPoints: { main: 'src/main.ts' }, outdir: DIST });

export function buildWeb() {
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('the dashboard build (vite) failed');
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const parts = process.argv.includes('--if-needed') ? stale() : ['server', 'web'];
  try {
    if (parts.length && !existsSync(join(ROOT, 'node_modules/esbuild'))) {
      throw new Error(
        `dist/ or web/dist is missing or stale and the build tools are not installed: run \`npm install\` then \`npm run build\``,
      );
    }
    for (const part of parts) {
      const t0 = performance.now();
      process.stdout.write(`building ${part === 'server' ? 'the server (dist/)' : 'the dashboard (web/dist)'}…`);
      if (part === 'server') await buildServer();
      else buildWeb();
      process.stdout.write(` ${Math.round(performance.now() - t0)} ms\n`);
    }
  } catch (err) {
    process.stderr.write(`\nbuild failed: ${err.message}\n`);
    process.exit(1);
  }
}
