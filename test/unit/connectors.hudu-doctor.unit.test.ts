import { describe, expect, it } from 'vitest';
import { layoutChecks } from '../../src/connectors/hudu/setup.ts';
import type { LayoutWire } from '../../src/connectors/hudu/wire.ts';

const LAYOUTS: LayoutWire[] = [
  { id: '3', name: 'Devices', fields: [{ label: 'Serial', required: true }] },
  {
    id: '5',
    name: 'People',
    fields: [
      { label: 'Title', required: true },
      { label: 'Phone' },
      { label: 'Mobile' },
      { label: 'Department', required: true },
    ],
  },
];

describe("doctor's look at the Hudu people layout", () => {
  it('names the fields found for each mapped field, and warns of a required field contactsync does not fill', () => {
    expect(layoutChecks(LAYOUTS, 'people', {})).toEqual([
      {
        name: 'Hudu layout',
        state: 'ok',
        detail:
          '"People" (id 5): job title → "Title", office phone → "Phone", mobile phone → "Mobile", other emails → none (not written), location → none (not written)',
      },
      {
        name: 'Hudu required fields',
        state: 'warn',
        detail:
          '"Title", "Department"; contactsync fills no "Department": every new person is held from Hudu until the layout makes it optional or hudu.fields maps it',
      },
    ]);
  });

  it('fails on a layout or a field label the config names and Hudu does not have', () => {
    expect(layoutChecks(LAYOUTS, 'Staff', {})).toEqual([
      {
        name: 'Hudu layout',
        state: 'fail',
        detail: 'no asset layout named "Staff" (setting hudu.layout); the layouts are "Devices", "People"',
      },
    ]);
    expect(layoutChecks(LAYOUTS, 'People', { location: 'Department', mobile: 'Cell' })[0]).toEqual({
      name: 'Hudu layout',
      state: 'fail',
      detail:
        '"People" has no field "Cell" (hudu.fields.mobile); its fields are "Title", "Phone", "Mobile", "Department"',
    });
  });
});
