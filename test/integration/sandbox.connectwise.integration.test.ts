import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { demoSeedOn, demoTargetsNamed } from '../../src/sandbox/sandbox-targets.ts';
import { connectwiseRequests } from '../support/connectwise-cases.ts';

/**
 * The sandbox's demo synced into ConnectWise, with IT Glue and alone: every matching case of the demo occurs there,
 * contacts are never deleted or replaced, and a second run with nothing changed writes nothing.
 */

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

const users = (results: readonly TenantRunResult[]) => results.flatMap((r) => r.users);
const count = (results: readonly TenantRunResult[], outcome: string) =>
  users(results).filter((u) => u.psa === outcome).length;

async function demoOn(targets: string): Promise<{ sandbox: Sandbox; results: TenantRunResult[] }> {
  const sandbox = await startSandbox({
    seed: demoSeedOn(demoTargetsNamed(targets)),
    logger: pino({ level: 'silent' }),
  });
  box = sandbox;
  return { sandbox, results: await sandbox.syncAll() };
}

describe('the demo synced into ConnectWise', () => {
  it('with IT Glue: creates, links and disputes as on BMS, changes mirrored contacts through ConnectWise, and then rests', async () => {
    const { sandbox, results } = await demoOn('itglue,connectwise');
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(count(results, 'created')).toBeGreaterThan(100);
    expect(count(results, 'linked')).toBeGreaterThan(0);
    expect(count(results, 'disputed')).toBeGreaterThan(0);
    const mirrored = users(results).filter((u) => u.doc === 'mirrored');
    expect(mirrored.length).toBeGreaterThan(0);
    for (const user of mirrored) expect(user.psa).toBe('updated');
    const sent = connectwiseRequests(sandbox, 0);
    expect(sent.filter((r) => r.startsWith('DELETE company/contacts/{id}') || r.startsWith('PUT'))).toEqual([]);
    const held = sandbox.sims.connectwise.dump().companies.flatMap((c) => c.contacts.map((contact) => contact.id));
    for (const user of users(results).filter((u) => u.psa === 'created')) expect(held).toContain(user.psaContactId);
    // Nothing changed in Microsoft 365: the next run reads, and writes nothing to ConnectWise.
    const from = sandbox.sims.requests.length;
    const again = await sandbox.syncAll();
    expect(count(again, 'created') + count(again, 'updated')).toBe(0);
    expect(connectwiseRequests(sandbox, from).filter((r) => !r.startsWith('GET'))).toEqual([]);
  }, 180_000);

  it("keeps inside the cloud front's limit as a benchmark compresses it: no 429 of its own making", async () => {
    const limit = { limit: 60, windowMs: 1_000 };
    box = await startSandbox({
      seed: demoSeedOn(demoTargetsNamed('connectwise')),
      logger: pino({ level: 'silent' }),
      limits: { connectwise: limit },
    });
    expect({ limit: box.sims.connectwise.limiter.limit, windowMs: box.sims.connectwise.limiter.windowMs }).toEqual(
      limit,
    );
    const results = await box.syncAll();
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(connectwiseRequests(box, 0).length).toBeGreaterThan(3 * limit.limit);
    expect(box.sims.requests.filter((r) => r.status === 429)).toEqual([]);
  }, 120_000);

  it('alone: the PSA leg runs by itself, with the same cases', async () => {
    const { sandbox, results } = await demoOn('connectwise');
    expect(Object.keys(sandbox.sims.dump()).sort()).toEqual(['connectwise', 'tenants']);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(count(results, 'created')).toBeGreaterThan(100);
    expect(count(results, 'linked')).toBeGreaterThan(0);
    expect(count(results, 'disputed')).toBeGreaterThan(0);
    for (const user of users(results)) expect(user.doc).toBe('none');
  }, 180_000);
});
