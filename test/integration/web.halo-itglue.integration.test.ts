import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSeed, haloUser } from '../support/halo-cases.ts';
import { person } from '../support/autotask-cases.ts';
import { TENANT_A } from '../support/simulators.ts';
import { textOf, type Browser } from '../support/web.ts';
import { webSandbox, type WebSandbox } from '../support/web-sandbox.ts';
import { expectDecisionWaits, rowOf } from '../support/web-disputes.ts';
import { haloProfile } from '../../src/connectors/halo/profile.ts';

/**
 * IT Glue with HaloPSA, seen in the web UI: IT Glue's settings (its contact types) beside Halo's (no email or phone
 * types), and a person written to both, with both phones and links into both web apps.
 */

let web: WebSandbox;
let admin: Browser;

beforeAll(async () => {
  web = await webSandbox(
    caseSeed({
      install: 'itglue',
      users: [person('ann', 'Ann', 'Lee', { mobilePhone: '+1 425 555 0177' }), person('cy', 'Cy', 'Twin')],
      itglueContacts: [
        {
          id: '100',
          'first-name': 'Ann',
          'last-name': 'Lee',
          'location-id': '10',
          'contact-emails': [{ value: 'ann@contoso.com', primary: true, 'label-name': 'Work' }],
          'contact-phones': [],
        },
      ],
      haloUsers: [
        haloUser(500, 'Ann', 'Lee', { emailaddress: 'ann@contoso.com' }),
        // Two Halo users of his name, neither with his address: disputed in Halo, written to IT Glue.
        haloUser(501, 'Cy', 'Twin', { emailaddress: 'cy1@elsewhere.example' }),
        haloUser(502, 'Cy', 'Twin', { emailaddress: 'cy2@elsewhere.example' }),
      ],
    }),
    { itglue: { subdomain: 'msp' }, halo: { baseUrl: 'https://msp.halopsa.com' } },
  );
  admin = web.admin;
}, 120_000);

afterAll(async () => {
  await web?.close();
});

describe('IT Glue with Halo', () => {
  it('offers IT Glue’s contact types and Halo’s settings, without email or phone types', async () => {
    const page = await admin.get(`/tenants/${TENANT_A}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="contactType"');
    expect(page.body).toContain('name="psa.leaverContactType"');
    expect(page.body).not.toContain('name="psa.emailType"');
    expect(page.body).not.toContain('name="psa.phoneType"');
    expect(textOf(page.body)).toContain('Halo has no email or phone types');
  });

  it('shows a person in both with both phones and a link into each web app', async () => {
    const page = await admin.get(`/contacts/${TENANT_A}/ann`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('IT Glue contact 100');
    expect(text).toContain('Halo contact 500');
    expect(page.body).toContain('https://msp.itglue.com/');
    expect(page.body).toContain('href="https://msp.halopsa.com/customers?userid=500"');
    const mobile = /<tr[^>]*data-field="Mobile phone"[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(mobile)).toMatch(/\+1 425 555 0177 .*\+14255550177/);
    // Written to both: IT Glue mirrors no Halo contact.
    expect(text).not.toMatch(/mirrored/);
    // The Azure object id Halo holds, beside the user's; IT Glue keeps none.
    expect(rowOf(page.body, 'Azure object id')).toBe('Azure object id ann – ann');
  });

  it('says a person disputed in Halo has no Halo contact yet because a decision waits, with a link to it', async () => {
    await expectDecisionWaits(web, TENANT_A, 'cy', haloProfile);
    expect(textOf((await admin.get(`/contacts/${TENANT_A}/cy`)).body)).toMatch(
      /IT Glue contact \S+ · no Halo contact yet/,
    );
  });
});
