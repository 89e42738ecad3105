import { describe, expect, it } from 'vitest';
import { assetBody, fieldsOf, peopleLayout, toDocContact } from '../../src/connectors/hudu/asset-mapping.ts';
import { huduProfile } from '../../src/connectors/hudu/profile.ts';
import type { DocContact } from '../../src/domain/doc-contact.ts';
import type { DirectoryUser } from '../../src/domain/directory-user.ts';
import { actionWrites } from '../../src/domain/plan.ts';
import type { SettingsOverride } from '../../src/domain/settings.ts';
import { docMismatch } from '../../src/sync/contract-guard.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { graphUser, tenantInput } from '../support/builders.ts';

/** The layout of DESIGN.md's seed: no field for the other emails, nor for a place. */
const SEED_LAYOUT = peopleLayout(
  { id: '5', name: 'People', fields: [{ label: 'Title' }, { label: 'Phone' }, { label: 'Mobile' }] },
  {},
).layout;

/** A contact as Hudu gives it back once written: through the asset body and the read. */
function throughHudu(contact: DocContact): DocContact {
  const body = assetBody(fieldsOf(contact), null, SEED_LAYOUT);
  const fields = body.asset.custom_fields.flatMap((entry) => Object.entries(entry));
  return toDocContact(
    {
      id: contact.id,
      company_id: '1',
      name: body.asset.name,
      primary_mail: body.asset.primary_mail,
      fields: SEED_LAYOUT.labels.map((label) => ({
        label,
        value: fields.find(([key]) => key === label.toLowerCase())?.[1] ?? null,
      })),
    },
    SEED_LAYOUT,
  );
}

const USERS: DirectoryUser[] = [
  graphUser('u1', {
    givenName: 'Mary Ann',
    surname: 'Smith',
    proxyAddresses: ['SMTP:maryann.smith@contoso.com', 'smtp:mas@contoso.com', 'smtp:mary@sales.contoso.com'],
    mobilePhone: '+1 425 555 0199',
  }),
  graphUser('u2', {
    givenName: 'Ludwig',
    surname: 'van Beethoven',
    businessPhones: [],
    mobilePhone: '+1 425 555 0142',
  }),
  graphUser('u3', { givenName: 'Ann', surname: 'Lee', jobTitle: null, businessPhones: ['+1 206 555 0100 x42'] }),
];

function synced(settings: SettingsOverride): TenantSyncInput {
  const input = tenantInput({
    users: USERS,
    settings,
    targets: { doc: huduProfile, psa: null },
    psaContacts: null,
    docLocations: [],
  });
  const plan = planTenantSync(input);
  for (const action of plan.actions) {
    if (action.doc.kind !== 'create') continue;
    // The first create of a run is read back by the contract guard: it must find what it sent.
    const read = throughHudu({
      ...(toDocContact({ id: 'x', company_id: '1' }, SEED_LAYOUT) as DocContact),
      ...action.doc.fields,
    });
    expect(docMismatch(action.doc.fields, read, true)).toBeNull();
  }
  const applied = applyInMemory(input, plan);
  return { ...applied, doc: { ...applied.doc, contacts: applied.doc.contacts.map(throughHudu) } };
}

describe('people written to Hudu and read back', () => {
  it('plan no write the next time: names split at their last word, aliases and a place Hudu has no field for', () => {
    const state = synced({});
    const contact = (email: string) => state.doc.contacts.find((c) => c.emails[0]?.value === email);
    expect(contact('ludwig.vanbeethoven@contoso.com')).toMatchObject({
      firstName: 'Ludwig van',
      lastName: 'Beethoven',
    });
    expect(contact('maryann.smith@contoso.com')).toMatchObject({ unkept: ['otherEmails', 'location'] });
    expect(contact('maryann.smith@contoso.com')?.emails).toHaveLength(1);
    expect(planTenantSync(state).actions.filter(actionWrites)).toEqual([]);
  });

  it('plan no write the next time when the mobile is the primary phone', () => {
    const state = synced({ phones: { primaryType: 'mobile' } });
    expect(planTenantSync(state).actions.filter(actionWrites)).toEqual([]);
  });

  it('write a change of the title, and only that', () => {
    const state = synced({});
    const next = tenantInput({
      users: USERS.map((u) => (u.id === 'u3' ? { ...u, jobTitle: 'CFO' } : u)),
      targets: { doc: huduProfile, psa: null },
    });
    const writes = planTenantSync({ ...state, users: next.users }).actions.filter(actionWrites);
    expect(writes.map((a) => a.doc)).toEqual([
      expect.objectContaining({
        kind: 'update',
        patch: { title: 'CFO' },
        diffs: [{ field: 'title', old: null, new: 'CFO' }],
      }),
    ]);
  });
});
