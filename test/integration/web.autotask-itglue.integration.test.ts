import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { textOf, type Browser } from '../support/web.ts';
import { webSandbox, type WebSandbox } from '../support/web-sandbox.ts';

/**
 * IT Glue with Autotask PSA, seen in the web UI: IT Glue's settings (its contact types) beside Autotask's (no email or
 * phone types), and a person IT Glue's Autotask integration mirrors, with links into both web apps.
 */

const seed = () =>
  parseSeed({
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        users: [
          user('ann', { givenName: 'Ann', surname: 'Lee', displayName: 'Ann Lee', mobilePhone: '+1 425 555 0177' }),
        ],
      },
    ],
    itglue: {
      organizations: [
        {
          id: '1',
          name: 'Contoso Ltd',
          locations: [{ id: '10', name: 'HQ', primary: true }],
          contacts: [
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
        },
      ],
      contactTypes: [{ id: '1', name: 'Employee' }],
    },
    autotask: {
      companies: [
        {
          id: 1,
          companyName: 'Contoso Ltd',
          locations: [{ id: 11, name: 'HQ', isPrimary: true }],
          contacts: [
            {
              id: 500,
              firstName: 'Ann',
              lastName: 'Lee',
              title: null,
              emailAddress: 'ann@contoso.com',
              emailAddress2: null,
              emailAddress3: null,
              phone: null,
              mobilePhone: null,
              companyLocationID: 11,
              isActive: 1,
            },
          ],
        },
      ],
    },
    // IT Glue's Autotask integration keeps contact 100 in step with Autotask contact 500.
    simulate: { itglue: { psaSynced: { '100': 500 } } },
  });

let web: WebSandbox;
let admin: Browser;

beforeAll(async () => {
  web = await webSandbox(seed(), { itglue: { subdomain: 'msp' }, autotask: { webUrl: 'https://ww5.autotask.net/' } });
  admin = web.admin;
}, 120_000);

afterAll(async () => {
  await web?.close();
});

describe('IT Glue with Autotask', () => {
  it('offers IT Glue’s contact types and Autotask’s settings, without email or phone types', async () => {
    const page = await admin.get(`/tenants/${TENANT_A}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="contactType"');
    expect(page.body).toContain('name="psa.leaverContactType"');
    expect(page.body).not.toContain('name="psa.emailType"');
    expect(page.body).not.toContain('name="psa.phoneType"');
    expect(textOf(page.body)).toContain('Autotask has no email or phone types');
  });

  it('shows a person IT Glue mirrors from Autotask with both phones and a link into each web app', async () => {
    const page = await admin.get(`/contacts/${TENANT_A}/ann`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('IT Glue contact 100');
    expect(text).toContain('Autotask contact 500');
    expect(page.body).toContain('https://msp.itglue.com/');
    expect(page.body).toContain('ExecuteCommand.aspx?Code=OpenContact&amp;ContactID=500');
    const mobile = /<tr[^>]*data-field="Mobile phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(mobile)).toMatch(/\+1 425 555 0177 .*\+14255550177/);
    // Changed through Autotask alone: IT Glue's integration carries it back.
    expect(text).toMatch(/mirrored/);
  });
});
