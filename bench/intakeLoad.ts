import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { percentile } from './lib';
import { pick, rng, sampleEntry } from './corpus';

/**
 * The load generator of `bench intake`, forked as its own process so that autocannon never
 * shares an event loop with the app it measures. Parent → child: one LoadJob; child → parent:
 * one LoadResult.
 */
export interface LoadJob {
  url: string;
  token: string;
  customerIds: string[];
  connections: number;
  durationS: number;
  seed: number;
  zone: string;
}

export interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  statusCodes: Record<string, number>;
  firstError: string | null;
}

function bodies(job: LoadJob): () => string {
  const r = rng(job.seed);
  const today = DateTime.now().setZone(job.zone).startOf('day');
  return () => {
    const e = sampleEntry(r);
    return JSON.stringify({
      kind: e.kind,
      customerId: pick(r, job.customerIds),
      channel: e.channel,
      incidentDate: today.minus({ days: e.incidentDaysBefore }).toISODate(),
      category: e.category,
      subject: e.subject,
      description: e.description,
      severity: e.severity,
      harm: e.harm,
      safetyImpact: e.safetyImpact,
      brandImpact: e.brandImpact,
      productRef: e.productRef,
      lotRef: e.lotRef,
      supplierRef: e.supplierRef,
    });
  };
}

async function drive(job: LoadJob): Promise<LoadResult> {
  const next = bodies(job);
  const latencies: number[] = [];
  let firstError: string | null = null;
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/complaints',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
        setupRequest: (req) => ({ ...req, body: next() }),
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await new Promise<autocannon.Result>((resolve) => instance.on('done', resolve));
  if (result.non2xx > 0) {
    // Show what went wrong once: one more request with a fresh body.
    const res = await fetch(`${job.url}/api/v1/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
      body: next(),
    });
    firstError = res.ok ? null : `${res.status} ${await res.text()}`;
  }
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
  return {
    ok: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    perSecond: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statusCodes,
    firstError,
  };
}

process.once('message', (job: LoadJob) => {
  drive(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
