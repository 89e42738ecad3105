import { atContact, caseSeed, COMPANY, person } from '../support/autotask-cases.ts';
import { describeReliability, letters } from '../support/psa-reliability.ts';

/**
 * Crash safety and one writer per tenant with Autotask, through `contactsync sync` as a person runs it (IT Glue +
 * Autotask, and Autotask alone): a process killed between a write and its record leaves no second contact once run
 * again, and a second run of a busy tenant is refused.
 */

describeReliability({
  psa: 'autotask',
  name: 'Autotask',
  // New users, and two the company has by email: creates and updates to kill between.
  seedOf: (install, users) =>
    caseSeed({
      install,
      users: Array.from({ length: users }, (_, i) => person(`u${i}`, `User${letters(i)}`, 'Crash')),
      contacts: [
        atContact(501, 'Old', 'Name', { emailAddress: 'u0@contoso.com' }),
        atContact(502, 'UserB', 'Crash', { emailAddress: 'u1.home@example.com', emailAddress2: 'u1@contoso.com' }),
      ],
    }),
  visible: (sims) =>
    sims
      .dump()
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
      ),
  // Every address in any of the three email fields of the company.
  addresses: (sims) =>
    sims.autotask
      .contactsOf(COMPANY)
      .flatMap((c) => [c.emailAddress, c.emailAddress2, c.emailAddress3])
      .flatMap((e) => (e === null ? [] : [e.toLowerCase()])),
});
