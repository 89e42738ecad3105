import { person } from '../support/autotask-cases.ts';
import { addressesOf, caseSeed, CLIENT, haloUser } from '../support/halo-cases.ts';
import { describeReliability, letters } from '../support/psa-reliability.ts';

/**
 * Crash safety and one writer per tenant with HaloPSA, through `contactsync sync` as a person runs it (IT Glue + Halo,
 * and Halo alone): a process killed between a `POST /api/Users` and its record leaves no second user once run again,
 * and a second run of a busy tenant is refused.
 */

describeReliability({
  psa: 'halo',
  name: 'Halo',
  // New users, and two the client has by email: creates and updates to kill between.
  seedOf: (install, users) =>
    caseSeed({
      install,
      users: Array.from({ length: users }, (_, i) => person(`u${i}`, `User${letters(i)}`, 'Crash')),
      haloUsers: [
        haloUser(501, 'Old', 'Name', { emailaddress: 'u0@contoso.com' }),
        haloUser(502, 'UserB', 'Crash', { emailaddress: 'u1.home@example.com', email2: 'u1@contoso.com' }),
      ],
    }),
  visible: (sims) => ({
    halo: sims.halo
      .usersOf(CLIENT)
      .map((u) =>
        JSON.stringify([
          u.firstname,
          u.surname,
          u.emailaddress,
          u.email2,
          u.email3,
          u.phonenumber,
          u.site_id,
          u.inactive,
          u.azureoid,
        ]),
      )
      .sort(),
    itglue: (sims.dump().itglue?.organizations ?? [])
      .flatMap((o) => o.contacts)
      .map((c) => JSON.stringify([c['first-name'], c['last-name'], c['contact-emails']]))
      .sort(),
  }),
  contacts: (sims) => sims.halo.usersOf(CLIENT),
  addresses: (sims) => addressesOf(sims.halo.usersOf(CLIENT)),
});
