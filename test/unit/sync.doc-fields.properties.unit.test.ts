import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveSettings } from '../../src/domain/settings.ts';
import { normalizeDirectoryUser } from '../../src/normalize/directory-user.ts';
import { planDocFields, type DocFieldContext } from '../../src/sync/doc-fields.ts';
import { docContact, graphUser } from '../support/builders.ts';

const ADDRESSES = ['ann@contoso.com', 'ANN@contoso.com', 'sam@contoso.com', 'li@sales.contoso.com', 'not an address'];
const PHONES = ['+1 415 555 2671', '415-555-2671', '+1 415 555 2671 ext. 12', '020 7946 0958', '555', ''];
const HQ = { id: '10', name: 'HQ', primary: true };
const BRANCH = { id: '11', name: 'Branch', primary: false };

const scenario = fc.record({
  givenName: fc.option(fc.constantFrom('Ann', '  José ', 'A'.repeat(30))),
  surname: fc.option(fc.constantFrom('Lee', 'Peña')),
  title: fc.option(fc.constantFrom('Engineer', 'Chief '.repeat(10))),
  mail: fc.option(fc.constantFrom(...ADDRESSES)),
  proxies: fc.uniqueArray(fc.constantFrom(...ADDRESSES), { maxLength: 3 }),
  upn: fc.constantFrom('ann@contoso.onmicrosoft.com', 'sam@contoso.com'),
  phone: fc.constantFrom(...PHONES),
  mobile: fc.option(fc.constantFrom(...PHONES)),
  officeLocation: fc.option(fc.constantFrom('Branch', 'Nowhere')),
  primaryEmail: fc.constantFrom('primarySmtp' as const, 'upn' as const),
  setPrimary: fc.boolean(),
  primaryType: fc.constantFrom('office' as const, 'mobile' as const),
  blankReplacement: fc.constantFrom(null, 'tenantMain', '+1 415 555 2671', '000-000-0000'),
  strategy: fc.constantFrom('default' as const, 'officeLocation' as const),
  locations: fc.constantFrom([HQ, BRANCH], [BRANCH], []),
  textLimit: fc.constantFrom(Number.POSITIVE_INFINITY, 20),
});

describe('planDocFields for a contact that does not exist yet', () => {
  it('gives what merging into an empty contact gives: fields, primary email and phone, owned values, notes', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const settings = resolveSettings({
          primaryEmail: s.primaryEmail,
          phones: { setPrimary: s.setPrimary, primaryType: s.primaryType, blankReplacement: s.blankReplacement },
          location: { strategy: s.strategy },
        });
        const user = normalizeDirectoryUser(
          graphUser('u1', {
            givenName: s.givenName,
            surname: s.surname,
            jobTitle: s.title,
            mail: s.mail,
            proxyAddresses: s.proxies.map((a, i) => `${i === 0 ? 'SMTP' : 'smtp'}:${a}`),
            userPrincipalName: s.upn,
            businessPhones: s.phone === '' ? [] : [s.phone],
            mobilePhone: s.mobile,
            officeLocation: s.officeLocation,
          }),
          { splitDisplayName: true, defaultRegion: 'US' },
        );
        const replacementKey =
          s.blankReplacement === null ? null : s.blankReplacement === '000-000-0000' ? '0000000000' : '+14155552671';
        const context: DocFieldContext = {
          settings,
          words: itglueProfile.words,
          locationsById: new Map(s.locations.map((l) => [l.id, l])),
          locationsByName: new Map(s.locations.map((l) => [l.name.toLowerCase(), l])),
          defaultLocation: s.locations.find((l) => l.primary) ?? null,
          newContactTypeId: '7',
          replacementPhone:
            replacementKey === null
              ? null
              : { key: replacementKey, digits: replacementKey.replace('+1', ''), psaValue: replacementKey },
          callingCode: '1',
          region: 'US',
          textLimit: s.textLimit,
        };
        const created = planDocFields(user, null, [], null, context);
        const merged = planDocFields(user, docContact('c1', { contactTypeId: '7' }), [], null, context);
        expect(created.fields).toEqual(merged.fields);
        expect(created.primaryEmail).toBe(merged.primaryEmail);
        expect(created.primaryPhone).toEqual(merged.primaryPhone);
        expect(created.ownedEmails).toEqual(merged.ownedEmails);
        expect(created.ownedPhones).toEqual(merged.ownedPhones);
        expect(created.notes).toEqual(merged.notes);
        expect(created.diffs).toEqual([]);
      }),
      { numRuns: 2000 },
    );
    // 2,000 generated users take about a second alone, and several times that on a loaded machine.
  }, 30_000);
});
