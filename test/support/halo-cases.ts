import type { HaloUserSeed } from '../../src/sandbox/halo/halo-seed.ts';
import type { Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { Install } from './autotask-cases.ts';
import { TENANT_A } from './simulators.ts';

/**
 * The sandbox cases on HaloPSA: a seed built per test (Microsoft 365 users of one tenant; a Halo client that lists the
 * tenant among its Azure tenants under another name, beside a client of the tenant's own name that does not; and with
 * `itglue` an IT Glue organization of the tenant's name), the real pipeline run against the simulators.
 */

/** The client that lists the tenant among its Azure tenants: the tenant's, although its name differs. */
export const CLIENT = 1;
/** A client of the tenant's name that lists no Azure tenant: never the tenant's. */
export const NAMESAKE_CLIENT = 2;
/** The client's sites: the annex comes first, and the main site (`main_site_id`) second. */
export const ANNEX = 11;
export const MAIN = 12;

/** A Halo user as a seed gives it: no addresses or phones unless given, at the main site. */
export function haloUser(id: number, firstname: string, surname: string, more: Partial<HaloUserSeed> = {}) {
  return {
    id,
    firstname,
    surname,
    name: `${firstname} ${surname}`,
    jobtitle: null,
    emailaddress: null,
    email2: null,
    email3: null,
    phonenumber: null,
    mobilenumber: null,
    site_id: MAIN,
    inactive: false,
    azureoid: null,
    azure_tenant_id: null,
    ...more,
  };
}

export interface CaseSeed {
  readonly install: Install;
  readonly users: readonly Record<string, unknown>[];
  /** the users of the tenant's client */
  readonly haloUsers?: readonly Record<string, unknown>[];
  /** the users of the client that has the tenant's name */
  readonly namesakeUsers?: readonly Record<string, unknown>[];
  /** IT Glue contacts of the organization (IT Glue + Halo only) */
  readonly itglueContacts?: readonly Record<string, unknown>[];
  readonly settings?: Record<string, unknown>;
  /** the tenant's client has no site at all */
  readonly siteless?: boolean;
}

export function caseSeed(c: CaseSeed): Seed {
  return parseSeed({
    settings: c.settings ?? {},
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        organization: { countryLetterCode: 'US', businessPhones: ['+1 206 555 0100'] },
        users: c.users,
      },
    ],
    ...(c.install === 'itglue'
      ? {
          itglue: {
            organizations: [
              {
                id: '1',
                name: 'Contoso Ltd',
                locations: [
                  { id: '10', name: 'HQ', primary: true },
                  { id: '11', name: 'Annex' },
                ],
                contacts: c.itglueContacts ?? [],
              },
            ],
            contactTypes: [{ id: '1', name: 'Employee' }],
          },
        }
      : {}),
    halo: {
      clients: [
        {
          id: CLIENT,
          name: 'Contoso (Seattle)',
          main_site_id: c.siteless === true ? null : MAIN,
          azure_tenants: [{ azure_tenant_id: TENANT_A }],
          sites:
            c.siteless === true
              ? []
              : [
                  { id: ANNEX, name: 'Annex' },
                  { id: MAIN, name: 'HQ' },
                ],
          users: c.haloUsers ?? [],
        },
        {
          id: NAMESAKE_CLIENT,
          name: 'Contoso Ltd',
          sites: [{ id: 21, name: 'Main' }],
          users: c.namesakeUsers ?? [],
        },
      ],
    },
  });
}

/** Starts a sandbox on the seed for each test that asks, and closes it after the test (nothing in it is Autotask's). */
export { useAutotaskBox as useHaloBox } from './autotask-cases.ts';

/** The users of the tenant's client as Halo holds them. */
export const usersOf = (box: Sandbox) => box.sims.halo.usersOf(CLIENT);

/** One Halo user by id. */
export function userOf(box: Sandbox, id: number | null) {
  const found = id === null ? null : box.sims.halo.user(id);
  if (found === null) throw new Error(`Halo has no user ${id}`);
  return found;
}

/** Every address a user holds, in any of its three email fields, lower-cased. */
export const addressesOf = (
  users: readonly { emailaddress: string | null; email2: string | null; email3: string | null }[],
) => users.flatMap((u) => [u.emailaddress, u.email2, u.email3]).flatMap((e) => (e === null ? [] : [e.toLowerCase()]));

/** Halo's requests since the request at `from`. */
export const haloRequests = (box: Sandbox, from = 0) =>
  box.sims.requests.slice(from).filter((r) => r.server === 'halo');
