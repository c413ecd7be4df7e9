import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Keeps every route the app registers from here on (plugins' too): /docs is checked against it. */
export function recordRoutes(app: FastifyInstance): void {
  const list: RegisteredRoute[] = [];
  registered.set(app, list);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) list.push({ method: String(method), url: r.url });
  });
}

export const routesOf = (app: FastifyInstance): readonly RegisteredRoute[] => registered.get(app) ?? [];
