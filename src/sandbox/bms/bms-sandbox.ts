import { sandboxTargetOf } from '../sandbox-target.ts';
import { bmsSeedSchema, bmsSimulateSchema, type BmsSeed } from './bms-seed.ts';
import { BmsSimulator } from './bms-simulator.ts';

/** The BMS API user the sandbox signs in as (exported: the registry's types name it). */
export interface SandboxBmsUser {
  readonly userName: string;
  readonly password: string;
  readonly tenant: string;
}

/** BMS as the sandbox plays it (N+3): the demo's own PSA, whose contacts IT Glue mirrors as `kaseya-bms`. */
export const bmsSandbox = sandboxTargetOf({
  id: 'bms',
  role: 'psa',
  portOffset: 3,
  seedSchema: bmsSeedSchema,
  simulateSchema: bmsSimulateSchema,
  byDefault: true,
  credentialsKey: 'bms',
  newCredentials: (secret): SandboxBmsUser => ({
    userName: 'contactsync-api',
    password: secret('bms-'),
    tenant: 'Sandbox MSP',
  }),
  start({ requests, clock, records, simulate, credentials }) {
    const bms = new BmsSimulator(requests, clock, simulate);
    bms.registerUser({ ...credentials, apiAccess: true, mfa: simulate.mfa });
    if (records !== undefined) bms.load(records);
    return bms;
  },
  configBlock: (url, user) => ({ region: 'us', ...user, baseUrl: url }),
  limiter: (bms) => bms.limiter,
  demo: (demo: { readonly bms?: BmsSeed | undefined }) => ({ records: demo.bms }),
  mirroredAs: 'kaseya-bms',
  mirrored(bms, ids) {
    const wanted = new Set(ids);
    return bms.dump().accounts.flatMap((account) => account.contacts.filter((contact) => wanted.has(contact.id)));
  },
});
