import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { nodeModulesDir } from '../../paths';
import { openApiDocument } from '../../http/openapi';

/** The app's own icon is linked, so the browser never asks for a /favicon.ico that does not exist. */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Casebook API</title>
<link rel="icon" href="/assets/app/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/assets/app/js/swagger-init.js"></script></body></html>`;

/** /api/openapi.json and /api/docs, the latter served from node_modules so it works offline. */
export function docsRouter(): Router {
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  // Swagger UI sets inline styles on its elements; only this page relaxes style-src for that.
  const docsCsp = helmet.contentSecurityPolicy({
    directives: { styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
  });
  r.use('/docs/assets', express.static(path.join(nodeModulesDir, 'swagger-ui-dist'), { index: false, maxAge: '1d' }));
  r.get('/docs', docsCsp, (_req, res) => {
    res.type('html').send(PAGE);
  });
  return r;
}
