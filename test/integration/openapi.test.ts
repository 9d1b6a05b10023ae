import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentMessage, CreateSession, PostMessage } from '../../src/http/schemas.js';
import { type Harness, json, startHarness } from '../support/harness.js';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouteLayer[] };
}
interface OpenApi {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, unknown>;
      }
    >
  >;
}

let h: Harness;
let doc: OpenApi;
beforeAll(async () => {
  h = await startHarness();
  const res = await fetch(`${h.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApi;
});
afterAll(async () => {
  await h.stop();
});

/** "METHOD /path" of every route of the router mounted at /api/v1, read from the running app. */
function routerRoutes(): string[] {
  const app = h.service.app as unknown as { router: { stack: RouteLayer[] } };
  const api = app.router.stack.find((l) => l.handle.stack?.some((x) => x.route?.path === '/sessions'));
  expect(api, 'the /api/v1 router').toBeDefined();
  return api!.handle
    .stack!.flatMap((l) =>
      l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`) : [],
    )
    .sort();
}

const documented = () =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();
const withoutSchemaKey = (s: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$schema'));

describe('GET /api/v1/openapi.json', () => {
  it('is OpenAPI 3.1 for /api/v1', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
  });

  it('documents every route of the router, and no route the router does not have', () => {
    const routes = routerRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(11);
    expect(documented()).toEqual(routes);
  });

  it('describes request bodies with the very zod schemas the routes validate with', () => {
    const body = (path: string) => doc.paths[path]!.post!.requestBody!.content['application/json']!.schema;
    expect(body('/sessions')).toEqual(withoutSchemaKey(z.toJSONSchema(CreateSession, { io: 'input' })));
    expect(body('/sessions/{id}/messages')).toEqual(withoutSchemaKey(z.toJSONSchema(PostMessage, { io: 'input' })));
    expect(body('/sessions/{id}/agent-messages')).toEqual(
      withoutSchemaKey(z.toJSONSchema(AgentMessage, { io: 'input' })),
    );
    // And the API refuses what the document says it refuses.
    expect(body('/sessions')).toMatchObject({ additionalProperties: false, required: ['queue', 'user'] });
  });

  it('declares every path parameter, and an error answer for every operation that takes input', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          `${method} ${path}`,
        ).toEqual(names);
        if (names.length || op.requestBody)
          expect(op.responses['400'], `${method} ${path}`).toMatchObject({
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          });
      }
    }
  });

  it('matches what the API answers', async () => {
    const created = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    const props = (
      doc.paths['/sessions']!.post!.responses['201'] as {
        content: Record<string, { schema: { properties: Record<string, unknown> } }>;
      }
    ).content['application/json']!.schema.properties;
    expect(Object.keys(created.body).sort()).toEqual(Object.keys(props).sort());
  });
});
