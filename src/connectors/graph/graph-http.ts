import { HttpClient, transportOf, type TransportOptions } from '../http/http-client.ts';
import type { GraphTokenProvider } from './token-provider.ts';

/**
 * The HTTP client of one tenant's Graph requests: its token (renewed once after a 401), a fresh `client-request-id`
 * per attempt, background priority, and Graph's `request-id` in the log.
 */
export function graphHttpClient(tenantId: string, tokens: GraphTokenProvider, transport: TransportOptions): HttpClient {
  let forceRefresh = false;
  return new HttpClient({
    service: 'graph',
    requestIdHeader: 'request-id',
    perAttemptHeaders: () => ({ 'client-request-id': crypto.randomUUID(), 'x-ms-throttle-priority': 'Low' }),
    auth: {
      headers: async () => {
        const token = await tokens.token(tenantId, forceRefresh);
        forceRefresh = false;
        return { authorization: `Bearer ${token}` };
      },
      refresh: async () => {
        forceRefresh = true;
      },
    },
    ...transportOf(transport),
  });
}
