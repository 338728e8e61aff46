import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Once, before any schema is built: `.openapi()` then documents the same schema that validates.
extendZodWithOpenApi(z);

export { z };
