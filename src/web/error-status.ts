import { isConnectorError } from '../connectors/http/connector-error.ts';
import { SettingsError } from '../domain/settings.ts';
import { OperationError } from '../operations/operator-actions.ts';

/** The HTTP status an error is answered with: the person's slip (4xx), an API that failed (502), or ours (500). */
export function statusOf(error: unknown): number {
  if (error instanceof OperationError) return error.code === 'NotFound' ? 404 : error.code === 'Validation' ? 400 : 409;
  if (error instanceof SettingsError) return 400;
  const code = (error as { code?: string }).code;
  if (code === 'FST_CSRF_MISSING_SECRET' || code === 'FST_CSRF_INVALID_TOKEN') return 403;
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  if (isConnectorError(error)) return 502;
  return 500;
}

/** What the answer says of an error: what to do, never the cause of a 500 (the log has it under the request id). */
export function messageOf(error: unknown, status: number, requestId: string): string {
  if (status === 403 && String((error as { code?: string }).code).startsWith('FST_CSRF'))
    return 'The form was refused: its security token is missing or out of date. Reload the page and try again.';
  if (status === 500) return `Something went wrong on the server; the log has the details (request ${requestId}).`;
  return (error as Error).message;
}
