/**
 * A small team using Casebook at once, over real HTTP on loopback: each client signs in, then
 * loops over intake (API), the queue, a search, a case by API, a case page in the browser
 * session, and a fresh web sign-in. Used by `test/server/embeddedLoad.test.ts` (short) and
 * `npm run bench -- team` (long). Every client's credentials are valid throughout, so any 401
 * is a wrong one; a 5xx is always a defect.
 */

export interface MixedLoadOptions {
  url: string;
  clients: number;
  durationMs: number;
  /** Demo-style accounts: one that may log complaints, one that runs cases (may be the same). */
  intakeEmail: string;
  qualityEmail: string;
  password: string;
  /** Stops the loops early (e.g. when the server is being stopped). */
  signal?: AbortSignal;
  /** Called once, when every client has signed in and is looping: the load is fully on from then. */
  onRunning?: () => void;
}

export interface MixedLoadResult {
  requests: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  serverErrors: number;
  wrongUnauthorized: number;
  /** Requests that got no answer at all (connection refused or reset). */
  networkErrors: number;
  /** Answers other than the expected one that are neither 5xx nor 401 (counted, and listed in `failures`). */
  unexpected: number;
  /** The first few failures, for the test's message. */
  failures: string[];
  elapsedMs: number;
  latenciesMs: number[];
}

/** A request that takes longer than this counts as a network error (a hung server must not hang the load). */
const REQUEST_TIMEOUT_MS = 20_000;
const withTimeout = (init: RequestInit = {}): RequestInit => ({ ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

const WORDS = ['máy lọc nước', 'ấm siêu tốc', 'giao hàng chậm', 'bảo hành', 'hóa đơn', 'nồi cơm điện', 'rò rỉ', 'thái độ nhân viên'];

class Session {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  absorb(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.header());
    const res = await fetch(this.base + path, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init, headers, redirect: 'manual' });
    this.absorb(res);
    return res;
  }
}

function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the sign-in page');
  return m[1];
}

/** Signs in through the form as a browser does; returns the session and the final status. */
async function webSignIn(url: string, email: string, password: string): Promise<{ session: Session; status: number }> {
  const session = new Session(url);
  const page = await session.fetch('/login');
  const html = await page.text();
  if (page.status !== 200) return { session, status: page.status };
  const form = new URLSearchParams({ _csrf: csrfFrom(html), email, password });
  const res = await session.fetch('/login', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await res.arrayBuffer();
  return { session, status: res.status };
}

async function apiToken(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, withTimeout({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token) throw new Error(`API sign-in as ${email} answered ${res.status}`);
  return body.token;
}

function entryBody(client: number, n: number) {
  const word = WORDS[(client + n) % WORDS.length];
  return {
    kind: n % 5 === 0 ? 'feedback' : 'complaint',
    customer: { name: `Khách hàng tải ${client}-${n} Nguyễn Văn Đức`, type: n % 2 ? 'person' : 'company', phone: '0912 345 678' },
    channel: 'hotline',
    incidentDate: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
    category: n % 3 ? 'service_quality' : 'business',
    subject: `${word} — phản ánh số ${n}`,
    description: `Khách hàng phản ánh về ${word}. Đã ghi nhận qua đường dây nóng.`,
    severity: (['low', 'medium', 'high'] as const)[n % 3],
    productRef: `SP-${n % 7}`,
  };
}

export async function runMixedLoad(o: MixedLoadOptions): Promise<MixedLoadResult> {
  const result: MixedLoadResult = {
    requests: 0,
    byOperation: {},
    byStatus: {},
    serverErrors: 0,
    wrongUnauthorized: 0,
    networkErrors: 0,
    unexpected: 0,
    failures: [],
    elapsedMs: 0,
    latenciesMs: [],
  };
  const record = (op: string, status: number | 'network', started: number, detail = '') => {
    result.requests++;
    result.byOperation[op] = (result.byOperation[op] ?? 0) + 1;
    result.byStatus[String(status)] = (result.byStatus[String(status)] ?? 0) + 1;
    result.latenciesMs.push(performance.now() - started);
    const bad = status === 'network' || status >= 500 || status === 401;
    if (status === 'network') result.networkErrors++;
    else if (status >= 500) result.serverErrors++;
    else if (status === 401) result.wrongUnauthorized++;
    if (bad && result.failures.length < 10) result.failures.push(`${op} → ${status} ${detail}`.trim());
  };

  const unexpected = (op: string, status: number, body: string) => {
    result.unexpected++;
    if (result.failures.length < 10) result.failures.push(`${op} → unexpected ${status} ${body.slice(0, 200)}`);
  };

  const intakeToken = await apiToken(o.url, o.intakeEmail, o.password);
  const qualityToken = await apiToken(o.url, o.qualityEmail, o.password);
  const ids: string[] = [];
  const started = performance.now();
  const deadline = started + o.durationMs;
  const live = () => performance.now() < deadline && !o.signal?.aborted;
  let signedIn = 0;

  async function timed(op: string, fn: () => Promise<Response>, expect: number[], onBody?: (body: string) => void): Promise<void> {
    const t = performance.now();
    let res: Response;
    try {
      res = await fn();
    } catch (err) {
      if (o.signal?.aborted) return;
      record(op, 'network', t, String((err as Error).cause ?? err));
      return;
    }
    const body = await res.text().catch(() => '');
    record(op, res.status, t, expect.includes(res.status) ? '' : body.slice(0, 300));
    if (expect.includes(res.status)) onBody?.(body);
    else if (res.status < 500 && res.status !== 401) unexpected(op, res.status, body);
  }

  async function client(c: number): Promise<void> {
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    let web = await webSignIn(o.url, o.qualityEmail, o.password);
    if (++signedIn === o.clients) o.onRunning?.();
    for (let n = 0; live(); n++) {
      const pick = (c * 7 + n) % 10;
      if (pick < 3) {
        await timed(
          'intake',
          () => fetch(`${o.url}/api/v1/complaints`, withTimeout({ method: 'POST', headers: { ...auth(intakeToken), 'content-type': 'application/json' }, body: JSON.stringify(entryBody(c, n)) })),
          [201],
          (b) => ids.push((JSON.parse(b) as { id: string }).id),
        );
      } else if (pick < 5) {
        await timed('list', () => fetch(`${o.url}/api/v1/complaints?limit=20`, withTimeout({ headers: auth(qualityToken) })), [200]);
      } else if (pick < 6) {
        const q = encodeURIComponent(WORDS[n % WORDS.length]);
        await timed('search', () => fetch(`${o.url}/api/v1/complaints?q=${q}&limit=20`, withTimeout({ headers: auth(qualityToken) })), [200]);
      } else if (pick < 7 && ids.length) {
        const id = ids[(c + n) % ids.length];
        await timed('case', () => fetch(`${o.url}/api/v1/complaints/${id}`, withTimeout({ headers: auth(qualityToken) })), [200]);
      } else if (pick < 9) {
        const id = ids.length ? ids[(c * 3 + n) % ids.length] : undefined;
        const session = web.session;
        await timed('case page', () => session.fetch(id ? `/complaints/${id}` : '/complaints'), [200]);
      } else {
        const t = performance.now();
        try {
          web = await webSignIn(o.url, o.qualityEmail, o.password);
          record('sign-in', web.status, t);
          if (web.status !== 303) unexpected('sign-in', web.status, '');
        } catch (err) {
          if (!o.signal?.aborted) record('sign-in', 'network', t, String((err as Error).cause ?? err));
        }
      }
    }
  }

  await Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)));
  result.elapsedMs = performance.now() - started;
  return result;
}
