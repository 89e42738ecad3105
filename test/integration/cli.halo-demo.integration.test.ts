import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../support/cli.ts';
import { freePorts, startSimulatorsCommand } from '../support/simulators-command.ts';

/**
 * `contactsync sandbox --targets halo`: the demo on Halo plays a limit of its own (hosted Halo's 300 requests per
 * rolling 5 minutes, half of them contactsync's, would keep its first sync going for about ten minutes).
 */

const dir = mkdtempSync(join(tmpdir(), 'cli-halo-demo-'));
const env = { CONTACTSYNC_DATA_DIR: dir };

beforeAll(() => buildCli(), 60_000);

interface Dump {
  readonly report: { readonly tenants: { status: string; users: Record<string, unknown>[] }[] };
  readonly halo: { readonly clients: { readonly users: { readonly azureoid: string | null }[] }[] };
}

describe('contactsync sandbox --targets halo --once', () => {
  for (const targets of ['halo', 'itglue,halo'])
    it(`plays the demo on ${targets} to the end of its first sync: every customer synced into Halo`, async () => {
      const out = join(dir, `${targets.replace(',', '-')}.json`);
      const run = await runCli(['sandbox', '--targets', targets, '--once', '--dump', out], env);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const dump = JSON.parse(readFileSync(out, 'utf8')) as Dump;
      expect(dump.report.tenants.map((t) => t.status)).toEqual(['ok', 'ok', 'ok']);
      const created = dump.report.tenants.flatMap((t) => t.users).filter((u) => u.halo === 'created');
      expect(created.length).toBeGreaterThan(100);
      const oids = new Set(dump.halo.clients.flatMap((c) => c.users.map((u) => u.azureoid)));
      for (const user of created) expect(oids).toContain(user.userId);
    }, 120_000);
});

describe('contactsync simulators --targets halo', () => {
  let stop: (() => void) | null = null;
  afterAll(() => stop?.());

  it('plays the demo’s limit too, and its config keeps to it: the first sync ends as in the sandbox', async () => {
    const work = mkdtempSync(join(tmpdir(), 'simulators-halo-'));
    const port = await freePorts(8);
    const running = await startSimulatorsCommand(
      ['--targets', 'halo', '--config-out', 'sims.json', '--port', String(port)],
      work,
    );
    stop = () => running.child.kill('SIGKILL');
    const sims = JSON.parse(readFileSync(join(work, 'sims.json'), 'utf8'));
    expect(sims.apiLimits).toEqual({ halo: { limit: 300, windowMs: 10_000 } });
    const sync = await runCli(['--config', 'sims.json', 'sync'], { CONTACTSYNC_DATA_DIR: join(work, 'data') }, work);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    for (const customer of ['Contoso Ltd', 'Fabrikam GmbH', 'Northwind Traders'])
      expect(sync.stdout).toMatch(new RegExp(`${customer}\\s+ok`));
  }, 120_000);
});
