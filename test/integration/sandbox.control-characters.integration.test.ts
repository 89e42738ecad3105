import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';

/**
 * Names and job titles from Microsoft 365 with control characters (a bell, an escape sequence, tabs and line breaks):
 * what reaches IT Glue and BMS is one line of plain text, tabs and line breaks read as spaces; and a contact already
 * synced with the clean text is not written again when Microsoft 365 adds such characters to it.
 */

// oxlint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

/** The writes the targets received since `from` (sign-ins left out). */
function writesSince(sandbox: Sandbox, from: number): string[] {
  return sandbox.sims.requests
    .slice(from)
    .filter((r) => (r.server === 'itglue' || r.server === 'bms') && r.method !== 'GET' && !/authenticate/.test(r.path))
    .map((r) => `${r.server} ${r.method} ${r.path}`);
}

describe('control characters in Microsoft 365 names and titles', () => {
  it('reach IT Glue and BMS as plain text, and a later run writes nothing', async () => {
    box = await startSandbox({ seed: smallSeed(2), logger: pino({ level: 'silent' }) });
    box.sims.graph.updateUser(TENANT_A, 'a00000', {
      givenName: 'Ann\tMarie',
      surname: 'Lee\u0007',
      jobTitle: 'Head of\tSales\r\n\u001b[31m',
    });
    const [first] = await box.syncAll({ force: true });
    expect(first!.status, first!.error ?? '').toBe('ok');
    expect(first!.users.find((u) => u.userId === 'a00000')?.outcome).toBe('synced');

    const { itglue, bms } = box.sims.dump();
    const contact = itglue!.organizations[0]!.contacts.find(
      (c) => c['contact-emails'][0]?.value === 'a00000@contoso.com',
    )!;
    expect([contact['first-name'], contact['last-name'], contact.title]).toEqual([
      'Ann Marie',
      'Lee',
      'Head of Sales [31m',
    ]);
    const account = bms!.accounts.find((a) => a.name === 'Contoso Ltd')!;
    const psaContact = account.contacts.find((c) => c.emailAddress === 'a00000@contoso.com')!;
    expect([psaContact.firstName, psaContact.lastName, psaContact.jobTitle]).toEqual([
      'Ann Marie',
      'Lee',
      'Head of Sales [31m',
    ]);
    const values = [
      contact['first-name'],
      contact['last-name'],
      contact.title,
      psaContact.firstName,
      psaContact.jobTitle,
    ];
    expect(values.filter((v) => v !== null && CONTROL.test(v))).toEqual([]);

    const before = box.sims.requests.length;
    const [second] = await box.syncAll({ force: true });
    expect(second!.status).toBe('ok');
    expect(writesSince(box, before)).toEqual([]);
    expect(second!.users.filter((u) => u.outcome !== 'unchanged').map((u) => u.userId)).toEqual([]);
  });

  it('added in Microsoft 365 to a title already synced, cause no write', async () => {
    box = await startSandbox({ seed: smallSeed(2), logger: pino({ level: 'silent' }) });
    box.sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'Sales Manager' });
    const [first] = await box.syncAll({ force: true });
    expect(first!.status, first!.error ?? '').toBe('ok');

    box.sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: ' Sales\tManager\u0007\n', givenName: 'User\u200b' });
    const before = box.sims.requests.length;
    const [second] = await box.syncAll({ force: true });
    expect(second!.status).toBe('ok');
    expect(writesSince(box, before)).toEqual([]);
    expect(second!.users.find((u) => u.userId === 'a00001')?.outcome).toBe('unchanged');
  });
});
