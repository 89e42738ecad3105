import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { TENANT_A, TENANT_B, user } from '../support/simulators.ts';
import { haloUser } from '../support/halo-cases.ts';
import { expectSyncNowAndDisable } from '../support/psa-cases.ts';
import { textOf, type Browser } from '../support/web.ts';
import { webSandbox, type WebSandbox } from '../support/web-sandbox.ts';
import { expectDecisionWaits, rowOf } from '../support/web-disputes.ts';
import { haloProfile } from '../../src/connectors/halo/profile.ts';

/**
 * HaloPSA alone, synced by the sandbox and seen in the web UI and the REST API as a technician sees them: the settings
 * Halo reads (no email or phone types), the client's sites as the named setting's choices, both phones side by side,
 * links into Halo's web app, the other addresses as evidence of a dispute, a user holding another person's object id
 * as a dispute of its own, and what Halo requires on the attention list.
 */

const seed = () =>
  parseSeed({
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        users: [
          // Halo holds her address as its second email: linked by it.
          user('ann', { givenName: 'Ann', surname: 'Lee', displayName: 'Ann Lee', mobilePhone: '+1 206 555 0177' }),
          // Nobody in Halo: created, with both phones.
          user('bo', { givenName: 'Bo', surname: 'Ng', displayName: 'Bo Ng', mobilePhone: '+1 206 555 0188' }),
          // Two Halo users of that name and neither has her address: a dispute.
          user('cy', { givenName: 'Cy', surname: 'Twin', displayName: 'Cy Twin' }),
          // No first name anywhere, which Halo requires: held, and on the attention list.
          user('dee', { givenName: null, surname: 'Dee', displayName: null }),
          // His address is on a Halo user that stands for someone of another tenant: a dispute, not a takeover.
          user('tom', { givenName: 'Tom', surname: 'Taken', displayName: 'Tom Taken' }),
        ],
      },
    ],
    halo: {
      clients: [
        {
          id: 1,
          name: 'Contoso (Seattle)',
          main_site_id: 12,
          azure_tenants: [{ azure_tenant_id: TENANT_A }],
          sites: [
            { id: 11, name: 'Annex' },
            { id: 12, name: 'HQ' },
          ],
          users: [
            haloUser(500, 'Ann', 'Lee', {
              jobtitle: '<img src=x onerror=alert(1)>',
              emailaddress: 'ann.lee@old.example',
              email2: 'ann@contoso.com',
              phonenumber: '+1 206 555 0100',
            }),
            haloUser(501, 'Cy', 'Twin', { emailaddress: 'cy1@elsewhere.example' }),
            haloUser(502, 'Cy', 'Twin', {
              emailaddress: 'cy2@elsewhere.example',
              email3: 'cy.twin@private.example',
              mobilenumber: '+1 206 555 0199',
            }),
            haloUser(503, 'Tom', 'Taken', {
              emailaddress: 'tom@contoso.com',
              azureoid: 'someone-else',
              azure_tenant_id: TENANT_B,
            }),
          ],
        },
      ],
    },
  });

let web: WebSandbox;
let admin: Browser;

beforeAll(async () => {
  web = await webSandbox(seed(), { halo: { baseUrl: 'https://msp.halopsa.com' } });
  admin = web.admin;
}, 120_000);

afterAll(async () => {
  await web?.close();
});

const tenantPage = `/tenants/${TENANT_A}`;
const contactPage = (userId: string) => `/contacts/${TENANT_A}/${userId}`;
const putSettings = async (payload: unknown) => {
  await admin.get(tenantPage);
  return admin.htmx('PUT', `/api/tenants/${TENANT_A}/settings`, payload);
};

describe('the settings of a Halo installation', () => {
  it('offer no email or phone type and no contact type, say what applies, and list the client’s sites', async () => {
    const page = await admin.get(tenantPage);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('name="psa.emailType"');
    expect(page.body).not.toContain('name="psa.phoneType"');
    expect(page.body).not.toContain('name="contactType"');
    expect(page.body).not.toContain('name="phones.blankReplacementEverywhere"');
    expect(textOf(page.body)).toContain(
      'Halo has no email or phone types: the primary email goes in its Email field, the office phone in Phone and the mobile phone in Mobile.',
    );
    // The default location is a dropdown of the client's Halo sites.
    const select = /<select id="setting-location-default"[\s\S]*?<\/select>/.exec(page.body)?.[0] ?? '';
    expect(textOf(select)).toContain('HQ');
    expect(textOf(select)).toContain('Annex');
  });

  it('refuse a site the client does not have, naming those it has', async () => {
    const response = await putSettings({ location: { strategy: 'default', default: 'Nowhere' } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('has no \\"Nowhere\\"');
    expect(response.body).toContain('\\"Annex\\"');
    expect(response.body).toContain('\\"HQ\\"');
    const saved = await putSettings({ location: { strategy: 'default', default: 'Annex' } });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('refuse a contact type or a Halo email type, saying why', async () => {
    const contactType = await putSettings({ contactType: 'Employee' });
    expect(contactType.statusCode).toBe(400);
    expect(contactType.body).toContain(
      "contactType: not used here: a documentation platform's setting, and this installation has Halo alone",
    );
    const emailType = await putSettings({ psa: { emailType: 'Work' } });
    expect(emailType.statusCode).toBe(400);
    expect(emailType.body).toContain('psa.emailType: not used here: Halo has no email or phone types');
  });
});

describe('the pages of a Halo installation', () => {
  it('answer in Halo’s words and name no other target: mapping, preview, alerts, dashboard', async () => {
    for (const path of ['/', tenantPage, `${tenantPage}/mapping`, `${tenantPage}/preview`, '/alerts', '/contacts']) {
      const page = await admin.get(path);
      expect(page.statusCode, path).toBe(200);
      expect(textOf(page.body), path).not.toMatch(/IT Glue|BMS|Autotask|ConnectWise|Hudu|Email type|Phone type/);
    }
    const mapping = textOf((await admin.get(`${tenantPage}/mapping`)).body);
    expect(mapping).toContain('Halo client');
    expect(mapping).toContain('Contoso (Seattle)');
    // Dee held (no first name), Cy and Tom disputed: the preview says so before anything is written.
    expect(textOf((await admin.get(`${tenantPage}/preview`)).body)).toMatch(/held \(1\) disputed \(2\)/);
  });
});

describe('Manage of a person in Halo', () => {
  it('shows the office phone and the mobile phone each on its row, and escapes what Halo holds', async () => {
    const page = await admin.get(contactPage('ann'));
    expect(page.statusCode).toBe(200);
    const mobile = /<tr[^>]*data-field="Mobile phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(mobile)).toContain('+1 206 555 0177');
    expect(page.body).not.toContain('<img src=x');
    expect(textOf(page.body)).toMatch(/Halo contact 500/);
    expect(textOf(page.body)).not.toMatch(/email type|phone type|not in Halo’s list/i);
  });

  it('shows the Azure object id Halo holds beside the user’s', async () => {
    const page = await admin.get(contactPage('ann'));
    expect(rowOf(page.body, 'Azure object id')).toBe('Azure object id ann ann');
  });

  it('says a disputed person has no Halo contact yet because a decision waits, with a link to it', async () => {
    await expectDecisionWaits(web, TENANT_A, 'cy', haloProfile);
  });

  it('links into Halo’s web app at the instance’s address', async () => {
    const page = await admin.get(contactPage('ann'));
    expect(page.body).toContain('href="https://msp.halopsa.com/customers?userid=500"');
  });

  it('gives the same in the REST API: the fields and the link', async () => {
    const response = await admin.get(`/api/contacts/${TENANT_A}/ann`);
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.tenant.haloClientId).toBe(1);
    expect(body.links.halo).toBe('https://msp.halopsa.com/customers?userid=500');
    expect(body.fields.find((f: { field: string }) => f.field === 'Mobile phone').halo).toBe('+12065550177');
    expect(body.link).toMatchObject({ docContactId: null, psaContactId: 500 });
  });
});

describe('the controls of a person in Halo', () => {
  it('Sync now shows each step, and Disable sync leaves the user alone until enabled again', async () => {
    await expectSyncNowAndDisable(admin, contactPage('bo'), 'Halo');
  });
});

describe('disputes in Halo', () => {
  it('show each namesake’s other addresses and both phones as evidence, with links into Halo', async () => {
    const page = await admin.get('/conflicts');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('cy.twin@private.example');
    expect(text).toMatch(/\+12065550199/);
    expect(page.body).toContain('customers?userid=502');
  });

  it('leave out the dates Halo does not give, and mark the empty side of a field as not given', async () => {
    const page = await admin.get('/conflicts');
    const cy = /<section[^>]*data-conflict="cy@contoso.com"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    expect(textOf(cy)).toContain('Halo 501 active');
    expect(textOf(cy)).not.toMatch(/made|changed|–/);
    // Microsoft 365 gives no office, Halo the site: the site stands alone, with nothing to compare it with.
    expect(rowOf(cy, 'Location')).toBe('Location not given HQ HQ');
    expect(rowOf(cy, 'Phone')).toBe('Phone +12065550100 not given +12065550199 differs');
  });

  it('show the active pill as wide as its word', async () => {
    const css = (await admin.get('/assets/app.css')).body;
    expect(css).toContain('.candidate-head .badge { align-self:flex-start; }');
  });

  it('show a user holding another person’s object id as a question for a person, with that id', async () => {
    const text = textOf((await admin.get('/conflicts')).body);
    expect(text).toContain(
      `Halo contact 503 has the user's email (or the same first and last name), but holds the Microsoft 365 object id of another user (someone-else, of tenant ${TENANT_B}): it may be that person's, so contactsync does not take it over.`,
    );
    expect(text).not.toContain('1 contacts');
    const tom = textOf((await admin.get(contactPage('tom'))).body);
    expect(tom).toMatch(/holds the Microsoft 365 object id of another user/);
    expect(web.box.sims.halo.user(503)).toMatchObject({ azureoid: 'someone-else', azure_tenant_id: TENANT_B });
  });
});

describe('linking by hand in Halo alone', () => {
  it('links a person to the Halo user a technician chose, which then gets the person’s object id', async () => {
    await admin.get(`${contactPage('tom')}/link`);
    const linked = await admin.post(`${contactPage('tom')}/link`, { system: 'halo', contact: '503' });
    expect(linked.statusCode, textOf(linked.body)).toBe(303);
    const page = await admin.get(contactPage('tom'));
    expect(textOf(page.body)).toContain('Halo contact 503');
    // Until the next sync, Halo still holds the other person's object id, and the page shows it differs.
    expect(rowOf(page.body, 'Azure object id')).toBe('Azure object id differs tom someone-else');
    expect((await admin.post(`${contactPage('tom')}/sync-now`)).statusCode).toBe(200);
    expect(web.box.sims.halo.user(503)).toMatchObject({ azureoid: 'tom', azure_tenant_id: TENANT_A });
    // The dispute is settled by the link.
    const conflicts = textOf((await admin.get('/conflicts')).body);
    expect(conflicts).toContain('1 open');
    expect(conflicts).toContain('tom@contoso.com Contoso Ltd Halo resolved link → 503');
  });
});

describe('the attention list of a Halo installation', () => {
  it('names what Halo requires and what releases the person', async () => {
    const text = textOf((await admin.get('/attention')).body);
    expect(text).toContain('Microsoft 365 has no first name for this user, and Halo requires one.');
    expect(text).toContain('give the user a first name in Microsoft 365');
  });
});
