import { describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { huduProfile } from '../../src/connectors/hudu/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import type { DocRequiredField } from '../../src/domain/doc-required-field.ts';
import { actionWrites } from '../../src/domain/plan.ts';
import type { Targets } from '../../src/domain/target-profile.ts';
import { planTenantSync } from '../../src/sync/plan.ts';
import { docReportOf } from '../../src/sync/report.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { docContact, graphUser, link, tenantInput, type InputParts } from '../support/builders.ts';

const HUDU_AND_BMS: Targets = { doc: huduProfile, psa: bmsProfile };
const HUDU_ALONE: Targets = { doc: huduProfile, psa: null };

/** A layout field contactsync does not fill, and one it fills with the job title. */
const DEPARTMENT: DocRequiredField = { label: 'Department', field: null, remedy: 'Make it optional.' };
const TITLE: DocRequiredField = { label: 'Job Title', field: 'title' };

function plan(parts: InputParts, required: readonly DocRequiredField[]) {
  const input = tenantInput(parts);
  const withRequired = { ...input, doc: { ...input.doc, requiredFields: required } };
  return { input: withRequired, plan: planTenantSync(withRequired) };
}

const ann = graphUser('u1', { givenName: 'Ann', surname: 'Lee' });

describe('a person lacking a field the documentation platform requires', () => {
  it('is held from that platform alone, naming the field, and still goes to the PSA', () => {
    const { plan: planned } = plan({ users: [ann], targets: HUDU_AND_BMS }, [DEPARTMENT]);
    const action = planned.actions[0]!;
    expect(action.outcome).toBe('held');
    expect(action.doc).toEqual({ kind: 'held', contactId: null });
    expect(docReportOf(action.doc)).toBe('held');
    expect(action.psa).toMatchObject({ kind: 'create', fields: { firstName: 'Ann', lastName: 'Lee' } });
    expect(action.reasons).toContainEqual({
      code: 'hudu-required-field',
      field: 'Department',
      message:
        'Hudu requires "Department", which contactsync does not fill: nothing is written to Hudu for this user. Make it optional.',
    });
  });

  it('is held on a mapped field only when there is no value, and created when there is', () => {
    const noTitle = graphUser('u2', { givenName: 'Bo', surname: 'Kim', jobTitle: null });
    const { plan: planned } = plan({ users: [ann, noTitle], targets: HUDU_ALONE, psaContacts: null }, [TITLE]);
    const [withTitle, without] = planned.actions;
    expect(withTitle).toMatchObject({ outcome: 'synced', doc: { kind: 'create' } });
    expect(without).toMatchObject({ outcome: 'held', doc: { kind: 'held', contactId: null } });
    expect(without!.reasons.find((r) => r.code === 'hudu-required-field')?.message).toBe(
      'Hudu requires "Job Title" (the job title), and there is no value for this user: nothing is written to Hudu for this user.',
    );
  });

  it('keeps a contact that already has the field: an update is held only when it would empty a mapped field', () => {
    const contact = docContact('500', {
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'CFO',
      locationId: '10',
      emails: [{ value: 'ann.lee@contoso.com', primary: true, label: 'Work' }],
      phones: [{ value: '4155550199', extension: null, primary: true, label: 'Work' }],
    });
    const parts = {
      users: [{ ...ann, jobTitle: null }],
      contacts: [contact],
      links: [link('u1', '500')],
      targets: HUDU_ALONE,
      psaContacts: null,
    };
    // A blank title never overwrites: the asset keeps "CFO", and a field contactsync does not fill is the asset's own.
    const kept = plan(parts, [TITLE, DEPARTMENT]).plan.actions[0]!;
    expect(kept).toMatchObject({ outcome: 'synced', doc: { kind: 'update', contactId: '500' } });
    const erased = plan({ ...parts, settings: { blankNeverOverwrites: false } }, [TITLE]).plan.actions[0]!;
    expect(erased).toMatchObject({ outcome: 'held', doc: { kind: 'held', contactId: '500' } });
    // A field made required after the contact was made, empty on it: Hudu would refuse the update.
    const blank = { ...parts, contacts: [{ ...contact, requiredBlank: ['Department'] }] };
    const refused = plan(blank, [TITLE, DEPARTMENT]).plan.actions[0]!;
    expect(refused).toMatchObject({ outcome: 'held', doc: { kind: 'held', contactId: '500' } });
    expect(refused.reasons.map((r) => r.field)).toContain('Department');
  });

  it('stays held on the next run without a write, its PSA contact linked and unchanged', () => {
    const { input, plan: first } = plan({ users: [ann], targets: HUDU_AND_BMS }, [DEPARTMENT]);
    const after = applyInMemory(input, first);
    expect(after.links).toEqual([expect.objectContaining({ userId: 'u1', docContactId: '', psaContactId: 100_001 })]);
    const again = planTenantSync(after).actions[0]!;
    expect(again).toMatchObject({ outcome: 'held', doc: { kind: 'held' }, psa: { kind: 'unchanged' } });
    expect(actionWrites(again)).toBe(false);
    // Once the layout no longer requires the field, the person is created and keeps the PSA contact.
    const released = planTenantSync({ ...after, doc: { ...after.doc, requiredFields: [] } }).actions[0]!;
    expect(released).toMatchObject({ outcome: 'synced', doc: { kind: 'create' }, psa: { kind: 'unchanged' } });
  });

  it("holds a person without a name from Hudu, whose assets have one, and not from IT Glue, whose profile doesn't say so", () => {
    const nameless = graphUser('u1', { givenName: null, surname: null, displayName: null });
    const hudu = plan({ users: [nameless], targets: HUDU_ALONE, psaContacts: null }, []).plan.actions[0]!;
    expect(hudu.doc).toEqual({ kind: 'held', contactId: null });
    expect(hudu.reasons.find((r) => r.code === 'hudu-required-field')?.message).toBe(
      'Hudu requires a name, and there is none for this user: nothing is written to Hudu for this user.',
    );
    const itglue = plan({ users: [nameless], targets: { doc: itglueProfile, psa: null }, psaContacts: null }, []).plan
      .actions[0]!;
    expect(itglue.doc).toMatchObject({ kind: 'create' });
  });
});
