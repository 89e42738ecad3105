import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { ConnectorError } from '../http/connector-error.ts';
import { fetchNetworkClient, LOGIN_HOST, offlineAuthorityMetadata, REDIRECT_REFUSED } from './msal-network.ts';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The app registration contactsync signs in with, in every customer tenant. */
interface GraphAppCredential {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly certificate?: { readonly thumbprintSha256: string; readonly privateKey: string };
}

interface TokenProviderOptions {
  readonly credential: GraphAppCredential;
  /** the login simulator's base URL; null for Microsoft's login host */
  readonly loginBaseUrl?: string | null;
  readonly timeoutMs?: number;
}

/** Entra's error codes that mean "fix the configuration", with what to do. */
function advice(description: string): string {
  if (/AADSTS7000215/.test(description))
    return 'The client secret is wrong: copy the secret value (not its id) from the app registration.';
  if (/AADSTS700016/.test(description))
    return 'The application id is not known in this tenant: check the client id, or grant the app admin consent in the customer tenant.';
  if (/AADSTS7000229|AADSTS65001|AADSTS650052/.test(description))
    return 'The customer tenant has not granted admin consent to the app: an administrator of the tenant must consent.';
  if (/AADSTS90002/.test(description)) return 'The tenant id is not known to Microsoft: check it.';
  if (/AADSTS700027/.test(description))
    return 'The certificate does not match the one uploaded to the app registration.';
  return 'Check the app registration and its credentials.';
}

/**
 * Graph access tokens by the client-credentials flow, through `@azure/msal-node`: one confidential client per tenant
 * (its authority is the tenant), whose cache keeps each token until shortly before it expires.
 */
export class GraphTokenProvider {
  private readonly apps = new Map<string, ConfidentialClientApplication>();

  constructor(private readonly options: TokenProviderOptions) {
    if (options.credential.clientSecret === undefined && options.credential.certificate === undefined) {
      throw new ConnectorError({
        code: 'Auth',
        service: 'microsoft login',
        message: 'The Microsoft app needs a client secret or a certificate.',
      });
    }
  }

  private app(tenantId: string): ConfidentialClientApplication {
    let app = this.apps.get(tenantId);
    if (app === undefined) {
      const { credential } = this.options;
      const auth: Configuration['auth'] = {
        clientId: credential.clientId,
        authority: `${LOGIN_HOST}/${tenantId}`,
        ...offlineAuthorityMetadata(tenantId),
        ...(credential.clientSecret === undefined ? {} : { clientSecret: credential.clientSecret }),
        ...(credential.certificate === undefined ? {} : { clientCertificate: credential.certificate }),
      };
      app = new ConfidentialClientApplication({
        auth,
        system: { networkClient: fetchNetworkClient(this.options.loginBaseUrl ?? null, this.options.timeoutMs) },
      });
      this.apps.set(tenantId, app);
    }
    return app;
  }

  /** A valid token for the tenant, from the cache unless `forceRefresh`. */
  async token(tenantId: string, forceRefresh = false): Promise<string> {
    try {
      const result = await this.app(tenantId).acquireTokenByClientCredential({
        scopes: [GRAPH_SCOPE],
        skipCache: forceRefresh,
      });
      if (result === null || result.accessToken === '') throw new Error('the login endpoint returned no token');
      return result.accessToken;
    } catch (error) {
      const errorCode = (error as { errorCode?: string }).errorCode ?? null;
      const description = (error as Error).message ?? '';
      if (errorCode === REDIRECT_REFUSED)
        throw new ConnectorError({
          code: 'Auth',
          service: 'microsoft login',
          apiCode: errorCode,
          message: (error as { errorMessage?: string }).errorMessage ?? description,
        });
      const transient =
        errorCode === 'network_error' ||
        errorCode === 'endpoints_resolution_error' ||
        /ECONNREFUSED|ECONNRESET|fetch failed|timeout/i.test(description);
      const code = description.match(/AADSTS\d+/)?.[0] ?? null;
      throw new ConnectorError({
        code: transient ? 'Transient' : 'Auth',
        service: 'microsoft login',
        apiCode: errorCode,
        message: transient
          ? `Microsoft's login service could not be reached for tenant ${tenantId}: ${description.split('\n')[0]}`
          : `Signing in to tenant ${tenantId} failed${code === null ? '' : ` (${code})`}. ${advice(description)}`,
        cause: error,
      });
    }
  }
}
