import { describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { demoSeedOn, sandboxTarget, SANDBOX_TARGETS } from '../../src/sandbox/sandbox-targets.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';

const on = (doc: string | null, psa: string | null) =>
  parseSeed(
    demoSeedOn({ doc: doc === null ? null : sandboxTarget(doc), psa: psa === null ? null : sandboxTarget(psa) }),
    'the demo',
  );
const demo = demoSeed();
const itglueContacts = demo.itglue!.organizations.flatMap((o) => o.contacts);
const bmsContacts = demo.bms!.accounts.flatMap((a) => a.contacts);

describe('the demo on other targets', () => {
  it('is the demo itself on IT Glue and BMS, byte for byte', () => {
    expect(JSON.stringify(demoSeedOn({ doc: sandboxTarget('itglue'), psa: sandboxTarget('bms') }))).toBe(
      JSON.stringify(demoSeed()),
    );
  });

  it('gives Autotask the BMS people: same ids, names, emails, phones in the slot of their type, and who is inactive', () => {
    const seed = on('itglue', 'autotask');
    expect(seed.bms).toBeUndefined();
    expect(seed.autotask!.companies.map((c) => c.companyName)).toEqual(demo.bms!.accounts.map((a) => a.name));
    const mobileType = demo.bms!.phoneTypes.find((t) => t.name === 'Mobile')!.id;
    const contacts = seed.autotask!.companies.flatMap((c) => c.contacts);
    expect(contacts).toHaveLength(bmsContacts.length);
    for (const [i, bms] of bmsContacts.entries()) {
      const at = contacts[i]!;
      expect([at.id, at.firstName, at.lastName, at.emailAddress, at.isActive]).toEqual([
        bms.id,
        bms.firstName,
        bms.lastName,
        bms.emailAddress,
        bms.isActive ? 1 : 0,
      ]);
      expect(bms.phoneTypeId === mobileType ? at.mobilePhone : at.phone).toBe(bms.phoneNumber);
    }
    expect(contacts.some((c) => c.isActive === 0)).toBe(true);
    // IT Glue's Autotask integration mirrors the same contacts the demo's BMS integration did.
    expect(seed.simulate.itglue.psaSynced).toEqual(demo.simulate.itglue.psaSynced);
    const mirrored = seed.itglue!.organizations.flatMap((o) => o.contacts).filter((c) => c['psa-integration'] !== null);
    expect(mirrored.map((c) => c['psa-integration'])).toEqual(mirrored.map(() => 'autotask'));
    expect(mirrored.length).toBe(Object.keys(demo.simulate.itglue.psaSynced).length);
  });

  it('gives Hudu the IT Glue people as assets of a People layout, and mirrors nothing', () => {
    const seed = on('hudu', 'bms');
    expect(seed.itglue).toBeUndefined();
    expect(seed.hudu!.assetLayouts.map((l) => l.name)).toEqual(['People']);
    const assets = seed.hudu!.companies.flatMap((c) => c.assets);
    expect(assets.map((a) => a.id)).toEqual(itglueContacts.map((c) => Number(c.id)));
    for (const [i, contact] of itglueContacts.entries()) {
      const emails = contact['contact-emails'];
      expect(assets[i]!.primary_mail).toBe((emails.find((e) => e.primary) ?? emails[0])?.value ?? null);
      expect(assets[i]!.name).toBe([contact['first-name'], contact['last-name']].filter(Boolean).join(' '));
    }
    expect(seed.simulate.itglue.psaSynced).toEqual({});
    // Hudu has no location records: each customer's first place is its default.
    expect(seed.tenants.map((t) => (t.settings.location as { default?: string }).default)).toEqual(
      demo.itglue!.organizations.map((o) => o.locations[0]!.name),
    );
    expect(seed.tenants[2]!.settings).toMatchObject({ location: { strategy: 'officeLocation' } });
  });

  it('keeps no mirrored IT Glue contact without a PSA, and the PSA alone has no documentation records', () => {
    const alone = on('itglue', null);
    expect(alone.simulate.itglue.psaSynced).toEqual({});
    expect(alone.itglue!.organizations.flatMap((o) => o.contacts).every((c) => c['psa-integration'] === null)).toBe(
      true,
    );
    const psa = on(null, 'autotask');
    expect(Object.keys(psa).filter((key) => SANDBOX_TARGETS.some((t) => t.id === key))).toEqual(['autotask']);
    expect(psa.tenants).toEqual(parseSeed(demo, 'the demo').tenants);
  });
});
