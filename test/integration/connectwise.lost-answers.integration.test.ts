import { describe, expect, it } from 'vitest';
import { ConnectwisePsa } from '../../src/connectors/connectwise/connectwise-psa.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import type { AttemptLog } from '../../src/connectors/http/http-client.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { CELL, useConnectwiseSimulator } from '../support/connectwise-simulator.ts';
import { psaFields } from '../support/psa-fields.ts';

/** ConnectWise changing under contactsync, and writes whose answers are lost after it applied them: nothing twice. */

const start = useConnectwiseSimulator();

const client = (s: RunningSimulators, log?: (entry: AttemptLog) => void) =>
  new ConnectwisePsa({
    ...(log === undefined ? {} : { log }),
    credentials: s.credentials.connectwise,
    baseUrl: `${s.urls.connectwise!}/v4_6_release/apis/3.0/`,
    policy: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 500,
  });

const cells = (s: RunningSimulators, id: number) =>
  s.connectwise
    .contactsWithIds([id])[0]!
    .communicationItems.filter((i) => i.type.id === CELL)
    .map((i) => i.value);

describe('ConnectWise answers lost after the write', () => {
  it('adds a mobile phone once when the answer to its item was lost, and the update is made again', async () => {
    const s = await start(2);
    const psa = client(s);
    const [ann] = await psa.listContacts(1);
    const fields = psaFields(ann!.firstName!, ann!.lastName, ann!.emailAddress!, {
      phoneNumber: ann!.phoneNumber,
      locationId: ann!.locationId,
      mobilePhone: '+12065550177',
    });
    // Applied by ConnectWise, its answer cut off: the item's POST is not sent again.
    s.setFaults('connectwise', { malformedJson: 1 });
    const lost = await psa.updateContact(1, ann!.id, fields, ['mobilePhone']).catch((e: unknown) => e);
    s.setFaults('connectwise', {});
    expect(isConnectorError(lost)).toBe(true);
    expect(cells(s, ann!.id)).toEqual(['+12065550177']);
    // The next run makes the same update: the item is there, none is added.
    expect(await psa.updateContact(1, ann!.id, fields, ['mobilePhone'])).toEqual({ ok: true, id: ann!.id });
    expect(cells(s, ann!.id)).toEqual(['+12065550177']);
  });

  it('creates a contact once when the answer to its create was lost, whatever its name holds', async () => {
    const s = await start(1);
    // Applied by ConnectWise, its answer cut off; the lookup that follows is answered whole.
    const posts: AttemptLog[] = [];
    const psa = client(s, (entry) => {
      if (entry.method !== 'POST') return;
      posts.push(entry);
      s.setFaults('connectwise', {});
    });
    await psa.listContacts(1);
    s.setFaults('connectwise', { malformedJson: 1 });
    const result = await psa.createContact(1, psaFields(`Zoë "Z" O'Neil`, `like [x] or`, `zoe@contoso.com`));
    expect(posts.map((p) => p.outcome)).toEqual(['outcome unknown: not sent again']);
    const zoes = s.connectwise.contactsOf(1).filter((c) => c.firstName === `Zoë "Z" O'Neil`);
    expect(zoes).toHaveLength(1);
    expect(result).toEqual({ ok: true, id: zoes[0]!.id });
  });
});

describe('ConnectWise changing between pages', () => {
  it('lists every contact once when a person adds one between pages', async () => {
    const s = await start(250, { pageSizeCap: 100 });
    const person = client(s);
    let pages = 0;
    let added = false;
    const reader = new ConnectwisePsa({
      credentials: s.credentials.connectwise,
      baseUrl: `${s.urls.connectwise!}/v4_6_release/apis/3.0/`,
      log: (entry) => {
        if (entry.method === 'GET' && entry.url.includes('company/contacts?')) pages++;
      },
      budget: {
        acquire: async () => {
          if (pages !== 1 || added) return;
          added = true;
          expect(await person.createContact(1, psaFields('Late', 'Comer', 'late@contoso.com'))).toMatchObject({
            ok: true,
          });
        },
      },
    });
    const ids = (await reader.listContacts(1)).map((c) => c.id);
    expect(added).toBe(true);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      s.connectwise
        .contactsOf(1)
        .map((c) => c.id)
        .sort(),
    );
  });
});

describe('ConnectWise answers lost after a removal', () => {
  it('reports the update made when the answer to removing a phone was lost and the removal, sent again, finds it gone', async () => {
    const s = await start(2);
    const psa = client(s, (entry) => {
      // The contact is read whole; the removal is applied and its answer cut off, once.
      if (entry.method === 'GET' && entry.url.endsWith('/contacts/1000'))
        s.setFaults('connectwise', { malformedJson: 1 });
      if (entry.method === 'DELETE') s.setFaults('connectwise', {});
    });
    await psa.types();
    const fields = psaFields('Ann', 'Lee', 'Ann.Lee@Contoso.com', { locationId: 11, phoneNumber: null });
    expect(await psa.updateContact(1, 1000, fields, ['phoneNumber'])).toEqual({ ok: true, id: 1000 });
    expect(s.connectwise.contactsWithIds([1000])[0]!.communicationItems.map((i) => i.value)).toEqual([
      'Ann.Lee@Contoso.com',
    ]);
  });
});
