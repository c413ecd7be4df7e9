#!/usr/bin/env node
// Runs the compiled CLI (dist/, `npm run build`). In a checkout whose dist/ is missing or older than
// the sources, it runs the TypeScript sources through tsx (a devDependency) instead.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/main.js', import.meta.url);
const tsx = new URL('../node_modules/tsx/package.json', import.meta.url);
const { stale } = await import('../scripts/build.mjs');
if (existsSync(tsx) && (!existsSync(dist) || stale().includes('server'))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
} else {
  await import(dist.href);
}
