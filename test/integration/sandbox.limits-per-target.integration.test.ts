import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { demoSeedOn, demoTargetsNamed } from '../../src/sandbox/sandbox-targets.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

const demoOn = (targets: string) => parseSeed(demoSeedOn(demoTargetsNamed(targets)), 'the demo');

describe('the sandbox limits the simulators of any target', () => {
  it("sets Hudu's and Autotask's limits as a benchmark compresses them, and the sync keeps inside them", async () => {
    const hudu = { limit: 100, windowMs: 1_000 };
    const autotask = { limit: 120, windowMs: 1_000 };
    box = await startSandbox({
      seed: demoOn('hudu,autotask'),
      logger: pino({ level: 'silent' }),
      limits: { hudu, autotask },
    });
    expect({ limit: box.sims.hudu.limiter.limit, windowMs: box.sims.hudu.limiter.windowMs }).toEqual(hudu);
    expect({ limit: box.sims.autotask.budget.limit, windowMs: box.sims.autotask.budget.windowMs }).toEqual(autotask);
    const results = await box.syncAll();
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    // More requests than one window takes, none refused for the rate: the clients kept to the same compressed budgets.
    const counts = box.sims.requestCounts();
    expect(Object.values(counts.hudu!).reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * hudu.limit);
    expect(Object.values(counts.autotask!).reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * autotask.limit);
    expect(box.sims.requests.filter((r) => r.status === 429)).toEqual([]);
  }, 120_000);

  it('refuses a limit for an id that names no simulator', async () => {
    await expect(
      startSandbox({
        seed: demoOn('itglue'),
        logger: pino({ level: 'silent' }),
        limits: { 'no-such-target': { limit: 1, windowMs: 1 } },
      }),
    ).rejects.toThrow('no simulator of a target no-such-target to limit');
  });
});
