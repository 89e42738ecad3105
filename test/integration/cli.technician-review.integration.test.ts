import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../src/operations/attention.ts';
import { syncedDemoCli } from '../support/synced-demo-cli.ts';

const demo = syncedDemoCli('technician-review');
const cs = demo.run;

beforeAll(() => demo.start(), 240_000);
afterAll(() => demo.close());

describe('the command line, as a technician reads it', () => {
  it('attention says since when each contact is held', async () => {
    const json = await cs(['attention', '--kind', 'held', '--json']);
    const held = (JSON.parse(json.stdout) as { items: AttentionItem[] }).items;
    expect(held.length).toBeGreaterThan(0);
    const listing = await cs(['attention', '--kind', 'held']);
    expect(listing.code, listing.stderr).toBe(0);
    const line = listing.stdout.split('\n').find((l) => l.includes(held[0]!.id))!;
    expect(line).toContain(`(held since ${held[0]!.since.replace('T', ' ').slice(0, 16)})`);
  });

  it('a plan with nothing to write says so first', async () => {
    await cs(['sync']);
    const plan = await cs(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.startsWith('Nothing to change.\n')).toBe(true);
  });
});
