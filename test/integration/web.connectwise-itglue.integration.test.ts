import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSeed, cwContact } from '../support/connectwise-cases.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { textOf, type Browser } from '../support/web.ts';
import { webSandbox, type WebSandbox } from '../support/web-sandbox.ts';

/**
 * IT Glue with ConnectWise PSA, seen in the web UI: IT Glue's settings (its contact types) beside ConnectWise's (its
 * communication types named in the config), and a person IT Glue's ConnectWise integration (`manage`) mirrors, with
 * links into both web apps.
 */

const seed = () =>
  caseSeed({
    install: 'itglue',
    users: [user('ann', { givenName: 'Ann', surname: 'Lee', displayName: 'Ann Lee', mobilePhone: '+1 425 555 0177' })],
    itglueContacts: [
      {
        id: '100',
        'first-name': 'Ann',
        'last-name': 'Lee',
        title: null,
        'location-id': '10',
        'contact-emails': [{ value: 'ann@contoso.com', primary: true, 'label-name': 'Work' }],
        'contact-phones': [],
      },
    ],
    contacts: [cwContact(500, 'Ann', 'Lee', { emails: ['ann@contoso.com'] })],
    // IT Glue's ConnectWise integration keeps contact 100 in step with ConnectWise contact 500.
    psaSynced: { '100': 500 },
  });

let web: WebSandbox;
let admin: Browser;

beforeAll(async () => {
  web = await webSandbox(seed(), {
    itglue: { subdomain: 'msp' },
    connectwise: { site: 'eu.myconnectwise.net', codebase: 'v2025_1/' },
  });
  admin = web.admin;
}, 120_000);

afterAll(async () => {
  await web?.close();
});

describe('IT Glue with ConnectWise', () => {
  it('offers IT Glue’s contact types, and none of the type settings ConnectWise does not read', async () => {
    const page = await admin.get(`/tenants/${TENANT_A}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="contactType"');
    expect(page.body).toContain('name="psa.leaverContactType"');
    expect(page.body).not.toContain('name="psa.emailType"');
    expect(page.body).not.toContain('name="psa.phoneType"');
    expect(textOf(page.body)).toContain('ConnectWise types emails and phones by its communication types');
  });

  it('says the default location names an IT Glue location and the ConnectWise site of that name', async () => {
    const page = await admin.get(`/tenants/${TENANT_A}`);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain(
      "An IT Glue location of the organization, by name; ConnectWise takes the site of that name, else the company's main site. Empty: its primary location. Locations and sites are never created.",
    );
  });

  it('shows a person IT Glue mirrors from ConnectWise with both phones and a link into each web app', async () => {
    const page = await admin.get(`/contacts/${TENANT_A}/ann`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('IT Glue contact 100');
    expect(text).toContain('ConnectWise contact 500');
    expect(page.body).toContain('https://msp.itglue.com/');
    expect(page.body).toContain(
      'https://eu.myconnectwise.net/v2025_1/services/system_io/router/openrecord.rails?locale=en_US&amp;recordType=ContactFV&amp;recid=500',
    );
    const mobile = /<tr[^>]*data-field="Mobile phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(mobile)).toMatch(/\+1 425 555 0177 .*\+14255550177/);
    // Changed through ConnectWise alone: IT Glue's integration carries it back.
    expect(text).toMatch(/mirrored/);
  });
});
