import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';

/** What a person sees in IT Glue and BMS, without the ids the systems gave. */
export function visibleState(sims: RunningSimulators) {
  const dump = sims.dump();
  return {
    itglue: dump.itglue!.organizations.map((o) =>
      o.contacts
        .map((c) =>
          JSON.stringify([
            c['first-name'],
            c['last-name'],
            c.title,
            c['location-id'],
            c['contact-type-id'],
            c['contact-emails'],
            c['contact-phones'],
          ]),
        )
        .sort(),
    ),
    bms: dump.bms!.accounts.map((a) =>
      a.contacts
        .map((c) =>
          JSON.stringify([
            c.firstName,
            c.lastName,
            c.jobTitle,
            c.emailAddress,
            c.phoneNumber,
            c.locationId,
            c.isActive,
          ]),
        )
        .sort(),
    ),
  };
}

export function duplicates(values: readonly string[]): string[] {
  return values.filter((value, i) => values.indexOf(value) !== i);
}

/** Contacts that share a primary email within one IT Glue organization or one BMS account. */
export function duplicateContacts(sims: RunningSimulators): string[] {
  const dump = sims.dump();
  return [
    ...dump.itglue!.organizations.flatMap((o) =>
      duplicates(
        o.contacts.flatMap((c) => c['contact-emails'].filter((e) => e.primary).map((e) => e.value.toLowerCase())),
      ),
    ),
    ...dump.bms!.accounts.flatMap((a) =>
      duplicates(a.contacts.flatMap((c) => (c.emailAddress === null ? [] : [c.emailAddress.toLowerCase()]))),
    ),
  ];
}
