import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictRecord } from '../../src/domain/conflict-record.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

let web: WebHarness;
let admin: Browser;
const CONTOSO = '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01';

beforeAll(async () => {
  web = await startWebHarness();
  admin = new Browser(web.app);
  await admin.login('admin');
}, 120_000);
afterAll(async () => {
  await web.close();
});

function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return web.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${web.tokens.admin}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function disputed(): Promise<ConflictRecord> {
  return (await web.box.store.listConflicts({ tenantId: CONTOSO, status: 'open' })).find(
    (c) => c.side === 'itglue' && c.candidates.length === 2,
  )!;
}

describe('decisions taken back in the browser', () => {
  it('shows a user left out as such on the Manage page, with the way back, and brings them back', async () => {
    const conflict = await disputed();
    await admin.get('/conflicts');
    await admin.post(`/conflicts/${conflict.id}/resolve`, { resolution: 'ignore' });
    await web.box.syncAll({ force: true });
    const manage = `/contacts/${CONTOSO}/${conflict.userId}`;
    const page = await admin.get(manage);
    const text = textOf(page.body);
    expect(text).toMatch(/Sync left out ·/);
    expect(text).toMatch(/An operator decided on .*: left out of the sync\. Bring them back into the sync below/);
    expect(page.body).toMatch(/action="[^"]+\/reopen"[\s\S]*?Bring back into the sync/);
    expect(text).not.toMatch(/Sync enabled/);
    const back = await admin.post(`${manage}/reopen`);
    expect(back.statusCode).toBe(303);
    const after = textOf((await admin.get(manage)).body);
    expect(after).toMatch(/is back in the sync \(was: left out of the sync\)/);
    expect(after).toMatch(/Sync not linked/);
    expect(after).toContain('Decision taken back (was: left out of the sync) by admin (web).');
    expect((await web.box.store.listConflicts({ tenantId: CONTOSO, status: 'open' })).map((c) => c.userId)).toContain(
      conflict.userId,
    );
  });

  it('links a person to another contact from a picker by name, and unlinks them', async () => {
    const conflict = await disputed();
    const manage = `/contacts/${CONTOSO}/${conflict.userId}`;
    const picker = await admin.get(`${manage}/link`);
    expect(picker.statusCode).toBe(200);
    const options = [...picker.body.matchAll(/<option\s+value="(\d+)"[^>]*>([^<]*)<\/option>/g)].map((m) => ({
      id: m[1]!,
      label: m[2]!.trim(),
    }));
    const user = (await web.box.store.directoryUser(CONTOSO, conflict.userId))!;
    // The two candidates of the dispute carry the person's name: they come first.
    expect(new Set(options.slice(0, 2).map((o) => o.id))).toEqual(new Set(conflict.candidates));
    expect(options[0]!.label.toLowerCase()).toContain(
      user.surname!.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').slice(0, 3),
    );
    const linked = await admin.post(`${manage}/link`, { system: 'itglue', contact: conflict.candidates[1]! });
    expect(linked.statusCode).toBe(303);
    expect((await web.box.store.getLink(CONTOSO, conflict.userId))?.docContactId).toBe(conflict.candidates[1]);
    const unlinked = await admin.post(`${manage}/unlink`, { system: 'all' });
    expect(unlinked.statusCode).toBe(303);
    expect(textOf((await admin.get(manage)).body)).toMatch(
      /is unlinked from IT Glue contact \d+; the next sync matches them afresh/,
    );
    expect(await web.box.store.getLink(CONTOSO, conflict.userId)).toBeNull();
  });

  it('offers the same over the REST API', async () => {
    const conflict = await disputed();
    const base = `/api/contacts/${CONTOSO}/${conflict.userId}`;
    const candidates = (await api('GET', `${base}/candidates?system=itglue`)).json() as { id: string }[];
    expect(new Set(candidates.slice(0, 2).map((c) => c.id))).toEqual(new Set(conflict.candidates));
    const linked = await api('PUT', `${base}/link`, { system: 'itglue', contactId: conflict.candidates[0] });
    expect(linked.statusCode, linked.body).toBe(200);
    const taken = (await web.box.store.listLinks(CONTOSO)).find((l) => l.userId !== conflict.userId)!;
    const refused = await api('PUT', `${base}/link`, { system: 'itglue', contactId: taken.docContactId });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/That contact is linked to .*: unlink them first/);
    expect((await api('POST', `${base}/unlink`, { system: 'all' })).statusCode).toBe(200);
    await web.box.syncAll({ force: true });
    const again = (await web.box.store.listConflicts({ tenantId: CONTOSO, status: 'open' })).find(
      (c) => c.userId === conflict.userId,
    )!;
    await web.box.store.resolveConflict(again.id, 'ignore', null);
    const reopened = await api('POST', `${base}/reopen`);
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect((await api('POST', `${base}/reopen`)).statusCode).toBe(409);
    const audit = (await api('GET', `/api/audit?user=${conflict.userId}&action=contact`)).json() as {
      action: string;
      text: { what: string; tenant: { name: string } };
    }[];
    expect(audit.map((a) => a.action)).toEqual(['contact.reopen', 'contact.unlink', 'contact.relink']);
    expect(audit[0]!.text.tenant.name).toBe('Contoso Ltd');
  });
});
