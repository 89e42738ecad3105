import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { textOf, type Browser } from '../support/web.ts';
import { linkedAndBare, type LinkedAndBare, type WebSandbox } from '../support/web-sandbox.ts';
import { expectDecisionWaits } from '../support/web-disputes.ts';
import { autotaskProfile } from '../../src/connectors/autotask/profile.ts';

/**
 * Autotask PSA alone, synced by the sandbox and seen in the web UI and the REST API as a technician sees them: the
 * settings Autotask reads (no email or phone types), its locations as the named setting's choices, both phones side
 * by side, links into Autotask's web app when its zone's address is known, and its other addresses as evidence.
 */

const contact = (id: number, fields: Record<string, unknown>) => ({
  id,
  firstName: 'First',
  lastName: 'Last',
  title: null,
  emailAddress: null,
  emailAddress2: null,
  emailAddress3: null,
  phone: null,
  mobilePhone: null,
  companyLocationID: 11,
  isActive: 1,
  ...fields,
});

const seed = () =>
  parseSeed({
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        users: [
          // Autotask holds her address as its second email: linked by it.
          user('ann', { givenName: 'Ann', surname: 'Lee', displayName: 'Ann Lee', mobilePhone: '+1 206 555 0177' }),
          // Nobody in Autotask: created, with both phones.
          user('bo', { givenName: 'Bo', surname: 'Ng', displayName: 'Bo Ng', mobilePhone: '+1 206 555 0188' }),
          // Two Autotask contacts of that name and neither has her address: a dispute.
          user('cy', { givenName: 'Cy', surname: 'Twin', displayName: 'Cy Twin' }),
          // No last name anywhere, which Autotask requires: held, and on the attention list.
          user('dee', { givenName: 'Dee', surname: null, displayName: 'Dee' }),
        ],
      },
    ],
    autotask: {
      companies: [
        {
          id: 1,
          companyName: 'Contoso Ltd',
          locations: [
            { id: 11, name: 'HQ', isPrimary: true },
            { id: 12, name: 'Annex' },
          ],
          contacts: [
            contact(500, {
              firstName: 'Ann',
              lastName: 'Lee',
              title: '<img src=x onerror=alert(1)>',
              emailAddress: 'ann.lee@old.example',
              emailAddress2: 'ann@contoso.com',
              phone: '+1 206 555 0100',
            }),
            contact(501, { firstName: 'Cy', lastName: 'Twin', emailAddress: 'cy1@elsewhere.example' }),
            contact(502, {
              firstName: 'Cy',
              lastName: 'Twin',
              emailAddress: 'cy2@elsewhere.example',
              emailAddress3: 'cy.twin@private.example',
              mobilePhone: '+1 206 555 0199',
            }),
          ],
        },
      ],
    },
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
  web = await linkedAndBare(seed(), { autotask: { webUrl: 'https://ww5.autotask.net' } });
  ({ linked, bare: unlinked, plain } = web);
  admin = linked.admin;
}, 120_000);

afterAll(async () => {
  await web?.close();
});

const tenantPage = `/tenants/${TENANT_A}`;
const contactPage = (userId: string) => `/contacts/${TENANT_A}/${userId}`;

describe('the settings of an Autotask installation', () => {
  it('offer no email or phone type and no contact type, say what applies, and list Autotask’s locations', async () => {
    const page = await admin.get(tenantPage);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('name="psa.emailType"');
    expect(page.body).not.toContain('name="psa.phoneType"');
    expect(page.body).not.toContain('name="contactType"');
    expect(page.body).not.toContain('name="phones.blankReplacementEverywhere"');
    expect(textOf(page.body)).toContain(
      'Autotask has no email or phone types: the primary email goes in its Email field, the office phone in Phone and the mobile phone in Mobile phone.',
    );
    // The default location is a dropdown of the company's Autotask locations.
    const select = /<select id="setting-location-default"[\s\S]*?<\/select>/.exec(page.body)?.[0] ?? '';
    expect(textOf(select)).toContain('HQ');
    expect(textOf(select)).toContain('Annex');
  });

  it('refuse a location the company does not have, naming those it has', async () => {
    const page = await admin.get(tenantPage);
    expect(page.statusCode).toBe(200);
    const response = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, {
      location: { strategy: 'default', default: 'Nowhere' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Autotask\'s company \\"Contoso Ltd\\" has no \\"Nowhere\\"');
    expect(response.body).toContain('\\"HQ\\", \\"Annex\\"');
    const saved = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, {
      location: { strategy: 'default', default: 'Annex' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('refuse a contact type or an Autotask email type, saying why', async () => {
    const contactType = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, { contactType: 'Employee' });
    expect(contactType.statusCode).toBe(400);
    expect(contactType.body).toContain(
      "contactType: not used here: a documentation platform's setting, and this installation has Autotask alone",
    );
    const emailType = await api(linked.app, 'PUT', `/api/tenants/${TENANT_A}/settings`, { psa: { emailType: 'Work' } });
    expect(emailType.statusCode).toBe(400);
    expect(emailType.body).toContain('psa.emailType: not used here: Autotask has no email or phone types');
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

describe('Manage of a person in Autotask', () => {
  it('shows the office phone and the mobile phone each on its row, and escapes what Autotask holds', async () => {
    const page = await admin.get(contactPage('ann'));
    expect(page.statusCode).toBe(200);
    const mobile = /<tr[^>]*data-field="Mobile phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(mobile)).toContain('+1 206 555 0177');
    expect(page.body).not.toContain('<img src=x');
    expect(textOf(page.body)).not.toMatch(/email type|phone type|not in Autotask’s list/i);
  });

  it('links into Autotask’s web app when the zone’s address is known, else says how to have the link', async () => {
    const withLink = await admin.get(contactPage('ann'));
    expect(withLink.body).toContain(
      'href="https://ww5.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenContact&amp;ContactID=500"',
    );
    expect(withLink.body).not.toContain('data-hint="autotask-link"');
    const without = await plain.get(contactPage('ann'));
    expect(without.body).not.toContain('ExecuteCommand.aspx');
    expect(textOf(without.body)).toContain('Set autotask.webUrl in the config');
  });

  it('gives the same in the REST API: the fields, the link and the advice', async () => {
    const body = JSON.parse((await api(linked.app, 'GET', `/api/contacts/${TENANT_A}/ann`)).body);
    expect(body.tenant.autotaskCompanyId).toBe(1);
    expect(body.links.autotask).toContain('ContactID=500');
    expect(body.links.autotaskHint).toBeNull();
    expect(body.fields.find((f: { field: string }) => f.field === 'Mobile phone').autotask).toBe('+12065550177');
    const bare = JSON.parse((await api(unlinked, 'GET', `/api/contacts/${TENANT_A}/ann`)).body);
    expect(bare.links.autotask).toBeNull();
    expect(bare.links.autotaskHint).toContain('Set autotask.webUrl');
  });

  it('a new person’s history names the Autotask fields written in words', async () => {
    const text = textOf((await admin.get(contactPage('bo'))).body);
    expect(text).toMatch(/Autotask contact \d+/);
    const preview = textOf((await admin.get(`${tenantPage}/preview`)).body);
    expect(preview).not.toMatch(/Email type|Phone type/);
  });
});

describe('the controls of a person in Autotask', () => {
  it('Sync now shows each step, and Disable sync leaves the contact alone until enabled again', async () => {
    await admin.get(contactPage('bo'));
    const synced = await admin.post(`${contactPage('bo')}/sync-now`);
    expect(synced.statusCode).toBe(200);
    expect(synced.body).toContain('data-step="apply"');
    expect(synced.body).not.toContain('data-step="error"');
    expect(textOf(synced.body)).toContain('Disable sync with Autotask');
    expect((await admin.post(`${contactPage('bo')}/disable`, { leg: 'all' })).statusCode).toBe(303);
    const disabled = textOf((await admin.get(contactPage('bo'))).body);
    expect(disabled).toContain('Enable sync');
    expect(disabled).not.toContain('Disable sync with Autotask');
    expect((await admin.post(`${contactPage('bo')}/enable`)).statusCode).toBe(303);
    expect(textOf((await admin.get(contactPage('bo'))).body)).toContain('Disable sync with Autotask');
  });
});

describe('a dispute between two Autotask contacts', () => {
  it('shows each candidate’s other addresses and both phones as evidence, with links into Autotask', async () => {
    const page = await admin.get('/conflicts');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('cy.twin@private.example');
    expect(text).toMatch(/Phone \+12065550100 not given \+12065550199 differs/);
    expect(text).not.toContain('–');
    expect(page.body).toContain('ContactID=502');
  });
});

describe('a person disputed in Autotask', () => {
  it('has no Autotask contact yet because a decision waits, with a link to it, and no object id row', async () => {
    await expectDecisionWaits(linked, TENANT_A, 'cy', autotaskProfile);
    expect((await admin.get(contactPage('ann'))).body).not.toMatch(/object id/i);
  });
});

describe('the attention list of an Autotask installation', () => {
  it('names what Autotask requires and what releases the person', async () => {
    const text = textOf((await admin.get('/attention')).body);
    expect(text).toContain('Microsoft 365 has no last name for this user, and Autotask requires one.');
    expect(text).toContain('give the user a last name in Microsoft 365');
  });
});
