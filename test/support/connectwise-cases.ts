import type { ConnectwiseContactSeed } from '../../src/sandbox/connectwise/connectwise-seed.ts';
import type { Sandbox } from '../../src/sandbox/run-sandbox.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import type { LoggedRequest } from '../../src/sandbox/sim-server.ts';
import { CELL, DIRECT, EMAIL } from './connectwise-simulator.ts';
import { caseSeedOf, useCaseBox, type CaseBase } from './sandbox-cases.ts';

export { INSTALLS, person, resultOf, writesSince, type Install } from './sandbox-cases.ts';
export { CELL, DIRECT, EMAIL } from './connectwise-simulator.ts';

/**
 * The sandbox cases on ConnectWise PSA: a seed built per test (Microsoft 365 users of one tenant, a ConnectWise
 * company of the tenant's name with the sites Main and Annex, and with IT Glue an organization of that name with the
 * locations HQ and Annex), the real pipeline run against the simulators.
 */

export const COMPANY = 1;
export const MAIN = 11;
export const ANNEX = 12;
/** a phone type contactsync never writes: what a person adds by hand */
export const HOME = 5;

/** The communication types of the database: the three the config names by default, a fax and a home phone. */
const TYPES = [
  { id: EMAIL, description: 'Email', emailFlag: true, defaultFlag: true },
  { id: DIRECT, description: 'Direct', phoneFlag: true, defaultFlag: true },
  { id: 3, description: 'Fax', faxFlag: true },
  { id: CELL, description: 'Cell', phoneFlag: true },
  { id: HOME, description: 'Home', phoneFlag: true },
];

/** A ConnectWise contact as a seed gives it: the first email its default, the office phone Direct, the mobile Cell. */
export function cwContact(
  id: number,
  firstName: string,
  lastName: string | null,
  more: {
    readonly emails?: readonly string[];
    readonly phone?: string;
    readonly mobile?: string;
    readonly title?: string;
    readonly site?: number;
    readonly inactiveFlag?: boolean;
  } = {},
): Record<string, unknown> {
  const item = (typeId: number, value: string, defaultFlag: boolean) => ({
    type: { id: typeId },
    communicationType: typeId === EMAIL ? 'Email' : 'Phone',
    value,
    defaultFlag,
  });
  return {
    id,
    firstName,
    lastName,
    title: more.title ?? null,
    site: { id: more.site ?? MAIN },
    inactiveFlag: more.inactiveFlag ?? false,
    communicationItems: [
      ...(more.emails ?? []).map((email, i) => item(EMAIL, email, i === 0)),
      ...(more.phone === undefined ? [] : [item(DIRECT, more.phone, true)]),
      ...(more.mobile === undefined ? [] : [item(CELL, more.mobile, more.phone === undefined)]),
    ],
  };
}

export interface CaseSeed extends CaseBase {
  readonly contacts?: readonly Record<string, unknown>[];
  /** the database's communication types, when a case needs others than the defaults' */
  readonly types?: readonly Record<string, unknown>[];
}

export function caseSeed(c: CaseSeed): Seed {
  return caseSeedOf(
    c,
    {
      connectwise: {
        communicationTypes: c.types ?? TYPES,
        companies: [
          {
            id: COMPANY,
            identifier: 'ContosoLtd',
            name: 'Contoso Ltd',
            sites: [
              { id: MAIN, name: 'Main', primaryAddressFlag: true },
              { id: ANNEX, name: 'Annex' },
            ],
            contacts: c.contacts ?? [],
          },
          {
            id: 2,
            identifier: 'Fabrikam',
            name: 'Fabrikam',
            sites: [{ id: 21, name: 'Main', primaryAddressFlag: true }],
          },
        ],
      },
    },
    {},
    [
      { id: '10', name: 'HQ', primary: true },
      { id: '11', name: 'Annex' },
    ],
  );
}

/** Starts a sandbox on the seed for each test that asks, and closes it after the test. */
export const useConnectwiseBox = (): ((seed: Seed) => Promise<Sandbox>) => useCaseBox('connectwise-cases');

type Contact = ConnectwiseContactSeed;

/** The company's contacts as ConnectWise holds them. */
export const contactsOf = (box: Pick<Sandbox, 'sims'>): Contact[] => box.sims.connectwise.contactsOf(COMPANY);

/** One ConnectWise contact by id. */
export function contactOf(box: Pick<Sandbox, 'sims'>, id: number | null): Contact {
  const found = contactsOf(box).find((c) => c.id === id);
  if (found === undefined) throw new Error(`ConnectWise has no contact ${id}`);
  return found;
}

/** A contact's email items: the default first, then the others in their order. */
export function emailsOf(contact: Contact): string[] {
  const emails = contact.communicationItems.filter((i) => i.communicationType === 'Email');
  return [...emails.filter((i) => i.defaultFlag), ...emails.filter((i) => !i.defaultFlag)].map((i) => i.value);
}

/** The digits of each of a contact's items of one type (Direct, Cell, Home). */
export function phonesOf(contact: Contact, typeId: number): string[] {
  return contact.communicationItems.filter((i) => i.type.id === typeId).map((i) => i.value.replace(/\D/g, ''));
}

/** Every email address of the company's contacts, lower-cased: one contact per address. */
export const addressesOf = (box: Pick<Sandbox, 'sims'>): string[] =>
  contactsOf(box).flatMap((c) =>
    c.communicationItems.filter((i) => i.communicationType === 'Email').map((i) => i.value.toLowerCase()),
  );

/** ConnectWise's requests since `from` (those `which` keeps), as `METHOD route` with the API base left out. */
export function connectwiseRequests(
  box: Pick<Sandbox, 'sims'>,
  from = 0,
  which: (request: LoggedRequest) => boolean = () => true,
): string[] {
  return box.sims.requests
    .slice(from)
    .filter((r) => r.server === 'connectwise' && which(r))
    .map((r) => `${r.method} ${r.route.replace(/^\/[^/]+\/apis\/3\.0\//, '')}`);
}

/** What ConnectWise must never be sent: a contact replaced (PUT) or deleted; and any request it refused. */
export function forbiddenRequests(box: Pick<Sandbox, 'sims'>): string[] {
  return box.sims.requests
    .filter((r) => r.server === 'connectwise')
    .filter(
      (r) => r.method === 'PUT' || (r.method === 'DELETE' && !r.route.includes('/communications')) || r.status >= 400,
    )
    .map((r) => `${r.method} ${r.path} ${r.status}`);
}
