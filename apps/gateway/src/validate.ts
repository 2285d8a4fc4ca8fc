import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/** Validates a JSON body with a schema, or throws `validation_failed` listing each issue by field. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  if (req.body === undefined) {
    throw new ApiError('unsupported_media_type');
  }
  const result = schema.safeParse(req.body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  throw new ApiError('validation_failed', 'The request body is not valid.', { issues });
}
