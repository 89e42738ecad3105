import { BmsPsa } from '../connectors/bms/bms-psa.ts';
import { BMS_ENDPOINTS, BMS_MFA_REQUIRED, BMS_REGIONS, bmsTypeIdsWhere } from '../connectors/bms/wire.ts';
import type { PsaType } from '../domain/psa-contact.ts';
import { isConnectorError } from '../connectors/http/connector-error.ts';
import type { TransportOptions } from '../connectors/http/http-client.ts';
import { GraphTokenProvider } from '../connectors/graph/token-provider.ts';
import { ItGlueDocStore } from '../connectors/itglue/itglue-doc-store.ts';

/**
 * Live checks of credentials as a person types them (init, config set-secret): one harmless call each. `ok: false`
 * means the service refused them (ask again); an unreachable service is not a refusal, and is only noted.
 */
export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

/** Where the services are: their real hosts, or other ones (the simulators) from the environment. */
export interface ServiceUrls {
  readonly login?: string | undefined;
  readonly doc?: string | undefined;
  readonly psa?: string | undefined;
}

export function serviceUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceUrls {
  return { login: env.CONTACTSYNC_MS_LOGIN_URL, doc: env.CONTACTSYNC_ITGLUE_URL, psa: env.CONTACTSYNC_BMS_URL };
}

// A person waits for the answer: one try, a short timeout.
const QUICK: TransportOptions = { timeoutMs: 10_000, policy: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } };

function unreachable(service: string, error: unknown): CheckResult {
  return {
    ok: true,
    message: `${service} could not be reached to check this (${(error as Error).message.split('\n')[0]}); contactsync doctor checks it later.`,
  };
}

export async function checkMicrosoft(
  tenantId: string,
  credential: {
    clientId: string;
    clientSecret?: string;
    certificate?: { thumbprintSha256: string; privateKey: string };
  },
  urls: ServiceUrls,
): Promise<CheckResult> {
  try {
    await new GraphTokenProvider({ credential, loginBaseUrl: urls.login ?? null, timeoutMs: 10_000 }).token(tenantId);
    return { ok: true, message: `Microsoft signed the app in to tenant ${tenantId}.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth')) return { ok: false, message: error.message };
    return unreachable("Microsoft's login service", error);
  }
}

export async function checkItGlue(apiKey: string, region: 'us' | 'eu' | 'au', urls: ServiceUrls): Promise<CheckResult> {
  try {
    await new ItGlueDocStore({
      apiKey,
      region,
      ...(urls.doc ? { baseUrl: urls.doc } : {}),
      ...QUICK,
    }).listContactTypes();
    return { ok: true, message: `IT Glue (${region}) accepted the key.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message: `IT Glue (region ${region}) refused the key: check the key, and that it belongs to this region.`,
      };
    return unreachable('IT Glue', error);
  }
}

export async function checkBms(
  credentials: { userName: string; password: string; tenant: string },
  region: 'us' | 'emea' | 'apac',
  urls: ServiceUrls,
): Promise<CheckResult> {
  try {
    await new BmsPsa({ credentials, region, ...(urls.psa ? { baseUrl: urls.psa } : {}), ...QUICK }).listAccounts();
    return { ok: true, message: `Kaseya BMS (${region}) signed ${credentials.userName} in.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message:
          error.apiCode === BMS_MFA_REQUIRED
            ? `Kaseya BMS (region ${region}) refused the login: ${credentials.userName} has multi-factor authentication (MFA), and contactsync signs in unattended: use an API user without MFA.`
            : `Kaseya BMS (region ${region}) refused the login: check the user name, the password and the tenant (the company name at login), and that the user is an API employee. (${error.message.split('\n')[0]})`,
      };
    return unreachable('Kaseya BMS', error);
  }
}

/** One of BMS's type lists: the types, or why it could not be read (BMS does not serve it where contactsync asks). */
export type BmsTypeList = { readonly types: readonly PsaType[] } | { readonly unreadable: string };

/**
 * BMS's email and phone types, read as soon as the credentials are known, so that a type the settings cannot name is
 * found at once rather than by the first contact written. Throws when BMS cannot be asked at all (sign-in, network).
 */
export async function readBmsTypes(
  credentials: { userName: string; password: string; tenant: string },
  region: 'us' | 'emea' | 'apac',
  urls: ServiceUrls,
): Promise<Record<'email' | 'phone', BmsTypeList>> {
  const baseUrl = urls.psa ?? BMS_REGIONS[region];
  const psa = new BmsPsa({ credentials, baseUrl, ...QUICK });
  const read = async (kind: 'email' | 'phone'): Promise<BmsTypeList> => {
    try {
      return { types: await (kind === 'email' ? psa.listEmailTypes() : psa.listPhoneTypes()) };
    } catch (error) {
      if (!isConnectorError(error, 'NotFound')) throw error;
      const { method, path } = BMS_ENDPOINTS[kind === 'email' ? 'emailTypes' : 'phoneTypes'];
      return {
        unreadable: `Kaseya BMS does not list its ${kind} types where contactsync asks (${method} ${path} answered ${error.status ?? 'nothing'}), so the ${kind} type must be given by its id, or every contact written to BMS would fail. ${bmsTypeIdsWhere(baseUrl)}`,
      };
    }
  };
  return { email: await read('email'), phone: await read('phone') };
}
