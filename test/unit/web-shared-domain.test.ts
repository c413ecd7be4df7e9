/**
 * The dashboard imports the server's pure rules from src/domain (`@domain/…`) instead of keeping
 * copies (issue 12). Those modules, and everything they import, must stay browser-safe: only other
 * domain modules, no Node built-ins, no packages.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOMAIN = join(ROOT, 'src/domain');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]!);

it('every src/domain module the dashboard reaches imports only other domain modules', () => {
  const queue = files(join(ROOT, 'web/src')).flatMap((f) =>
    importsOf(f)
      .filter((s) => s.startsWith('@domain/'))
      .map((s) => join(DOMAIN, s.slice('@domain/'.length))),
  );
  expect(queue.length).toBeGreaterThan(0);
  const seen = new Set<string>();
  const bad: string[] = [];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : null;
      if (!target?.startsWith(`${DOMAIN}/`)) bad.push(`${file.slice(ROOT.length)} imports ${spec}`);
      else queue.push(target);
    }
  }
  expect(bad).toEqual([]);
  for (const shared of ['template.ts', 'templateSyntax.ts', 'variation.ts', 'csvHeader.ts', 'csvRecipients.ts', 'pastedRecipients.ts']) {
    expect(seen).toContain(join(DOMAIN, shared));
  }
});

it('the dashboard keeps no copy of a shared rule', () => {
  const web = files(join(ROOT, 'web/src')).map((f) => f.slice(ROOT.length));
  expect(web).not.toContain('web/src/lib/template.ts');
  expect(web).not.toContain('web/src/lib/csv.ts');
  expect(web).not.toContain('web/src/lib/recipientsInput.ts');
  expect(files(join(ROOT, 'web/src')).filter((f) => /\.\.\/\.\.\/\.\.\/src\//.test(readFileSync(f, 'utf8')))).toEqual([]);
});
