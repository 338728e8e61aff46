import { useTestApp } from '../support/app';

const t = useTestApp();

describe('API documentation', () => {
  it('serves an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const res = await t.request().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const p of ['/api/v1/auth/login', '/api/v1/me', '/api/v1/users', '/api/v1/audit-events', '/health']) expect(res.body.paths[p]).toBeDefined();
    const login = res.body.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema).toBeDefined();
    expect(login.responses['429'].content['application/problem+json']).toBeDefined();
    expect(res.body.components.schemas.Problem.properties.code.enum).toContain('invalid_transition');
  });

  it('renders /api/docs from local files, with no CDN', async () => {
    const page = await t.request().get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/https?:\/\//);
    const bundle = await t.request().get('/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    const init = await t.request().get('/assets/app/js/swagger-init.js');
    expect(init.text).toContain('/api/openapi.json');
  });

  it('serves the CSS framework and htmx from node_modules', async () => {
    expect((await t.request().get('/assets/pico/pico.min.css')).status).toBe(200);
    expect((await t.request().get('/assets/htmx/htmx.min.js')).status).toBe(200);
    expect((await t.request().get('/assets/htmx/nope.js')).status).toBe(404);
  });
});

describe('GET /health', () => {
  it('answers ok when the database answers', async () => {
    const res = await t.request().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('OpenAPI patterns and problems', () => {
  it('gives every pattern as a plain ECMA-262 regex that a client can compile and match', async () => {
    const res = await t.request().get('/api/openapi.json');
    const patterns: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n)) if (k === 'pattern' && typeof v === 'string') patterns.push(v);
      else walk(v);
    };
    walk(res.body);
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) expect(p).not.toMatch(/(?<!\\)\/[a-z]+$/);
    const code = res.body.components.schemas.CreateCustomer.properties.code.pattern as string;
    expect(new RegExp(code, 'u').test('KH-Đà_Nẵng.01')).toBe(true);
    expect(new RegExp(code, 'u').test('KH 01')).toBe(false);
  });

  it('documents 428 precondition_required on every PATCH', async () => {
    const res = await t.request().get('/api/openapi.json');
    const patches = Object.values(res.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)
      .map((p) => p.patch)
      .filter(Boolean);
    expect(patches.length).toBeGreaterThanOrEqual(5);
    for (const op of patches) expect(op.responses['428']).toBeDefined();
    expect(res.body.components.schemas.Problem.properties.code.enum).toContain('precondition_required');
  });
});
