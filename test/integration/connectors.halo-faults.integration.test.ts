import { describe, expect, it } from 'vitest';
import { HaloPsa } from '../../src/connectors/halo/halo-psa.ts';
import type { AttemptLog } from '../../src/connectors/http/http-client.ts';
import { contosoAndFabrikam, useSimulators } from '../support/halo-simulator.ts';

const startSimulators = useSimulators();

const seed = () => contosoAndFabrikam(450, (i) => i % 10 === 9);

describe('Halo through faults', () => {
  it('completes reads and writes with every fault mixed in, and never creates a user twice', async () => {
    const sims = await startSimulators(seed());
    const attempts: AttemptLog[] = [];
    const psa = new HaloPsa({
      baseUrl: sims.urls.halo!,
      credentials: sims.credentials.halo,
      policy: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 },
      timeoutMs: 300,
      log: (entry) => attempts.push(entry),
    });
    // Signed in before the faults, so that they meet the API's reads and writes.
    await psa.listAccounts();
    sims.setFaults('halo', { error500: 0.15, timeout: 0.05, reset: 0.1, malformedJson: 0.1 });
    expect(await psa.listContacts(1)).toHaveLength(450);
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
    sims.setFaults('halo', {});
    const made = sims.halo.usersOf(2);
    expect(made).toHaveLength(30);
    expect(new Set(made.map((u) => u.emailaddress)).size).toBe(30);
    // Server failures were tried again, never taken for a refusal of the record.
    expect(attempts.some((a) => a.status === 500 && a.retry)).toBe(true);
    expect(attempts.some((a) => a.outcome === 'refused by the API')).toBe(false);
  }, 60_000);
});
