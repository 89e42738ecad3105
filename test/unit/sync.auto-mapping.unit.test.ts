import { describe, expect, it } from 'vitest';
import { closestFirst, nameCloseness } from '../../src/normalize/name-closeness.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { autoMapping } from '../../src/sync/auto-mapping.ts';

const orgs = [
  { id: '1', name: 'Contoso Ltd' },
  { id: '2', name: 'Fabrikam GmbH' },
  { id: '3', name: 'Adatum Corp' },
];
const accounts = [
  { id: 1, name: 'Contoso Ltd' },
  { id: 2, name: 'Fabrikam GmbH' },
];
const targets = { doc: itglueProfile, psa: bmsProfile };
const none = { organizations: new Set<string>(), accounts: new Set<number>() };

describe('mapping a tenant by name', () => {
  it('maps both systems when each has the name, case and accents ignored', () => {
    expect(autoMapping('CONTOSO  ltd', orgs, accounts, none, targets)).toEqual({
      kind: 'map',
      organization: orgs[0],
      account: accounts[0],
      note: null,
    });
  });

  it('maps IT Glue alone when BMS has no account of the name, saying so', () => {
    const mapped = autoMapping('Adatum Corp', orgs, accounts, none, targets);
    expect(mapped).toMatchObject({ kind: 'map', organization: orgs[2], account: null });
    expect(mapped.note).toMatch(/^BMS has no account named "Adatum Corp": only IT Glue is synced/);
  });

  it('leaves a tenant unmapped with the system that lacks its name', () => {
    expect(autoMapping('Tailspin', orgs, accounts, none, targets)).toEqual({
      kind: 'unmapped',
      note: 'IT Glue has no organization named "Tailspin", and BMS has no account of that name: map it on its page, or with contactsync tenants map.',
    });
    expect(autoMapping('Tailspin', orgs, null, none, targets).note).toMatch(
      /^IT Glue has no organization named "Tailspin": /,
    );
  });

  it('never takes by name what another tenant uses', () => {
    const taken = { organizations: new Set(['1']), accounts: new Set<number>() };
    expect(autoMapping('Contoso Ltd', orgs, accounts, taken, targets).kind).toBe('unmapped');
    const account = { organizations: new Set<string>(), accounts: new Set([1]) };
    expect(autoMapping('Contoso Ltd', orgs, accounts, account, targets)).toMatchObject({
      kind: 'unmapped',
      note: expect.stringMatching(/BMS account "Contoso Ltd" is already mapped to another tenant/),
    });
  });
});

describe('mapping a tenant by name with one role alone', () => {
  it('maps the PSA alone in a PSA-only installation, and names the PSA when it lacks the name', () => {
    const psaOnly = { doc: null, psa: bmsProfile };
    expect(autoMapping('Contoso Ltd', null, accounts, none, psaOnly)).toEqual({
      kind: 'map',
      organization: null,
      account: accounts[0],
      note: null,
    });
    expect(autoMapping('Adatum Corp', null, accounts, none, psaOnly)).toEqual({
      kind: 'unmapped',
      note: 'BMS has no account named "Adatum Corp": map it on its page, or with contactsync tenants map.',
    });
  });

  it('maps the documentation platform alone in a documentation-only installation, with nothing to add', () => {
    const docOnly = { doc: itglueProfile, psa: null };
    expect(autoMapping('Adatum Corp', orgs, null, none, docOnly)).toEqual({
      kind: 'map',
      organization: orgs[2],
      account: null,
      note: null,
    });
  });
});

describe('names close to a tenant', () => {
  it('ranks the same customer under another legal form above other customers', () => {
    expect(nameCloseness('Contoso Ltd', 'contoso ltd')).toBe(1);
    expect(nameCloseness('Contoso, Inc.', 'Contoso Ltd')).toBeGreaterThan(
      nameCloseness('Fabrikam GmbH', 'Contoso Ltd'),
    );
    expect(closestFirst(orgs, 'Adatum Corporation')[0]?.name).toBe('Adatum Corp');
  });
});
