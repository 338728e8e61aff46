import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ERROR_CODES } from '../lib/errors';
import { z } from '../lib/zod';

/** Every feature registers its routes here from its schema.ts; /api/openapi.json is generated from it. */
export const registry = new OpenAPIRegistry();

/** The path parameters of a route on one record: `{id}`, a UUID. */
export const IdParams = z.object({ id: z.string().uuid() });

registry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  description: 'A token from POST /api/v1/auth/login.',
});

export const ProblemSchema = registry.register(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      detail: z.string(),
      code: z.enum(ERROR_CODES),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional(),
    })
    .openapi({ description: 'RFC 9457 problem details with a stable machine `code`.' }),
);

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input (validation_failed)',
  401: 'Not signed in, or a bad token (unauthenticated)',
  403: 'Not allowed (forbidden)',
  404: 'Unknown or not visible (not_found)',
  409: 'Conflict: stale version, duplicate, invalid transition or sealed record',
  413: 'Body too large (payload_too_large)',
  415: 'Unsupported content type (unsupported_media_type)',
  428: 'No version given: send If-Match or version (precondition_required)',
  429: 'Too many attempts (rate_limited)',
};

type Json = z.ZodType;

/** Registers one JSON route. `problems` lists the 4xx answers it can give besides 400/401. */
export function documentRoute(route: {
  method: RouteConfig['method'];
  path: string;
  summary: string;
  tags: string[];
  body?: Json;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response?: { status: number; schema?: Json; description?: string; contentType?: string };
  problems?: number[];
  public?: boolean;
}): void {
  const responses: RouteConfig['responses'] = {};
  const ok = route.response ?? { status: 200 };
  responses[ok.status] = {
    description: ok.description ?? 'Success',
    ...(ok.schema ? { content: { [ok.contentType ?? 'application/json']: { schema: ok.schema } } } : {}),
  };
  const problems = new Set([400, ...(route.public ? [] : [401]), ...(route.method === 'patch' ? [428] : []), ...(route.problems ?? [])]);
  for (const status of problems) {
    responses[status] = { description: PROBLEM_TEXT[status] ?? 'Error', content: { 'application/problem+json': { schema: ProblemSchema } } };
  }
  registry.registerPath({
    method: route.method,
    path: route.path,
    summary: route.summary,
    tags: route.tags,
    security: route.public ? [] : [{ bearerAuth: [] }],
    request: {
      ...(route.body ? { body: { content: { 'application/json': { schema: route.body } }, required: true } } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.params ? { params: route.params } : {}),
    },
    responses,
  });
}

let cached: object | undefined;

/**
 * zod-to-openapi writes a regex's `toString()` without its slashes, so `/^[\p{L}]+$/u` comes out
 * as the pattern `^[\p{L}]+$/u`, which no client can match. The flags follow an unescaped `/`.
 */
function stripRegexFlags(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(stripRegexFlags);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'pattern' && typeof v === 'string') o[k] = v.replace(/(?<!\\)\/[dgimsuvy]+$/, '');
    else stripRegexFlags(v);
  }
}

export function openApiDocument(): object {
  cached ??= generate();
  return cached;
}

function generate(): object {
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Casebook API',
      version: '1.0.0',
      description:
        'Customer-complaint records the ISO way. Times are ISO 8601 with offset; dates are YYYY-MM-DD; errors are application/problem+json with a stable `code`.',
    },
    servers: [{ url: '/' }],
  });
  stripRegexFlags(doc);
  return doc;
}
