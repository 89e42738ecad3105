import { isConnectorError } from '../http/connector-error.ts';
import type { TransportOptions } from '../http/http-client.ts';
import {
  doctorCheck,
  listedNames,
  notReached,
  QUICK_CHECK,
  regionQuestion,
  type CheckResult,
  type TargetSetup,
  type DoctorCheck,
  type DoctorInput,
} from '../target-setup.ts';
import type { DocumentationClient } from '../target-clients.ts';
import { createItGlueClient } from './client-from-config.ts';
import { itglueSubdomainOf } from './config.ts';
import type { ItGlueRegion } from './wire.ts';

/** The `itglue` block of the config file (the config has checked its shape). */
interface ItGlueBlock {
  readonly region: ItGlueRegion;
  readonly subdomain?: string | undefined;
  readonly apiKey?: string | undefined;
  readonly baseUrl?: string | undefined;
}

const blockOf = (block: unknown): ItGlueBlock => block as ItGlueBlock;

const apiKeyQuestion = {
  env: 'CONTACTSYNC_ITGLUE_API_KEY',
  question: 'IT Glue API key (typing is hidden)',
  secret: true,
  check: (a: string) =>
    /^ITG\.\S{8,}$/.test(a) ? null : 'an IT Glue API key starts with "ITG." (Account, Settings, API Keys)',
};

const connect = (block: ItGlueBlock, transport: TransportOptions): DocumentationClient =>
  createItGlueClient(block, transport);

async function checkKey(apiKey: string, region: ItGlueRegion, baseUrl: string | undefined): Promise<CheckResult> {
  try {
    await connect({ apiKey, region, baseUrl }, QUICK_CHECK).listContactTypes();
    return { ok: true, message: `IT Glue (${region}) accepted the key.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message: `IT Glue (region ${region}) refused the key: check the key, and that it belongs to this region.`,
      };
    return notReached('IT Glue', error);
  }
}

/** Advice rather than a fault: without the subdomain, pages simply do not link into IT Glue. */
async function linksCheck(itglue: DocumentationClient, configured: string | undefined): Promise<DoctorCheck> {
  const address = await itglue.webAddress().catch(() => null);
  const seen = address === null ? null : itglueSubdomainOf(address);
  return {
    name: 'IT Glue links',
    state: configured !== undefined && (seen === null || seen === configured) ? 'ok' : 'warn',
    detail:
      configured !== undefined
        ? seen === null || seen === configured
          ? `into https://${configured}.itglue.com`
          : `itglue.subdomain is "${configured}", but IT Glue says the account is https://${seen}.itglue.com: set it to "${seen}"`
        : seen !== null
          ? `none yet: add "subdomain": "${seen}" under itglue in the config (IT Glue says the account is https://${seen}.itglue.com)`
          : 'none yet: add "subdomain" under itglue in the config (the MSP in https://MSP.itglue.com)',
  };
}

async function doctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const block = blockOf(input.block);
  const itglue = connect(block, input.transport);
  const checks = [
    await doctorCheck(
      'IT Glue',
      async () =>
        `API key accepted; contact types: ${listedNames(await itglue.listContactTypes(), false)} (setting contactType)`,
    ),
    await linksCheck(itglue, block.subdomain),
  ];
  for (const tenant of input.mapped)
    checks.push(
      await doctorCheck(
        `IT Glue locations of ${tenant.displayName}`,
        async () => `${listedNames(await itglue.listLocations(tenant.customerId), false)} (setting location.default)`,
      ),
    );
  const first = input.mapped[0];
  if (input.capture && first !== undefined)
    checks.push(
      await doctorCheck('IT Glue contacts', async () => `${(await itglue.listContacts(first.customerId)).length} read`),
    );
  return checks;
}

/** IT Glue as `init`, `config set-secret` and `doctor` set it up and check it. */
export const itglueSetup: TargetSetup = {
  questions: {
    itglueRegion: regionQuestion('CONTACTSYNC_ITGLUE_REGION', 'IT Glue region (us, eu or au)', ['us', 'eu', 'au']),
    itglueApiKey: apiKeyQuestion,
  },
  helpEnv: [apiKeyQuestion.env],
  urlEnv: 'CONTACTSYNC_ITGLUE_URL',
  signIn: async (a, baseUrl) =>
    a.itglueApiKey === undefined ? null : checkKey(a.itglueApiKey, (a.itglueRegion ?? 'us') as ItGlueRegion, baseUrl),
  retry: ['itglueRegion', 'itglueApiKey'],
  configBlock: (a, seal, baseUrl) => ({
    comment: 'IT Glue: region us, eu or au.',
    block: { region: a.itglueRegion ?? 'us', apiKey: seal(a.itglueApiKey), ...(baseUrl ? { baseUrl } : {}) },
  }),
  summary: (a, mask) => `IT Glue key ${mask(a.itglueApiKey)} (${a.itglueRegion ?? 'us'})`,
  secret: {
    field: 'apiKey',
    what: 'the IT Glue API key',
    question: apiKeyQuestion,
    live: (block, value) => checkKey(value, blockOf(block).region, blockOf(block).baseUrl),
  },
  doctor,
};
