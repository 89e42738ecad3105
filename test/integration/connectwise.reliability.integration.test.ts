import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import {
  addressesOf,
  caseSeed,
  COMPANY,
  contactsOf,
  cwContact,
  emailsOf,
  forbiddenRequests,
  INSTALLS,
  person,
  type Install,
  writesSince,
} from '../support/connectwise-cases.ts';
import { describeReliability, letters } from '../support/psa-reliability.ts';
import { duplicates } from '../support/visible-state.ts';

/**
 * Crash safety, one writer per tenant and faults with ConnectWise (IT Glue + ConnectWise, and ConnectWise alone): a
 * process killed between a write and its record (a contact created, an item added, a patch) leaves no second contact
 * or item once run again; a second run of a busy tenant is refused; and runs through 5xx, 429s and timeouts end as one
 * without them.
 */

/** New users, and two the company has by email (one by an item that is not its default): creates and updates. */
function seedOf(install: Install, users: number): Seed {
  return caseSeed({
    install,
    users: Array.from({ length: users }, (_, i) => person(`u${i}`, `User${letters(i)}`, 'Crash')),
    contacts: [
      cwContact(501, 'Old', 'Name', { emails: ['u0@contoso.com'] }),
      cwContact(502, 'UserB', 'Crash', { emails: ['u1.home@example.com', 'u1@contoso.com'] }),
    ],
  });
}

/** What a person sees in ConnectWise (and IT Glue): every contact's fields and items, without ids. */
function visible(sims: RunningSimulators) {
  const dump = sims.dump();
  return {
    connectwise: dump
      .connectwise!.companies.flatMap((c) => c.contacts)
      .map((c) =>
        JSON.stringify([
          c.firstName,
          c.lastName,
          c.title,
          c.site,
          c.inactiveFlag,
          c.communicationItems.map((i) => [i.type.id, i.value, i.defaultFlag]).sort(),
        ]),
      )
      .sort(),
    itglue: (dump.itglue?.organizations ?? [])
      .flatMap((o) => o.contacts)
      .map((c) => JSON.stringify([c['first-name'], c['last-name'], c['contact-emails']]))
      .sort(),
  };
}

/** Every email item's address, in the company's contacts: an item added twice shows as a duplicate. */
const addresses = (sims: RunningSimulators) => addressesOf({ sims });

describeReliability({
  name: 'ConnectWise',
  psa: 'connectwise',
  seedOf,
  visible,
  addresses,
  contacts: (sims) => sims.connectwise.contactsOf(COMPANY),
});

describe.each(INSTALLS)('ConnectWise through faults (%s)', (install) => {
  let box: Sandbox | null = null;
  afterEach(async () => {
    await box?.close();
    box = null;
  });

  it('runs through 5xx, 429s and timeouts to the state of a run without them: no second contact or item', async () => {
    const users = 20;
    box = await startSandbox({
      seed: seedOf(install, users),
      logger: pino({ level: 'silent' }),
      transport: { timeoutMs: 500, policy: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 20 } },
      faultSeed: 7,
    });
    box.sims.setFaults('connectwise', { error500: 0.1, throttle429: 0.05, timeout: 0.02 });
    for (let run = 0; run < 4; run += 1) await box.syncAll({ force: true });
    box.sims.setFaults('connectwise', {});
    const settled = await box.syncAll({ force: true });
    expect(settled.map((r) => r.status)).toEqual(['ok']);
    expect(duplicates(addressesOf(box))).toEqual([]);
    expect(contactsOf(box)).toHaveLength(users);
    for (const contact of contactsOf(box)) expect(emailsOf(contact)[0]).toMatch(/^u\d+@contoso\.com$/);
    // Faults were met on the way, and nothing ConnectWise would refuse was sent.
    expect(box.sims.requests.some((r) => r.server === 'connectwise' && r.fault !== null)).toBe(true);
    expect(forbiddenRequests(box).filter((r) => !/ (429|5\d\d)$/.test(r))).toEqual([]);
    const before = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, before)).toEqual([]);
  }, 180_000);
});
