import { afterEach, describe, expect, it } from 'vitest';
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import type { AttemptLog } from '../../src/connectors/http/http-client.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { seedOf } from '../support/autotask-simulator.ts';

let sims: RunningSimulators | null = null;
afterEach(async () => {
  await sims?.close();
  sims = null;
});

describe('Autotask through faults', () => {
  it('completes reads and writes with every fault mixed in, and never creates a contact twice', async () => {
    sims = await startSimulators(seedOf({}, 600));
    sims.setFaults('autotask', { error500: 0.15, timeout: 0.05, reset: 0.1, malformedJson: 0.1 });
    const attempts: AttemptLog[] = [];
    const psa = new AutotaskPsa({
      credentials: sims.credentials.autotask,
      baseUrl: `${sims.urls.autotask!}/atservicesrest/`,
      policy: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 },
      timeoutMs: 300,
      log: (entry) => attempts.push(entry),
    });
    expect(await psa.listContacts(1)).toHaveLength(600);
    const results = [];
    for (let i = 0; i < 30; i++)
      results.push(
        await psa.createContact(2, {
          firstName: `N${i}`,
          lastName: 'X',
          jobTitle: null,
          emailAddress: `n${i}@fabrikam.com`,
          emailTypeId: null,
          phoneNumber: null,
          phoneTypeId: null,
          mobilePhone: null,
          locationId: 21,
          isActive: true,
        }),
      );
    expect(results.every((r) => r.ok)).toBe(true);
    sims.setFaults('autotask', {});
    const made = sims.autotask.contactsOf(2);
    expect(made).toHaveLength(30);
    expect(new Set(made.map((c) => c.emailAddress)).size).toBe(30);
    // Server failures were tried again, never taken for a refusal of the record.
    expect(attempts.some((a) => a.status === 500 && a.retry)).toBe(true);
    expect(attempts.some((a) => a.outcome === 'refused by the API')).toBe(false);
  }, 60_000);
});
