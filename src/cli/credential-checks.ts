import { isConnectorError } from '../connectors/http/connector-error.ts';
import { GraphTokenProvider } from '../connectors/graph/token-provider.ts';
import { notReached, type CheckResult } from '../connectors/target-setup.ts';

/**
 * The live check of the Microsoft app as a person types its credentials (init, config set-secret): one harmless
 * sign-in. Each target's own check comes with its setup.
 */
export async function checkMicrosoft(
  tenantId: string,
  credential: {
    clientId: string;
    clientSecret?: string;
    certificate?: { thumbprintSha256: string; privateKey: string };
  },
  loginUrl: string | undefined,
): Promise<CheckResult> {
  try {
    await new GraphTokenProvider({ credential, loginBaseUrl: loginUrl ?? null, timeoutMs: 10_000 }).token(tenantId);
    return { ok: true, message: `Microsoft signed the app in to tenant ${tenantId}.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth')) return { ok: false, message: error.message };
    return notReached("Microsoft's login service", error);
  }
}
