import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { connectTo, FAST_RETRIES } from '../support/connectors.ts';
import { smallSeed, started, TENANT_A } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeEach(async () => {
  sims = await started(smallSeed(3000));
});
afterEach(async () => {
  await sims.close();
});

describe('connectors on a flaky network', () => {
  it.each([
    ['500s', { error500: 0.5 }, /server error \(500\)/],
    ['timeouts', { timeout: 0.5 }, /timed out/],
    ['connection resets', { reset: 0.5 }, /network error/],
    ['cut-off JSON', { malformedJson: 0.5 }, /could not be read/],
  ])('retry reads through %s until they succeed', async (_kind, faults, outcome) => {
    sims.setFaults('itglue', faults);
    const connectors = connectTo(sims, { policy: FAST_RETRIES, timeoutMs: 300 });
    for (let i = 0; i < 8; i++)
      expect(await connectors.itglue.listContactTypes()).toEqual([{ id: '1', name: 'Employee' }]);
    expect(connectors.attempts.some((a) => a.retry && outcome.test(a.outcome))).toBe(true);
  });

  it('complete reads and writes on all three APIs with every fault mixed in, and never create a contact twice', async () => {
    const faults = { error500: 0.15, timeout: 0.05, reset: 0.1, malformedJson: 0.1 };
    for (const server of ['graph', 'itglue', 'bms'] as const) sims.setFaults(server, faults);
    const connectors = connectTo(sims, { policy: FAST_RETRIES, timeoutMs: 300 });

    expect(await connectors.graph.readUsers(TENANT_A)).toHaveLength(3000);
    const drafts = Array.from({ length: 30 }, (_, i) => ({
      firstName: `N${i}`,
      lastName: 'X',
      title: null,
      contactTypeId: null,
      locationId: '10',
      emails: [{ value: `n${i}@contoso.com`, primary: true, label: 'Work' }],
      phones: [],
    }));
    for (const draft of drafts) expect((await connectors.itglue.createContacts('1', [draft]))[0]?.ok).toBe(true);
    for (let i = 0; i < 10; i++) {
      const created = await connectors.bms.createContact(1, {
        firstName: `B${i}`,
        lastName: 'X',
        jobTitle: null,
        emailAddress: `b${i}@contoso.com`,
        emailTypeId: 1,
        phoneNumber: '+12065550100',
        phoneTypeId: 1,
        mobilePhone: null,
        locationId: 11,
        isActive: true,
      });
      expect(created.ok).toBe(true);
    }

    expect(new Set(sims.requests.filter((r) => r.fault !== null).map((r) => r.fault))).toEqual(
      new Set(['error500', 'timeout', 'reset', 'malformedJson']),
    );
    // Some creates were applied and their answer was lost: they were looked up, not sent twice.
    expect(connectors.attempts.some((a) => a.outcome === 'outcome unknown: not sent again')).toBe(true);
    expect(
      sims.itglue
        .contactsOf('1')
        .map((c) => c['first-name'])
        .sort(),
    ).toEqual(drafts.map((d) => d.firstName).sort());
    expect(
      sims.bms
        .contactsOf(1)
        .map((c) => c.firstName)
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `B${i}`).sort());
  });
});

describe('request budget', () => {
  it('keeps a connector inside the API limit: no 429, at nearly the allowed rate', async () => {
    sims.itglue.limiter.limit = 20;
    sims.itglue.limiter.windowMs = 1000;
    const { ItGlueDocStore } = await import('../../src/connectors/itglue/itglue-doc-store.ts');
    const { createApiBudget } = await import('../../src/connectors/api-budgets.ts');
    const store = new ItGlueDocStore({
      apiKey: sims.credentials.itglueApiKey,
      baseUrl: sims.urls.itglue!,
      budget: createApiBudget({ itglue: { limit: 20, windowMs: 1000 } }),
    });
    const begin = performance.now();
    for (let i = 0; i < 60; i++) await store.listContactTypes();
    const seconds = (performance.now() - begin) / 1000;
    expect(sims.requests.filter((r) => r.server === 'itglue' && r.status === 429)).toEqual([]);
    // 60 requests at 19 per second (the budget keeps 2% spare) need a little over 3 windows.
    expect(seconds).toBeGreaterThan(2.9);
    expect(seconds).toBeLessThan(4.5);
  });
});
