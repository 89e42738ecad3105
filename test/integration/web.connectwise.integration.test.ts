import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSeed, cwContact } from '../support/connectwise-cases.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { textOf, type Browser } from '../support/web.ts';
import { linkedAndBare, type LinkedAndBare, type WebSandbox } from '../support/web-sandbox.ts';

/**
 * ConnectWise PSA alone, synced by the sandbox and seen in the web UI and the REST API as a technician sees them: the
 * settings ConnectWise reads (its communication types are named in the config, not by the type settings), its sites
 * as the named setting's choices, both phones side by side, links into ConnectWise's web app when the codebase is
 * known, Manage, Sync now and Disable sync, a dispute's evidence, and what the attention list says.
 */

const seed = () =>
  caseSeed({
    install: 'alone',
    users: [
      // ConnectWise holds her address as an email item that is not the default: linked by it.
      user('ann', { givenName: 'Ann', surname: 'Lee', displayName: 'Ann Lee', mobilePhone: '+1 206 555 0177' }),
      // Nobody in ConnectWise: created, with both phones.
      user('bo', { givenName: 'Bo', surname: 'Ng', displayName: 'Bo Ng', mobilePhone: '+1 206 555 0188' }),
      // Two ConnectWise contacts of that name and neither has her address: a dispute.
      user('cy', { givenName: 'Cy', surname: 'Twin', displayName: 'Cy Twin' }),
      // No first name anywhere, which ConnectWise requires: held, and on the attention list.
      user('dee', { givenName: null, surname: 'Dee', displayName: null }),
    ],
    contacts: [
      cwContact(500, 'Ann', 'Lee', {
        title: '<img src=x onerror=alert(1)>',
        emails: ['ann.lee@old.example', 'ann@contoso.com'],
        phone: '+1 206 555 0100',
      }),
      cwContact(501, 'Cy', 'Twin', { emails: ['cy1@elsewhere.example'] }),
      cwContact(502, 'Cy', 'Twin', {
        emails: ['cy2@elsewhere.example', 'cy.twin@private.example'],
        mobile: '+1 206 555 0199',
      }),
    ],
  });

let web: LinkedAndBare;
let linked: WebSandbox;
let unlinked: FastifyInstance;
let admin: Browser;
let plain: Browser;

const api = (app: FastifyInstance, method: 'GET' | 'PUT', url: string, payload?: unknown) =>
  web.api(app, method, url, payload);

beforeAll(async () => {
  // One installation whose config gives the links, and the same without them.
  web = await linkedAndBare(seed(), { connectwise: { site: 'na.myconnectwise.net', codebase: 'v4_6_release/' } });
  ({ linked, bare: unlinked, plain } = web);
  admin = linked.admin;
}, 120_000);

afterAll(async () => {
  await web?.close();
});

const tenantPage = `/tenants/${TENANT_A}`;
const contactPage = (userId: string) => `/contacts/${TENANT_A}/${userId}`;
const CONTACT_LINK =
  'href="https://na.myconnectwise.net/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US&amp;recordType=ContactFV&amp;recid=';

describe('the settings of a ConnectWise installation', () => {
  it('offer no email, phone or contact type, say where ConnectWise’s types are named, and list its sites', async () => {
    const page = await admin.get(tenantPage);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('name="psa.emailType"');
    expect(page.body).not.toContain('name="psa.phoneType"');
    expect(page.body).not.toContain('name="contactType"');
    expect(page.body).not.toContain('name="phones.blankReplacementEverywhere"');
    const text = textOf(page.body);
    expect(text).toContain(
      'ConnectWise types emails and phones by its communication types, named in the config: connectwise.emailType (the primary email), phoneType (the office phone) and mobileType (the mobile phone).',
    );
    expect(text).not.toContain('has no email or phone types');
    // The default location is a dropdown of the company's ConnectWise sites.
    const select = /<select id="setting-location-default"[\s\S]*?<\/select>/.exec(page.body)?.[0] ?? '';
    expect(textOf(select)).toContain('Main');
    expect(textOf(select)).toContain('Annex');
  });

  it('refuse a site the company does not have, naming those it has', async () => {
    const response = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, {
      location: { strategy: 'default', default: 'Nowhere' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('ConnectWise\'s company \\"Contoso Ltd\\" has no \\"Nowhere\\"');
    expect(response.body).toContain('\\"Main\\", \\"Annex\\"');
    const saved = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, {
      location: { strategy: 'default', default: 'Annex' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const reset = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, {
      location: { strategy: 'default', default: null },
    });
    expect(reset.statusCode, reset.body).toBe(200);
  });

  it('refuse a contact type or a BMS email type, saying where ConnectWise’s types are named', async () => {
    const contactType = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, { contactType: 'Employee' });
    expect(contactType.statusCode).toBe(400);
    expect(contactType.body).toContain(
      "contactType: not used here: a documentation platform's setting, and this installation has ConnectWise alone",
    );
    const emailType = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, { psa: { emailType: 'Work' } });
    expect(emailType.statusCode).toBe(400);
    expect(emailType.body).toContain(
      'psa.emailType: not used here: ConnectWise types emails and phones by its communication types, named in the config: connectwise.emailType',
    );
    const settings = JSON.parse((await api(linked.app, 'GET', `/api/tenants/${TENANT_A}/settings`)).body);
    expect(Object.keys(settings.notUsed).sort()).toEqual([
      'contactType',
      'phones.blankReplacementEverywhere',
      'psa.emailType',
      'psa.leaverContactType',
      'psa.phoneType',
    ]);
  });
});

describe('Manage of a person in ConnectWise', () => {
  it('shows the office phone and the mobile phone each on its row, and escapes what ConnectWise holds', async () => {
    const page = await admin.get(contactPage('ann'));
    expect(page.statusCode).toBe(200);
    const mobile = /<tr[^>]*data-field="Mobile phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(mobile)).toContain('+1 206 555 0177');
    // The office phone as the technician typed it in ConnectWise: the same number, so neither written nor differing.
    const phone = /<tr[^>]*data-field="Phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(phone).match(/\+1 206 555 0100/g)).toHaveLength(2);
    expect(phone).not.toMatch(/differs/i);
    expect(page.body).not.toContain('<img src=x');
    expect(textOf(page.body)).not.toMatch(/email type|phone type|not in ConnectWise’s list/i);
  });

  it('links into ConnectWise’s web app when the codebase is known, else says how to have the link', async () => {
    const withLink = await admin.get(contactPage('ann'));
    expect(withLink.body).toContain(`${CONTACT_LINK}500"`);
    const without = await plain.get(contactPage('ann'));
    expect(without.body).not.toContain('openrecord.rails');
    expect(textOf(without.body)).toContain('Set connectwise.codebase in the config');
  });

  it('gives the same in the REST API: the fields, the link and the advice', async () => {
    const body = JSON.parse((await api(linked.app, 'GET', `/api/contacts/${TENANT_A}/ann`)).body);
    expect(body.tenant.connectwiseCompanyId).toBe(1);
    expect(body.links.connectwise).toContain('recordType=ContactFV&recid=500');
    expect(body.links.connectwiseHint).toBeNull();
    expect(body.fields.find((f: { field: string }) => f.field === 'Mobile phone').connectwise).toBe('+12065550177');
    expect(body.fields.find((f: { field: string }) => f.field === 'Email').connectwise).toBe('ann@contoso.com');
    const bare = JSON.parse((await api(unlinked, 'GET', `/api/contacts/${TENANT_A}/ann`)).body);
    expect(bare.links.connectwise).toBeNull();
    expect(bare.links.connectwiseHint).toContain('Set connectwise.codebase');
  });

  it('a new person’s history names the ConnectWise contact written', async () => {
    const text = textOf((await admin.get(contactPage('bo'))).body);
    expect(text).toMatch(/ConnectWise contact \d+/);
    const preview = textOf((await admin.get(`${tenantPage}/preview`)).body);
    expect(preview).not.toMatch(/Email type|Phone type/);
    // nothing left to write: the first filter says so, and where the held and disputed are
    expect(preview).toContain('A sync would write nothing now; 1 held, 1 disputed: under their filters above.');
  });
});

describe('the controls of a person in ConnectWise', () => {
  it('Sync now shows each step, and Disable sync leaves the contact alone until enabled again', async () => {
    await admin.get(contactPage('bo'));
    const synced = await admin.post(`${contactPage('bo')}/sync-now`);
    expect(synced.statusCode).toBe(200);
    expect(synced.body).toContain('data-step="apply"');
    expect(synced.body).not.toContain('data-step="error"');
    expect(textOf(synced.body)).toContain('Disable sync with ConnectWise');
    expect((await admin.post(`${contactPage('bo')}/disable`, { leg: 'all' })).statusCode).toBe(303);
    const disabled = textOf((await admin.get(contactPage('bo'))).body);
    expect(disabled).toContain('Enable sync');
    expect(disabled).not.toContain('Disable sync with ConnectWise');
    // A change in Microsoft 365 meanwhile is not written to ConnectWise.
    const bo = (await linked.box.store.getLink(TENANT_A, 'bo'))!.psaContactId!;
    linked.box.sims.graph.updateUser(TENANT_A, 'bo', { jobTitle: 'Left alone' });
    await linked.box.syncAll();
    expect(linked.box.sims.connectwise.contactsWithIds([bo])[0]!.title).toBeNull();
    expect((await admin.post(`${contactPage('bo')}/enable`)).statusCode).toBe(303);
    expect(textOf((await admin.get(contactPage('bo'))).body)).toContain('Disable sync with ConnectWise');
    await linked.box.syncAll({ force: true });
    expect(linked.box.sims.connectwise.contactsWithIds([bo])[0]!.title).toBe('Left alone');
  });
});

describe('a dispute between two ConnectWise contacts', () => {
  it('shows each candidate’s other addresses and both phones as evidence, with links into ConnectWise', async () => {
    const page = await admin.get('/conflicts');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('cy.twin@private.example');
    expect(text).toMatch(/Phone \+12065550100 not given \+12065550199 differs/);
    expect(page.body).toContain(`${CONTACT_LINK}502"`);
  });
});

describe('the attention list of a ConnectWise installation', () => {
  it('names what ConnectWise requires and what releases the person', async () => {
    const text = textOf((await admin.get('/attention')).body);
    expect(text).toContain('Microsoft 365 has no first name for this user, and ConnectWise requires one.');
    expect(text).toContain('give the user a first name in Microsoft 365');
  });
});
