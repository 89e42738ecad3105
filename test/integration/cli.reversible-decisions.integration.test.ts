import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const CONTOSO = seed.tenants[0]!;
const dir = mkdtempSync(join(tmpdir(), 'decisions-'));
let sims: RunningSimulators;
let config: string;

function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(
    ['--config', config, ...args],
    { CONTACTSYNC_DATA_DIR: join(dir, 'data'), CONTACTSYNC_ACTOR: 'tech@msp' },
    dir,
  );
}

interface Conflict {
  id: string;
  userId: string;
  userPrincipalName: string;
  side: string;
  candidates: string[];
}
interface User {
  userId: string;
  userPrincipalName: string;
  outcome: string;
  rule: string | null;
  itglue: string;
  bms: string;
  itglueContactId: string | null;
  reasons: { code: string; message: string }[];
}

/** The open disputes, each with its user and the ids of its candidates. */
async function conflicts(): Promise<Conflict[]> {
  const listed = JSON.parse((await cs(['conflicts', 'list', '--tenant', 'Contoso Ltd', '--json'])).stdout) as {
    id: string;
    side: string;
    user: { id: string; userPrincipalName: string };
    candidates: { id: string }[];
  }[];
  return listed.map((c) => ({
    id: c.id,
    userId: c.user.id,
    userPrincipalName: c.user.userPrincipalName,
    side: c.side,
    candidates: c.candidates.map((candidate) => candidate.id),
  }));
}

/** What a sync would do now for every user (a sync that finds nothing to do reports no user). */
async function plan(): Promise<User[]> {
  const run = await cs(['plan', '--tenant', 'Contoso Ltd', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout).tenants[0].users as User[];
}

async function sync(): Promise<User[]> {
  const run = await cs(['sync', '--tenant', 'Contoso Ltd', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout).tenants[0].users as User[];
}

let ignored: Conflict;

beforeAll(async () => {
  buildCli();
  sims = await startSimulators(seed);
  config = simulatorConfig(sims, dir, { tenants: [{ id: CONTOSO.id, displayName: CONTOSO.displayName }] });
  await sync();
}, 120_000);
afterAll(async () => {
  await sims.close();
});

describe('decisions an operator can take back', () => {
  it('ignore → reopen → synced: a user left out is brought back, and syncs once the dispute is settled', async () => {
    ignored = (await conflicts()).find((c) => c.side === 'itglue' && c.candidates.length === 2)!;
    expect((await cs(['conflicts', 'resolve', ignored.id, '--ignore'])).code).toBe(0);
    const left = (await sync()).find((u) => u.userId === ignored.userId)!;
    expect(left.outcome).toBe('excluded');
    expect(left.reasons.map((r) => r.code)).toContain('ignored');
    const shown = await cs(['contact', 'show', ignored.userPrincipalName]);
    expect(shown.stdout).toMatch(/sync: left out/);
    expect(shown.stdout).toMatch(
      /Decided by an operator on .*: left out of the sync \(take it back with: contactsync contact reopen/,
    );

    const reopened = await cs(['contact', 'reopen', ignored.userPrincipalName]);
    expect(reopened.code, reopened.stderr).toBe(0);
    expect(reopened.stdout).toMatch(/is back in the sync \(was: left out of the sync\)/);
    expect((await conflicts()).map((c) => c.userId)).toContain(ignored.userId);
    expect((await cs(['contact', 'reopen', ignored.userPrincipalName])).stderr).toMatch(/has no decision to take back/);

    const back = (await conflicts()).find((c) => c.userId === ignored.userId)!;
    expect((await cs(['conflicts', 'resolve', back.id, '--link', back.candidates[0]!])).code).toBe(0);
    const synced = (await sync()).find((u) => u.userId === ignored.userId)!;
    expect(synced).toMatchObject({ outcome: 'synced', rule: 'link', itglueContactId: back.candidates[0] });
  });

  it('contact enable on a user left out brings them back instead of claiming a change that did not happen', async () => {
    // Another dispute between two contacts: leaving its user out changes no one else's match.
    const other = (await conflicts()).find(
      (c) => c.side === 'itglue' && c.candidates.length === 2 && c.userId !== ignored.userId,
    )!;
    await cs(['conflicts', 'resolve', other.id, '--ignore']);
    await sync();
    const enabled = await cs(['contact', 'enable', other.userPrincipalName]);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stdout).toMatch(/Sync enabled for .*: the decision to leave them out is taken back/);
    const after = (await sync()).find((u) => u.userId === other.userId)!;
    expect(after.outcome).toBe('disputed');
    expect((await cs(['contact', 'show', other.userPrincipalName])).stdout).not.toMatch(/left out/);
  });

  it('unlink → matched afresh by the rules, with no new contact', async () => {
    const linked = (await plan()).find((u) => u.rule === 'link' && u.outcome === 'unchanged' && u.bms === 'unchanged')!;
    const contacts = sims.itglue.contactsOf('1').length;
    const unlinked = await cs(['contact', 'unlink', linked.userPrincipalName]);
    expect(unlinked.code, unlinked.stderr).toBe(0);
    expect(unlinked.stdout).toMatch(
      /is unlinked from IT Glue contact \d+ and BMS contact \d+; the next sync matches them afresh/,
    );
    const again = (await sync()).find((u) => u.userId === linked.userId)!;
    expect(again.rule).not.toBe('link');
    expect(again.itglueContactId).toBe(linked.itglueContactId);
    expect(again.bms).toBe('linked');
    expect(sims.itglue.contactsOf('1').length).toBe(contacts);
  });

  it('relink to another candidate lists candidates by name and links the chosen one', async () => {
    const disputed = (await conflicts()).find((c) => c.side === 'itglue' && c.candidates.length === 2)!;
    const listed = await cs(['contact', 'relink', disputed.userPrincipalName]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`--itglue ${disputed.candidates[1]}`));
    const taken = (await plan()).find((u) => u.rule === 'link' && u.itglueContactId !== null)!;
    expect(
      (await cs(['contact', 'relink', disputed.userPrincipalName, '--itglue', taken.itglueContactId!])).stderr,
    ).toMatch(/That contact is linked to .*: unlink them first/);
    const relinked = await cs(['contact', 'relink', disputed.userPrincipalName, '--itglue', disputed.candidates[1]!]);
    expect(relinked.code, relinked.stderr).toBe(0);
    expect((await conflicts()).map((c) => c.userId)).not.toContain(disputed.userId);
    const now = (await sync()).find((u) => u.userId === disputed.userId)!;
    expect(now).toMatchObject({ rule: 'link', itglueContactId: disputed.candidates[1] });
  });

  it('records each decision taken back in the audit log and on the person’s history', async () => {
    const audit = JSON.parse((await cs(['audit', '--json', '--limit', '30'])).stdout) as {
      action: string;
      actor: string;
      details: Record<string, unknown>;
    }[];
    for (const action of ['contact.reopen', 'contact.unlink', 'contact.relink', 'contact.enable'])
      expect(
        audit.find((e) => e.action === action),
        action,
      ).toMatchObject({
        actor: 'tech@msp',
        details: { tenant: 'Contoso Ltd' },
      });
    const history = await cs(['contact', 'show', ignored.userPrincipalName]);
    expect(history.stdout).toContain('Decision taken back (was: left out of the sync) by tech@msp.');
  });

  it('contact show says a BMS contact chosen with conflicts resolve --link was linked by hand, sync after sync', async () => {
    const disputed = (await conflicts()).find((c) => c.side === 'bms')!;
    const resolved = await cs(['conflicts', 'resolve', disputed.id, '--link', disputed.candidates[0]!]);
    expect(resolved.code, resolved.stderr).toBe(0);
    await sync();
    await sync();
    const shown = await cs(['contact', 'show', disputed.userPrincipalName]);
    expect(shown.stdout).toContain(`BMS contact: ${disputed.candidates[0]}`);
    expect(shown.stdout).toMatch(/Linked by: [^;\n]*; BMS: linked by hand; sync:/);
  });
});
