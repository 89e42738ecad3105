import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { demoLimitsOn, demoSeedOn, sandboxTarget } from '../../src/sandbox/sandbox-targets.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';

const silent = pino({ level: 'silent' });

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

describe('the demo on Halo alone', () => {
  it('maps every tenant by the Azure tenant its client lists, links, disputes and creates, and gives every user written its object id', async () => {
    const seed = parseSeed(demoSeedOn({ doc: null, psa: sandboxTarget('halo') }), 'the demo');
    box = await startSandbox({
      seed,
      dbPath: join(mkdtempSync(join(tmpdir(), 'halo-demo-')), 'state.db'),
      logger: silent,
      // The limit the demo plays: the client keeps to it, so that the simulator never answers 429.
      limits: demoLimitsOn({ doc: null, psa: sandboxTarget('halo') }),
    });
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const users = results.flatMap((r) => r.users);
    const count = (outcome: string) => users.filter((u) => u.psa === outcome).length;
    expect(count('created')).toBeGreaterThan(100);
    expect(count('linked')).toBeGreaterThan(0);
    expect(count('disputed')).toBeGreaterThan(0);
    const held = new Map(box.sims.halo.dump().clients.flatMap((c) => c.users.map((u) => [u.id, u] as const)));
    const written = users.filter((u) => u.psa === 'created' || u.psa === 'linked');
    for (const user of written) expect(held.get(user.psaContactId!)?.azureoid).toBe(user.userId);
    expect(box.sims.requests.filter((r) => r.server === 'halo' && r.method === 'DELETE')).toEqual([]);
    expect(box.sims.requests.filter((r) => r.server === 'halo' && r.status === 429)).toEqual([]);
  }, 120_000);
});

describe('the demo on Hudu and Halo', () => {
  it('writes every customer to both, each person once in each, and runs again with nothing to write', async () => {
    const seed = parseSeed(demoSeedOn({ doc: sandboxTarget('hudu'), psa: sandboxTarget('halo') }), 'the demo');
    box = await startSandbox({
      seed,
      dbPath: join(mkdtempSync(join(tmpdir(), 'hudu-halo-demo-')), 'state.db'),
      logger: silent,
      limits: { halo: { limit: 100_000, windowMs: 300_000 } },
    });
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const users = results.flatMap((r) => r.users);
    expect(users.filter((u) => u.doc === 'created').length).toBeGreaterThan(100);
    expect(users.filter((u) => u.psa === 'created' || u.psa === 'linked').length).toBeGreaterThan(100);
    // Nobody twice: an address the demo's Hudu held once or not at all is held once now (the demo keeps a few
    // duplicates of its own, which wait as disputes); one Halo user per object id.
    const mailsOf = (companies: readonly { assets: readonly { primary_mail?: string | null }[] }[]) =>
      companies.flatMap((c) => c.assets.map((a) => a.primary_mail?.toLowerCase() ?? '')).filter((m) => m !== '');
    const before = mailsOf(seed.hudu!.companies);
    const after = mailsOf(box.sims.hudu.dump().companies);
    const count = (list: string[], mail: string) => list.filter((m) => m === mail).length;
    for (const mail of new Set(after)) expect(count(after, mail), mail).toBe(Math.max(1, count(before, mail)));
    const oids = box.sims.halo
      .dump()
      .clients.flatMap((c) => c.users.map((u) => u.azureoid))
      .filter(Boolean);
    expect(new Set(oids).size).toBe(oids.length);
    const again = await box.syncAll({ force: true });
    const writes = again
      .flatMap((r) => r.users)
      .filter(
        (u) =>
          ['created', 'updated', 'linked'].includes(String(u.doc)) ||
          ['created', 'updated', 'linked'].includes(String(u.psa)),
      );
    expect(writes).toEqual([]);
  }, 180_000);
});
