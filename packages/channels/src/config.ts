import { z } from 'zod';

/** How long one provider call may take before it counts as a timeout (retryable). */
export const timeoutMs = z.number().int().positive().default(10_000);

/**
 * Validates an adapter's config once, at construction, and fails with every problem spelled out.
 * Zod's messages name the field and the rule, never the value, so secrets stay out of the error.
 */
export function parseConfig<S extends z.ZodType>(adapter: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`invalid ${adapter} config:\n${z.prettifyError(result.error)}`);
  return result.data;
}
