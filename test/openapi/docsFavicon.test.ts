import { useTestApp } from '../support/app';

const t = useTestApp();

describe('/api/docs', () => {
  it('links the app icon, so the browser does not ask for a /favicon.ico that answers 404; everything the page loads answers 200', async () => {
    const page = await t.request().get('/api/docs');
    expect(page.status).toBe(200);
    const icon = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(page.text);
    expect(icon).not.toBeNull();
    const res = await t.request().get(icon![1]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    // The page's own CSP lets it load the icon from the same origin.
    expect(page.headers['content-security-policy']).toMatch(/img-src 'self'/);
    for (const [, url] of page.text.matchAll(/(?:href|src)="(\/[^"]+)"/g)) expect([url, (await t.request().get(url)).status]).toEqual([url, 200]);
  });
});

describe('/favicon.ico', () => {
  it('answers with the app icon instead of 404', async () => {
    const res = await t.request().get('/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.body.toString()).toContain('<svg');
  });
});
