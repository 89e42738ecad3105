import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { atContact, caseSeed, COMPANY, person, type Install } from '../support/autotask-cases.ts';
import { describeReliability, letters } from '../support/psa-reliability.ts';

/**
 * Crash safety and one writer per tenant with Autotask, through `contactsync sync` as a person runs it (IT Glue +
 * Autotask, and Autotask alone): a process killed between a write and its record leaves no second contact once run
 * again, and a second run of a busy tenant is refused.
 */

/** New users, and two the company has by email: creates and updates to kill between. */
function seedOf(install: Install, users: number): Seed {
  return caseSeed({
    install,
    users: Array.from({ length: users }, (_, i) => person(`u${i}`, `User${letters(i)}`, 'Crash')),
    contacts: [
      atContact(501, 'Old', 'Name', { emailAddress: 'u0@contoso.com' }),
      atContact(502, 'UserB', 'Crash', { emailAddress: 'u1.home@example.com', emailAddress2: 'u1@contoso.com' }),
    ],
  });
}

/** What a person sees in Autotask (and IT Glue): every contact's fields, without ids. */
function visible(sims: RunningSimulators) {
  const dump = sims.dump();
  return {
    autotask: dump
      .autotask!.companies.flatMap((c) => c.contacts)
      .map((c) =>
        JSON.stringify([
          c.firstName,
          c.lastName,
          c.emailAddress,
          c.emailAddress2,
          c.emailAddress3,
          c.phone,
          c.companyLocationID,
          c.isActive,
        ]),
      )
      .sort(),
    itglue: (dump.itglue?.organizations ?? [])
      .flatMap((o) => o.contacts)
      .map((c) => JSON.stringify([c['first-name'], c['last-name'], c['contact-emails']]))
      .sort(),
  };
}

/** Every address in any of the three email fields of the company, lower-cased. */
const addresses = (sims: RunningSimulators) =>
  sims.autotask
    .contactsOf(COMPANY)
    .flatMap((c) => [c.emailAddress, c.emailAddress2, c.emailAddress3])
    .flatMap((e) => (e === null ? [] : [e.toLowerCase()]));

describeReliability({
  name: 'Autotask',
  psa: 'autotask',
  seedOf,
  visible,
  addresses,
  contacts: (sims) => sims.autotask.contactsOf(COMPANY),
});
