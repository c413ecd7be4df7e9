import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { Poller } from '../../src/track/poller.ts';
import { WsapmeClient } from '../../src/gateway/wsapmeClient.ts';
import { buildApp } from '../../src/http/buildApp.ts';
import { FunnelHub } from '../../src/http/funnelHub.ts';
import { LongRequests } from '../../src/http/longRequests.ts';
import { routesOf } from '../../src/http/routeList.ts';
import { silentLogger } from '../../src/log.ts';
import { Metrics } from '../../src/metrics.ts';
import { type TestDb, createTestDatabase } from '../helpers/testDatabase.ts';
import { systemClock } from '../../src/util/clock.ts';

/**
 * /docs against the routes the app really registers: every /api, /webhooks and system route is
 * documented (a route added without its entry fails here), nothing documented is gone, each
 * operation sits in one named group with examples where Swagger UI would otherwise invent values,
 * and the page carries what a phone needs. The app is built, not listened on: app.inject.
 */
let db: TestDb;
let app: FastifyInstance;
let gateway: WsapmeClient;
let doc: { tags: Array<{ name: string }>; paths: Record<string, Record<string, Record<string, unknown>>> };

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  // Never called here: the docs are read, no message is sent.
  gateway = new WsapmeClient({ baseUrl: 'http://127.0.0.1:9', apiKeyHeader: 'x-wsapme-token', timeoutMs: 1000 });
  app = await buildApp({
    config,
    database: db,
    log: silentLogger,
    simulator: true,
    version: '0.0.0-test',
    hub: new FunnelHub(db.db, silentLogger),
    wakeEngine: () => {},
    webhooks: null,
    poller: new Poller(db.db, gateway, config, silentLogger, () => {}),
    gateway,
    metrics: new Metrics(),
    longRequests: new LongRequests(10),
    clock: systemClock,
  });
  await app.ready();
  doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(async () => {
  await app?.close();
  await gateway?.close();
  await db?.close();
});

/** `/api/blasts/:id` → `/api/blasts/{id}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const isApiRoute = (url: string) => /^\/(api|webhooks)\//.test(url) || url === '/healthz' || url === '/metrics';

describe('/docs', () => {
  it('documents every route the app registers, and nothing it does not', () => {
    const registered = routesOf(app)
      .filter((r) => isApiRoute(r.url) && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${openApiPath(r.url)}`);
    expect(registered.length).toBeGreaterThan(40);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(
      registered.filter((r) => !documented.includes(r)),
      'registered but missing from /docs',
    ).toEqual([]);
    expect(
      documented.filter((d) => !registered.includes(d)),
      'in /docs but not registered',
    ).toEqual([]);
    expect(documented).toEqual(expect.arrayContaining(['GET /api/opt-outs', 'POST /api/opt-outs', 'DELETE /api/opt-outs/{phone}']));
  });

  it('puts each operation in exactly one of the named groups, and no group is empty', () => {
    const names = doc.tags.map((t) => t.name);
    const used = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const tags = op.tags as string[] | undefined;
        expect(tags, `${method} ${path}`).toHaveLength(1);
        expect(names, `${method} ${path}`).toContain(tags![0]);
        used.add(tags![0]!);
      }
    }
    expect([...used].sort()).toEqual([...names].sort());
    expect(names).not.toContain('default');
  });

  it('gives an example to every parameter with a pattern or a format, and every date in it is of this era', () => {
    const withShape = (s: unknown): boolean => JSON.stringify(s ?? {}).match(/"(pattern|format)"/) !== null;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const p of (op.parameters as Array<{ name: string; schema: unknown; example?: unknown }> | undefined) ?? []) {
          if (withShape(p.schema)) expect(p.example, `${method} ${path} ${p.name}`).toBeDefined();
        }
        const bodyContent = (op.requestBody as { content?: Record<string, { example?: unknown; schema?: unknown }> } | undefined)
          ?.content?.['application/json'];
        if (bodyContent?.schema) expect(bodyContent.example, `${method} ${path} body`).toBeDefined();
      }
    }
    const years = [...JSON.stringify(doc).matchAll(/"(\d{4})-\d{2}-\d{2}/g)].map((m) => Number(m[1]));
    expect(years.length).toBeGreaterThan(3);
    for (const y of years) expect(y).toBeGreaterThanOrEqual(2020);
  });

  it('is readable on a phone: the page sets a device-width viewport and loads the narrow-screen styles', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>wablast API</title>');
    const script = /src="([^"]*theme\/viewport\.js)"/.exec(page.body)?.[1];
    const css = /href="([^"]*theme\/phone\.css)"/.exec(page.body)?.[1];
    expect(script && css).toBeTruthy();
    const js = await app.inject({ method: 'GET', url: `/docs/${script!.replace(/^\.\//, '')}` });
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('width=device-width');
    const style = await app.inject({ method: 'GET', url: `/docs/${css!.replace(/^\.\//, '')}` });
    expect(style.body).toMatch(/@media \(max-width: 640px\)/);
  });
});
