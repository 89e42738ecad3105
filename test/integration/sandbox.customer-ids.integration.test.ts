import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { demoSeedOn, demoTargetsNamed } from '../../src/sandbox/sandbox-targets.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { standaloneConfig } from '../../src/sandbox/standalone-config.ts';

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

/** The demo on Hudu and Autotask, its first customer renamed in Microsoft 365 so that no name maps it. */
function renamedDemo(ids: Record<string, unknown>) {
  const demo = demoSeedOn(demoTargetsNamed('hudu,autotask'));
  const [first, ...others] = demo.tenants;
  return parseSeed({ ...demo, tenants: [{ ...first!, displayName: 'Contoso (renamed)', ...ids }, ...others] }, 'seed');
}

describe("a seed's tenant names its customer records by each target's key", () => {
  it('maps the tenant to the Hudu company and the Autotask company it names, and the config says so', async () => {
    const seed = renamedDemo({ huduCompanyId: 1, autotaskCompanyId: 1 });
    box = await startSandbox({ seed, logger: pino({ level: 'silent' }) });
    const [contoso] = await box.syncAll();
    expect(contoso!.status).toBe('ok');
    expect(contoso!.users.some((u) => u.doc === 'created' && u.psa === 'created')).toBe(true);
    const config = standaloneConfig(box.sims, seed, '/tmp/cs.json') as { tenants: Record<string, unknown>[] };
    expect(config.tenants[0]).toMatchObject({
      displayName: 'Contoso (renamed)',
      huduCompanyId: '1',
      autotaskCompanyId: 1,
    });
  }, 120_000);

  it('is unmapped without them, and a malformed id is refused by its path', async () => {
    box = await startSandbox({ seed: renamedDemo({}), logger: pino({ level: 'silent' }) });
    const [contoso] = await box.syncAll();
    expect(contoso!.status).toBe('unmapped');
    expect(() => renamedDemo({ autotaskCompanyId: 'one' })).toThrow(/tenants\.0\.autotaskCompanyId/);
  }, 120_000);
});
