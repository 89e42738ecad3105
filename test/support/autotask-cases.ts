import type { AutotaskContactSeed } from '../../src/sandbox/autotask/autotask-seed.ts';
import type { Sandbox } from '../../src/sandbox/run-sandbox.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { caseSeedOf, useCaseBox, type CaseBase } from './sandbox-cases.ts';

export { INSTALLS, person, resultOf, writesSince, type Install } from './sandbox-cases.ts';

/**
 * The sandbox cases on Autotask: a seed built per test (Microsoft 365 users of one tenant, an Autotask company of the
 * tenant's name, and with `itglue: true` an IT Glue organization of that name too), the real pipeline run against the
 * simulators.
 */

export const COMPANY = 1;
export const HQ = 11;

/** An Autotask contact as a seed gives it: no emails or phones unless given. */
export function atContact(id: number, firstName: string, lastName: string, more: Partial<AutotaskContactSeed> = {}) {
  return {
    id,
    firstName,
    lastName,
    emailAddress: null,
    emailAddress2: null,
    emailAddress3: null,
    phone: null,
    mobilePhone: null,
    companyLocationID: HQ,
    isActive: 1,
    ...more,
  };
}

export interface CaseSeed extends CaseBase {
  readonly contacts?: readonly Record<string, unknown>[];
  /** further contact fields this Autotask requires (`simulate.autotask.requiredFields`) */
  readonly requiredFields?: readonly string[];
}

export function caseSeed(c: CaseSeed): Seed {
  return caseSeedOf(
    c,
    {
      autotask: {
        companies: [
          {
            id: COMPANY,
            companyName: 'Contoso Ltd',
            locations: [
              { id: HQ, name: 'HQ', isPrimary: true },
              { id: 12, name: 'Annex' },
            ],
            contacts: c.contacts ?? [],
          },
          { id: 2, companyName: 'Fabrikam', locations: [{ id: 21, name: 'Main', isPrimary: true }] },
        ],
      },
    },
    { autotask: { requiredFields: c.requiredFields ?? [] } },
  );
}

/** Starts a sandbox on the seed for each test that asks, and closes it after the test. */
export const useAutotaskBox = (): ((seed: Seed) => Promise<Sandbox>) => useCaseBox('autotask-cases');

/** The company's contacts as Autotask holds them. */
export const contactsOf = (box: Sandbox) => box.sims.autotask.contactsOf(COMPANY);

/** One Autotask contact by id. */
export function contactOf(box: Sandbox, id: number | null) {
  const found = contactsOf(box).find((c) => c.id === id);
  if (found === undefined) throw new Error(`Autotask has no contact ${id}`);
  return found;
}
