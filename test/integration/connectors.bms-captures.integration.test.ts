import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { parseBmsTime } from '../../src/connectors/bms/wire.ts';
import { CAPTURES, readCaptures, replay } from '../support/capture-replay.ts';

let server: Server | null = null;
afterEach(async () => {
  const running = server;
  server = null;
  if (running !== null) await new Promise((resolve) => running.close(resolve));
});

async function psaOver(folder: string): Promise<{ psa: BmsPsa }> {
  const captures = readCaptures(join(CAPTURES, 'bms', folder));
  const replayed = await replay(captures);
  server = replayed.server;
  const login = captures.find((c) => c.path === '/v2/security/authenticate')!;
  const result = Object.entries(login.body as Record<string, unknown>).find(([k]) => /^result$/i.test(k))![1];
  const expiry = Object.entries(result as Record<string, string>).find(([k]) => /^accesstokenexpireon$/i.test(k))![1];
  // The captured token is good for an hour more, read as UTC.
  const now = parseBmsTime(expiry)! - 3600_000;
  const psa = new BmsPsa({
    credentials: { userName: 'api', password: 'pw', tenant: 'MSP' },
    baseUrl: replayed.url,
    now: () => now,
  });
  return { psa };
}

describe.each(['camel', 'pascal'])("BmsPsa reads the %sCase captures of BMS's documented shapes", (folder) => {
  it('reads accounts, locations and the contacts of an account, the email flat or in Emails[]', async () => {
    const { psa } = await psaOver(folder);
    expect(await psa.listAccounts()).toEqual([{ id: 1, name: '<name>' }]);
    expect(await psa.listLocations(1)).toEqual([
      { id: 11, name: '<name>', isMain: true },
      { id: 12, name: '<name>', isMain: false },
    ]);
    expect(await psa.listContacts(1)).toEqual([
      {
        id: 501,
        accountId: 1,
        firstName: '<name>',
        lastName: '<name>',
        jobTitle: '<text>',
        emailAddress: '<email>',
        emailTypeId: folder === 'pascal' ? 1 : null,
        phoneNumber: null,
        phoneTypeId: null,
        mobilePhone: null,
        otherEmails: [],
        locationId: 11,
        isActive: true,
      },
      {
        id: 502,
        accountId: 1,
        firstName: '<name>',
        lastName: null,
        jobTitle: null,
        emailAddress: null,
        emailTypeId: null,
        phoneNumber: null,
        phoneTypeId: null,
        mobilePhone: null,
        otherEmails: [],
        locationId: null,
        isActive: false,
      },
    ]);
  });

  it("keeps a search's results of the account asked for, and reads one contact with its phone", async () => {
    const { psa } = await psaOver(folder);
    expect((await psa.findContactsByEmail(1, 'someone@example.com')).map((c) => c.id)).toEqual([501]);
    expect(await psa.readContact(501)).toEqual({
      id: 501,
      accountId: 1,
      firstName: '<name>',
      lastName: '<name>',
      jobTitle: '<text>',
      emailAddress: '<email>',
      emailTypeId: 1,
      phoneNumber: '<phone>',
      phoneTypeId: 2,
      mobilePhone: null,
      otherEmails: [],
      locationId: 11,
      isActive: true,
    });
  });
});

it('reads a type list', async () => {
  const { psa } = await psaOver('camel');
  expect(await psa.listEmailTypes()).toEqual([
    { id: 1, name: 'Work' },
    { id: 2, name: 'Personal' },
  ]);
});

it("reads an error's text from Details, and says how to give the type id when the list cannot be read", async () => {
  const { psa } = await psaOver('pascal');
  await expect(psa.listEmailTypes()).rejects.toThrow(
    /answered 404: No HTTP resource was found that matches the request URI\..*psa\.emailType=ID/,
  );
});

it('reads a zoneless expiry as UTC', () => {
  expect(parseBmsTime('2031-05-01T10:30:00')).toBe(Date.UTC(2031, 4, 1, 10, 30, 0));
  expect(parseBmsTime('2031-05-01T10:30:00.1234567')).toBe(Date.UTC(2031, 4, 1, 10, 30, 0, 123));
  expect(parseBmsTime('2031-05-01T10:30:00+02:00')).toBe(Date.UTC(2031, 4, 1, 8, 30, 0));
});
