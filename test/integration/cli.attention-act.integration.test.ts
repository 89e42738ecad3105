import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../src/operations/attention.ts';
import { syncedDemoCli } from '../support/synced-demo-cli.ts';

const demo = syncedDemoCli('attention-act', { CONTACTSYNC_ACTOR: 'tech@msp' });
const cs = demo.run;

/** What `contactsync attention` lists, with these filters. */
async function listed(...filters: string[]): Promise<AttentionItem[]> {
  const run = await cs(['attention', ...filters, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { items: AttentionItem[] }).items;
}

beforeAll(() => demo.start(), 240_000);
afterAll(() => demo.close());

describe('contactsync attention act --all: exactly what the same filters list, shown first', () => {
  it('takes --tenant and --kind as its own, shows the items and customers, and does nothing without --yes', async () => {
    const everywhere = await listed('--kind', 'conflict');
    const contoso = await listed('--kind', 'conflict', '--tenant', 'Contoso Ltd');
    expect(new Set(everywhere.map((i) => i.tenantName)).size).toBeGreaterThan(1);
    expect(contoso.length).toBeGreaterThan(1);
    const run = await cs(['attention', 'act', 'ignore', '--all', '--tenant', 'Contoso Ltd', '--kind', 'conflict']);
    expect(run.code).toBe(1);
    // A preview, not an error: the listing on stdout, then what to add; nothing on stderr.
    expect(run.stderr).toBe('');
    expect(run.stdout.startsWith(`ignore: ${contoso.length} items of 1 customer:\n`)).toBe(true);
    expect(run.stdout).toContain(`Contoso Ltd (${contoso.length})`);
    for (const item of contoso) expect(run.stdout).toContain(`${item.id}  ${item.subject}`);
    expect(run.stdout).not.toMatch(/Fabrikam|Northwind/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      `Nothing done yet: add --yes to ignore these ${contoso.length} items.`,
    );
    expect(await listed('--kind', 'conflict')).toEqual(everywhere);
  });

  it('refuses an unknown tenant naming the tenants, ids beside --all, and filters without --all', async () => {
    const before = await listed();
    const unknown = await cs(['attention', 'act', 'ignore', '--all', '--tenant', 'Nobody Inc', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No tenant "Nobody Inc"\. The tenants are: Contoso Ltd, Fabrikam GmbH, Northwind/);
    const both = await cs(['attention', 'act', 'ignore', before[0]!.id, '--all', '--kind', 'conflict', '--yes']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/Either name the items \(1 given\) or give --all with --kind and --tenant, not both/);
    const early = await cs(['attention', '--tenant', 'Contoso Ltd', '--kind', 'conflict', 'act', 'ignore', '--all']);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/ignore: \d+ items of 1 customer:\n  Contoso Ltd/);
    const loose = await cs(['attention', 'act', 'ignore', '--kind', 'conflict', '--yes']);
    expect(loose.code).toBe(1);
    expect(loose.stderr).toMatch(/--kind and --tenant choose the items only with --all/);
    expect(await listed()).toEqual(before);
  });

  it('create --all says how many of the items are BMS disputes, where a new contact makes a third', async () => {
    const conflicts = JSON.parse((await cs(['conflicts', 'list', '--json'])).stdout) as { side: string }[];
    const bms = conflicts.filter((c) => c.side === 'bms').length;
    expect(bms).toBeGreaterThan(0);
    const run = await cs(['attention', 'act', 'create', '--all', '--kind', 'conflict']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `${bms} ${bms === 1 ? 'person has' : 'people have'} two or more BMS contacts already: a new BMS contact for ${bms === 1 ? 'them' : 'each'} makes a third`,
    );
  });

  it('with --yes acts on the Contoso conflicts alone, and every other customer keeps its own', async () => {
    const contoso = await listed('--kind', 'conflict', '--tenant', 'Contoso Ltd');
    const others = (await listed('--kind', 'conflict')).filter((i) => i.tenantName !== 'Contoso Ltd');
    expect(others.length).toBeGreaterThan(0);
    const run = await cs([
      'attention',
      'act',
      'ignore',
      '--all',
      '--tenant',
      'Contoso Ltd',
      '--kind',
      'conflict',
      '--yes',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Leave out: ${contoso.length} items. Contoso Ltd: `);
    expect(await listed('--kind', 'conflict', '--tenant', 'Contoso Ltd')).toEqual([]);
    expect((await listed('--kind', 'conflict')).map((i) => i.id)).toEqual(others.map((i) => i.id));
  });

  it('blank-phone says what the sync did: the held contacts released and written to BMS, and what is left', async () => {
    const held = (await listed('--kind', 'held', '--tenant', 'Contoso Ltd')).filter(
      (i) => i.release?.setting === 'phones.blankReplacement',
    );
    expect(held.length).toBeGreaterThan(0);
    const run = await cs(['attention', 'blank-phone', 'Contoso Ltd', '000-000-0000']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Contoso Ltd: phones.blankReplacement is now "000-000-0000"; synced again: ok, released ${held.length} held contacts; written: `,
    );
    expect(run.stdout).toMatch(/written: (IT Glue: [^;]*; )?BMS: created \d+/);
    const left = await listed('--kind', 'held', '--tenant', 'Contoso Ltd');
    expect(left.filter((i) => i.release?.setting === 'phones.blankReplacement')).toEqual([]);
  });
});
