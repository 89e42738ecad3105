import { describe, expect, it } from 'vitest';
import {
  apiBaseOf,
  contactsByEmail,
  contactsOfCompany,
  errorsOf,
  locationItem,
  meaningOfAnswer,
  queryPage,
  thresholdAnswer,
} from '../../src/connectors/autotask/wire.ts';
import { autotaskWebApp } from '../../src/connectors/autotask/config.ts';
import { apiLimitOf } from '../../src/connectors/api-budgets.ts';
import { configSchema } from '../../src/config/config-file.ts';

describe("Autotask's wire", () => {
  it('reads the API base from the zone, with or without its trailing slash or version', () => {
    expect(apiBaseOf('https://webservices5.autotask.net/atservicesrest/')).toBe(
      'https://webservices5.autotask.net/atservicesrest/v1.0/',
    );
    expect(apiBaseOf('https://webservices5.autotask.net/atservicesrest')).toBe(
      'https://webservices5.autotask.net/atservicesrest/v1.0/',
    );
    expect(apiBaseOf('http://127.0.0.1:4004/atservicesrest/v1.0')).toBe('http://127.0.0.1:4004/atservicesrest/v1.0/');
    // A bare host, as a person may give it.
    expect(apiBaseOf('http://127.0.0.1:18204')).toBe('http://127.0.0.1:18204/atservicesrest/v1.0/');
  });

  it('queries 500 contacts a page with their ids, and an email in any of the three address fields', () => {
    expect(contactsOfCompany(7)).toMatchObject({
      MaxRecords: 500,
      Filter: [{ op: 'eq', field: 'companyID', value: 7 }],
    });
    const byEmail = contactsByEmail(7, 'ann@contoso.com');
    expect(byEmail.IncludeFields).toContain('id');
    expect(byEmail.Filter).toEqual([
      { op: 'eq', field: 'companyID', value: 7 },
      {
        op: 'or',
        items: [
          { op: 'eq', field: 'emailAddress', value: 'ann@contoso.com' },
          { op: 'eq', field: 'emailAddress2', value: 'ann@contoso.com' },
          { op: 'eq', field: 'emailAddress3', value: 'ann@contoso.com' },
        ],
      },
    ]);
  });

  it('reads a page and its next page, the last one with none', () => {
    const page = queryPage.parse({
      items: [{ id: 1 }],
      pageDetails: { count: 1, requestCount: 500, prevPageUrl: null, nextPageUrl: 'https://x/next' },
    });
    expect(page.pageDetails.nextPageUrl).toBe('https://x/next');
    expect(queryPage.parse({ items: [], pageDetails: { count: 0, nextPageUrl: null } }).pageDetails.nextPageUrl).toBe(
      null,
    );
  });

  it('tells a refused record (500 with errors) from throttling and from a plain failure', () => {
    expect(meaningOfAnswer(500, { errors: ['firstName is required.'] })).toBe('refused');
    expect(meaningOfAnswer(500, { errors: ['Thread Threshold Exceeded for this endpoint'] })).toBe('throttled');
    expect(meaningOfAnswer(429, {})).toBe('throttled');
    expect(meaningOfAnswer(500, {})).toBeNull();
    // A failure of the server is tried again, not reported as the record's fault.
    expect(meaningOfAnswer(500, { errors: ['An unexpected error has occurred.'] })).toBeNull();
    expect(meaningOfAnswer(502, undefined)).toBeNull();
    expect(errorsOf({ errors: [] })).toBeNull();
  });

  it("reads the database's hourly limit and its use, the window in minutes", () => {
    expect(
      thresholdAnswer.parse({
        externalRequestThreshold: 10000,
        requestThresholdTimeframe: 60,
        currentTimeframeRequestCount: 124,
      }),
    ).toEqual({ limit: 10000, windowMs: 3_600_000, used: 124 });
  });

  it("reads a location's primary flag as the main location", () => {
    expect(locationItem.parse({ id: 11, name: 'HQ', isPrimary: true, isActive: true })).toEqual({
      id: 11,
      name: 'HQ',
      isMain: true,
      isActive: true,
    });
  });

  it("links a contact into the zone's web app, and says what to set when the zone is unknown", () => {
    const links = autotaskWebApp({ userName: 'api@msp.com', integrationCode: 'X', webUrl: 'https://ww5.autotask.net' });
    expect(links.contactPage('1', '30')).toBe(
      'https://ww5.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenContact&ContactID=30',
    );
    expect(links.missingLink).toBeNull();
    const none = autotaskWebApp({ userName: 'api@msp.com', integrationCode: 'X' });
    expect(none.contactPage('1', '30')).toBeNull();
    expect(none.missingLink).toMatch(/autotask\.webUrl/);
  });

  it("spends half of the database's 10,000 requests an hour by default, and the share apiLimits gives", () => {
    expect(apiLimitOf('autotask')).toEqual({ limit: 5000, windowMs: 3_600_000 });
    const limits = configSchema.shape.apiLimits.parse({ autotask: { share: 0.8 } });
    expect(apiLimitOf('autotask', limits.autotask)).toEqual({ limit: 8000, windowMs: 3_600_000 });
  });
});
