import type { z } from 'zod';
import { ConnectorError } from './connector-error.ts';

/**
 * An answer read by its wire schema; one the schema does not take throws a `Protocol` error naming the API, what was
 * asked and the first path that did not fit.
 */
export function parseAnswer<T>(
  api: { service: string; name: string },
  what: string,
  schema: z.ZodType<T>,
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConnectorError({
    code: 'Protocol',
    service: api.service,
    status: 200,
    message: `${api.name} answered "${what}" in a shape contactsync does not read (${issue?.path.join('.') || 'answer'}: ${issue?.message ?? 'invalid'}).`,
  });
}
