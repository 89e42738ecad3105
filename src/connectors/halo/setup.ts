import { isConnectorError } from '../http/connector-error.ts';
import { notReached, QUICK_CHECK, type CheckResult, type TargetSetup } from '../target-setup.ts';
import { connectHalo, haloBlockOf, type HaloBlock } from './connect.ts';
import { haloDoctor } from './setup-doctor.ts';

const secret = {
  env: 'CONTACTSYNC_HALO_SECRET',
  question: "Halo API application's client secret (typing is hidden)",
  secret: true,
  check: (a: string) => (a === '' ? 'give the client secret of the API application' : null),
};

async function signIn(block: HaloBlock): Promise<CheckResult> {
  const halo = connectHalo(block, QUICK_CHECK);
  try {
    const clients = await halo.listAccounts();
    return {
      ok: true,
      message: `HaloPSA signed the API application in; it sees ${clients.length} client${clients.length === 1 ? '' : 's'}.`,
    };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message: `HaloPSA refused the API application ${block.clientId}: check its client id and secret (Configuration > Integrations > HaloPSA API > Applications, client credentials, permission "all") and the tenant. (${error.message.split('\n')[0]})`,
      };
    return notReached('HaloPSA', error);
  }
}

/** HaloPSA as `init`, `config set-secret` and `doctor` set it up and check it. */
export const haloSetup: TargetSetup = {
  questions: {
    haloUrl: {
      env: 'CONTACTSYNC_HALO_URL',
      question: "Halo's address (https://MSP.halopsa.com)",
      check: (a: string) => (/^https?:\/\/\S+$/.test(a) ? null : "give Halo's address, starting with https://"),
      keep: (a: string) => a.replace(/\/+$/, ''),
    },
    haloClientId: {
      env: 'CONTACTSYNC_HALO_CLIENT_ID',
      question: "Halo API application's client id",
      check: (a: string) => (a === '' ? 'give the client id of the API application' : null),
    },
    haloSecret: secret,
    haloTenant: {
      env: 'CONTACTSYNC_HALO_TENANT',
      question: 'Halo tenant (hosted instances; leave empty otherwise)',
      optional: true,
      check: () => null,
    },
  },
  helpEnv: ['CONTACTSYNC_HALO_URL', 'CONTACTSYNC_HALO_CLIENT_ID', secret.env, 'CONTACTSYNC_HALO_TENANT'],
  // The simulator's address replaces the instance's.
  urlEnv: 'CONTACTSYNC_HALO_API_URL',
  signIn: async (a, baseUrl) => {
    const url = baseUrl ?? a.haloUrl;
    return url === undefined || a.haloClientId === undefined || a.haloSecret === undefined
      ? null
      : signIn({ baseUrl: url, clientId: a.haloClientId, secret: a.haloSecret, tenant: a.haloTenant || null });
  },
  retry: ['haloClientId', 'haloSecret', 'haloTenant'],
  configBlock: (a, seal, baseUrl) => ({
    comment: 'HaloPSA: the API application (client credentials), its secret, and the tenant of a hosted instance.',
    block: {
      baseUrl: baseUrl ?? a.haloUrl,
      clientId: a.haloClientId,
      secret: seal(a.haloSecret),
      ...(a.haloTenant ? { tenant: a.haloTenant } : {}),
      ...(baseUrl && a.haloUrl ? { webUrl: a.haloUrl } : {}),
    },
  }),
  summary: (a, mask) => `Halo ${a.haloUrl ?? ''} ${a.haloClientId} / ${mask(a.haloSecret)}`,
  secret: {
    field: 'secret',
    what: "the Halo API application's client secret",
    question: secret,
    live: (block, value) => signIn({ ...haloBlockOf(block), secret: value }),
  },
  doctorHelp:
    "check the Halo API application's permissions, the clients linked to Microsoft 365 tenants, and the sites",
  doctor: haloDoctor,
};
