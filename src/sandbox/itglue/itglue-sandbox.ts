import { sandboxTargetOf, type DemoPart } from '../sandbox-target.ts';
import { itglueSeedSchema, itglueSimulateSchema, type ItGlueSeed, type ItGlueSimulate } from './itglue-seed.ts';
import { ItGlueSimulator, SIMULATED_ACCOUNT } from './itglue-simulator.ts';

/**
 * IT Glue's demo contacts, the mirrored ones under the PSA's integration type (or none, without such a PSA), and the
 * mirrored ones marked kept in step only when a PSA mirrors them.
 */
function itglueDemo(
  demo: { readonly itglue?: ItGlueSeed | undefined; readonly simulate: { readonly itglue: ItGlueSimulate } },
  mirroredAs: string | null,
): DemoPart<ItGlueSeed, Partial<ItGlueSimulate>> {
  const simulate = { psaSynced: mirroredAs === null ? {} : demo.simulate.itglue.psaSynced };
  if (demo.itglue === undefined || mirroredAs === 'kaseya-bms') return { records: demo.itglue, simulate };
  const organizations = demo.itglue.organizations.map((organization) => ({
    ...organization,
    contacts: organization.contacts.map((contact) =>
      contact['psa-integration'] === 'kaseya-bms' ? { ...contact, 'psa-integration': mirroredAs } : contact,
    ),
  }));
  return { records: { ...demo.itglue, organizations }, simulate };
}

/** IT Glue as the sandbox plays it (N+2), its own PSA integration following the seed's PSA. */
export const itglueSandbox = sandboxTargetOf({
  id: 'itglue',
  role: 'documentation',
  portOffset: 2,
  seedSchema: itglueSeedSchema,
  simulateSchema: itglueSimulateSchema,
  byDefault: true,
  credentialsKey: 'itglueApiKey',
  newCredentials: (secret): string => secret('ITG.'),
  start({ requests, clock, records, simulate, credentials }) {
    const itglue = new ItGlueSimulator(requests, clock, simulate);
    itglue.registerKey(credentials);
    if (records !== undefined) itglue.load(records);
    return itglue;
  },
  configBlock: (url, apiKey) => ({ region: 'us', apiKey, baseUrl: url }),
  limiter: (itglue) => itglue.limiter,
  demo: itglueDemo,
  // the simulated account's address, as its records' resource-url give it
  webApp: { subdomain: SIMULATED_ACCOUNT },
  followPsa: (itglue, contacts, integrationType) => itglue.followPsa(contacts, integrationType),
});
