import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';

/**
 * Faults: every API answers 10% 500, 5% 429, 2% timeouts, 1% connection resets and 1% cut-off JSON. The demo seed must
 * converge to the state a clean run reaches, with no duplicate. CONTACTSYNC_LONG_RELIABILITY=1 repeats it with more
 * fault seeds.
 */
const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const FAULTS = { error500: 0.1, throttle429: 0.05, timeout: 0.02, reset: 0.01, malformedJson: 0.01 };
const rounds = process.env.CONTACTSYNC_LONG_RELIABILITY === '1' ? [1, 2, 3, 4, 5] : [1];

function visible(box: Sandbox) {
  const dump = box.sims.dump();
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

async function sandbox(faultSeed: number | null): Promise<Sandbox> {
  const box = await startSandbox({
    seed,
    dbPath: join(mkdtempSync(join(tmpdir(), 'faults-')), 'state.db'),
    logger: pino({ level: 'silent' }),
    transport: { timeoutMs: 400, policy: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 100 } },
    ...(faultSeed === null ? {} : { faultSeed }),
  });
  if (faultSeed !== null) for (const server of ['graph', 'itglue', 'bms'] as const) box.sims.setFaults(server, FAULTS);
  return box;
}

describe('the demo seed on faulty APIs', () => {
  it.each(rounds)(
    "converges to the clean run's state, with no duplicate (fault seed %i)",
    async (faultSeed) => {
      const clean = await sandbox(null);
      await clean.syncAll({ force: true });
      const expected = visible(clean);
      await clean.close();

      const box = await sandbox(faultSeed);
      let converged = false;
      let runs = 0;
      while (!converged && runs < 6) {
        runs += 1;
        const results = await box.syncAll({ force: true });
        converged = results.every((r) => r.status !== 'failed' && (r.counts.failed ?? 0) === 0);
      }
      const injected = new Set(box.sims.requests.filter((r) => r.fault !== null).map((r) => r.fault));
      box.sims.setFaults('graph', {});
      box.sims.setFaults('itglue', {});
      box.sims.setFaults('bms', {});
      expect(converged, `still failing after ${runs} runs`).toBe(true);
      expect(injected).toEqual(new Set(['error500', 'throttle429', 'timeout', 'reset', 'malformedJson']));
      expect(visible(box)).toEqual(expected);
      const dump = box.sims.dump();
      for (const organization of dump.itglue!.organizations) {
        const primaries = organization.contacts.flatMap((c) =>
          c['contact-emails'].filter((e) => e.primary).map((e) => e.value.toLowerCase()),
        );
        expect(new Set(primaries).size).toBe(primaries.length);
      }
      for (const account of dump.bms!.accounts) {
        const emails = account.contacts.flatMap((c) => (c.emailAddress === null ? [] : [c.emailAddress.toLowerCase()]));
        expect(new Set(emails).size).toBe(emails.length);
      }
      await box.close();
    },
    300_000,
  );
});
