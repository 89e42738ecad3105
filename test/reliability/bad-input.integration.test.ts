import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';

/**
 * Bad input: Graph users with missing or odd names, 1,000-character fields, emoji, right-to-left text, control
 * characters, invalid phones, duplicate and case-variant addresses, missing mail. The run never crashes, every user
 * ends with a contact or a readable reason, and IT Glue and BMS never receive a request they refuse as malformed.
 */
const odd = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom(
    'José',
    'Zoë',
    '李',
    'محمد',
    'עִברִית',
    '😀 Smile',
    'A\u0000B',
    '\u202eevil',
    'x'.repeat(1000),
    "O'Brien-Smythe",
  ),
);
const phone = fc.oneof(
  fc.constant(null),
  fc.constantFrom(
    '+1 206 555 0100',
    '020 7946 0958',
    '555',
    'call me',
    '+44 (0) 20 7946 0958 ext. 12',
    '0'.repeat(40),
    '☎ 12',
  ),
);

const userArbitrary = fc.record({
  given: odd,
  surname: odd,
  display: odd,
  title: odd,
  local: fc.oneof(fc.constantFrom('ann', 'ANN', 'bob', 'x'.repeat(80)), fc.stringMatching(/^[a-z]{1,8}$/)),
  mailKind: fc.constantFrom('same', 'missing', 'invalid', 'upper'),
  aliases: fc.array(fc.constantFrom('Ann@contoso.com', 'ann@contoso.com', 'smtp:bad', 'bob@Contoso.com', 'x@'), {
    maxLength: 3,
  }),
  phone,
  mobile: phone,
});

describe('bad Graph input', () => {
  it('never crashes a run; every user gets a contact or a reason; IT Glue and BMS refuse nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userArbitrary, { minLength: 1, maxLength: 25 }), async (generated) => {
        const users = generated.map((g, i) => {
          const local = `${g.local}${i}`;
          const upn = `${local}@contoso.com`;
          return {
            id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            userPrincipalName: upn,
            displayName: g.display,
            givenName: g.given,
            surname: g.surname,
            mail:
              g.mailKind === 'missing'
                ? null
                : g.mailKind === 'invalid'
                  ? 'not an address'
                  : g.mailKind === 'upper'
                    ? upn.toUpperCase()
                    : upn,
            proxyAddresses: [`SMTP:${upn}`, ...g.aliases.map((a) => (a.startsWith('smtp:') ? a : `smtp:${a}`))],
            businessPhones: g.phone === null ? [] : [g.phone],
            mobilePhone: g.mobile,
            jobTitle: g.title,
            accountEnabled: true,
            userType: 'Member',
            assignedLicenses: [{ skuId: 'sku' }],
            usageLocation: 'US',
          };
        });
        const seed = parseSeed({
          tenants: [
            {
              id: '11111111-1111-4111-8111-111111111111',
              displayName: 'Contoso Ltd',
              initialDomain: 'contoso.onmicrosoft.com',
              users,
              settings: { phones: { blankReplacement: '000-000-0000' } },
            },
          ],
          itglue: {
            organizations: [{ id: '1', name: 'Contoso Ltd', locations: [{ id: '10', name: 'HQ', primary: true }] }],
            contactTypes: [{ id: '1', name: 'Employee' }],
          },
          bms: {
            accounts: [{ id: 1, name: 'Contoso Ltd', locations: [{ id: 11, name: 'HQ', isMain: true }] }],
            emailTypes: [{ id: 1, name: 'Work' }],
            phoneTypes: [{ id: 1, name: 'Office' }],
          },
        });
        const box = await startSandbox({ seed, logger: pino({ level: 'silent' }) });
        try {
          const [result] = await box.syncAll({ force: true });
          expect(result!.status, result!.error ?? '').toBe('ok');
          expect(result!.users).toHaveLength(users.length);
          for (const user of result!.users) {
            const written = user.docContactId !== null;
            expect(
              written || user.reasons.length > 0,
              `${user.userPrincipalName}: neither a contact nor a reason`,
            ).toBe(true);
            for (const r of user.reasons) expect(r.message.length).toBeGreaterThan(10);
          }
          const refused = box.sims.requests.filter(
            (r) => (r.server === 'itglue' || r.server === 'bms') && r.status >= 400 && r.status < 500,
          );
          expect(refused.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([]);
          // And a second run has nothing left to write.
          const before = box.sims.requests.length;
          await box.syncAll({ force: true });
          expect(
            box.sims.requests
              .slice(before)
              .filter((r) => r.server !== 'login' && r.method !== 'GET' && !r.route.includes('authenticate')),
          ).toEqual([]);
        } finally {
          await box.close();
        }
      }),
      { numRuns: process.env.CONTACTSYNC_LONG_RELIABILITY === '1' ? 200 : 15 },
    );
  }, 300_000);
});
