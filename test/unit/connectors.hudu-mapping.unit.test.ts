import { describe, expect, it } from 'vitest';
import {
  assetBody,
  fieldsOf,
  missingRequired,
  peopleLayout,
  requiredFieldsOf,
  toDocContact,
  type PeopleLayout,
} from '../../src/connectors/hudu/asset-mapping.ts';
import type { AssetWire, LayoutWire } from '../../src/connectors/hudu/wire.ts';

const PEOPLE: LayoutWire = {
  id: '5',
  name: 'People',
  fields: [
    { label: 'Title', required: false },
    { label: 'Phone', required: false },
    { label: 'Mobile', required: false },
    { label: 'Other emails', required: false },
    { label: 'Office', required: false },
    { label: 'Notes', required: false },
  ],
};

const layout: PeopleLayout = peopleLayout(PEOPLE, { location: 'Office' }).layout;

function asset(fields: Partial<AssetWire> = {}): AssetWire {
  return {
    id: '500',
    company_id: '1',
    asset_layout_id: '5',
    name: 'Mary Ann Smith',
    primary_mail: 'mary@contoso.com',
    archived: false,
    fields: [
      { label: 'Title', value: 'CFO' },
      { label: 'Phone', value: '+1 (206) 555-0100 x42' },
      { label: 'Mobile', value: null },
      { label: 'Other emails', value: 'm.smith@contoso.com, mary@sales.contoso.com' },
      { label: 'Office', value: 'Seattle' },
      { label: 'Notes', value: 'Prefers Teams' },
    ],
    ...fields,
  };
}

/** The custom fields of a body as one record by key. */
const customFields = (body: ReturnType<typeof assetBody>) => Object.assign({}, ...body.asset.custom_fields);

describe('a Hudu asset as a contact', () => {
  it('reads the display name, the primary email, the mapped fields and the archive state', () => {
    const contact = toDocContact(asset({ archived: true }), layout);
    expect(contact).toMatchObject({
      id: '500',
      organizationId: '1',
      firstName: 'Mary Ann',
      lastName: 'Smith',
      title: 'CFO',
      locationId: 'Seattle',
      contactTypeId: null,
      mirroredPsaContactId: null,
      archived: true,
    });
    expect(contact.emails).toEqual([
      { value: 'mary@contoso.com', primary: true, label: 'Work' },
      { value: 'm.smith@contoso.com', primary: false, label: 'Alias' },
      { value: 'mary@sales.contoso.com', primary: false, label: 'Alias' },
    ]);
    expect(contact.phones).toEqual([{ value: '12065550100', extension: '42', primary: true, label: 'Work' }]);
  });

  it('takes the mobile as the primary phone when the phone field is empty', () => {
    const contact = toDocContact(
      asset({
        fields: [
          { label: 'Phone', value: '' },
          { label: 'Mobile', value: '425 555 0199' },
        ],
      }),
      layout,
    );
    expect(contact.phones).toEqual([{ value: '4255550199', extension: null, primary: true, label: 'Mobile' }]);
    expect(contact.title).toBeNull();
  });

  it('finds fields by label whatever their case, and leaves out what the layout has no field for', () => {
    const lower = peopleLayout(
      { ...PEOPLE, fields: [{ label: 'job title' }, { label: 'PHONE' }] },
      { title: 'Job Title' },
    );
    expect(lower.missing).toEqual([]);
    expect(lower.layout.mapped).toEqual({
      title: 'job title',
      phone: 'PHONE',
      mobile: null,
      otherEmails: null,
      location: null,
    });
    // A label the config names and the layout lacks is reported, not guessed.
    expect(peopleLayout(PEOPLE, { mobile: 'Cell' }).missing).toEqual([{ field: 'mobile', label: 'Cell' }]);
  });
});

describe('a contact as a Hudu asset', () => {
  it('sends every custom field back: a field a person filled is never blanked by a replace', () => {
    const current = asset();
    const contact = toDocContact(current, layout);
    const body = assetBody({ ...fieldsOf(contact), title: 'Controller' }, current, layout);
    expect(body.asset).toMatchObject({ name: 'Mary Ann Smith', asset_layout_id: 5, primary_mail: 'mary@contoso.com' });
    expect(customFields(body)).toEqual({
      title: 'Controller',
      phone: '12065550100 x42',
      mobile: '',
      other_emails: 'm.smith@contoso.com, mary@sales.contoso.com',
      office: 'Seattle',
      notes: 'Prefers Teams',
    });
  });

  it('writes a new person from first and last name, the primary email and the mapped fields', () => {
    const body = assetBody(
      {
        firstName: 'Ann',
        lastName: 'Lee',
        title: null,
        contactTypeId: null,
        locationId: 'HQ',
        emails: [
          { value: 'alias@contoso.com', primary: false, label: 'Alias' },
          { value: 'ann@contoso.com', primary: true, label: 'Work' },
        ],
        phones: [
          { value: '14255550199', extension: null, primary: false, label: 'Mobile' },
          { value: '12065550100', extension: null, primary: true, label: 'Work' },
        ],
      },
      null,
      layout,
    );
    expect(body.asset.name).toBe('Ann Lee');
    expect(body.asset.primary_mail).toBe('ann@contoso.com');
    expect(customFields(body)).toEqual({
      title: '',
      phone: '12065550100',
      mobile: '14255550199',
      other_emails: 'alias@contoso.com',
      office: 'HQ',
    });
    // Read back, it is the same person.
    const read = toDocContact(
      {
        id: '9',
        company_id: '1',
        name: body.asset.name,
        primary_mail: body.asset.primary_mail,
        fields: [
          { label: 'Phone', value: '12065550100' },
          { label: 'Mobile', value: '14255550199' },
          { label: 'Other emails', value: 'alias@contoso.com' },
          { label: 'Office', value: 'HQ' },
        ],
      },
      layout,
    );
    expect(read).toMatchObject({ firstName: 'Ann', lastName: 'Lee', locationId: 'HQ' });
    expect(read.phones.map((p) => [p.value, p.primary])).toEqual([
      ['12065550100', true],
      ['14255550199', false],
    ]);
  });

  it("names the layout's required fields a body leaves empty", () => {
    const strict = peopleLayout(
      {
        ...PEOPLE,
        fields: [
          { label: 'Title', required: true },
          { label: 'Department', required: true },
        ],
      },
      {},
    ).layout;
    const titled = fieldsOf(toDocContact(asset({ fields: [{ label: 'Title', value: 'CFO' }] }), strict));
    expect(missingRequired(assetBody(titled, null, strict), strict)).toEqual(['Department']);
    const untitled = assetBody({ ...titled, title: null }, null, strict);
    expect(missingRequired(untitled, strict)).toEqual(['Title', 'Department']);
  });
});

describe("the layout's required fields, as the sync holds a person on them", () => {
  it('ties each to the value contactsync writes there, or to none, with what a person can do', () => {
    const required: LayoutWire = {
      ...PEOPLE,
      fields: [
        ...PEOPLE.fields!.map((f) => ({ ...f, required: f.label === 'Office' })),
        { label: 'Badge', required: true },
      ],
    };
    expect(requiredFieldsOf(peopleLayout(required, { location: 'office' }).layout)).toEqual([
      {
        label: 'Office',
        field: 'location',
        remedy: 'Fill it in Microsoft 365, or make "Office" optional in Hudu\'s layout "People".',
      },
      {
        label: 'Badge',
        field: null,
        remedy:
          'Make "Badge" optional in Hudu\'s layout "People", or name it in hudu.fields for a value contactsync writes.',
      },
    ]);
  });

  it("tells which of them, that contactsync does not fill, a person's asset holds empty", () => {
    const required: LayoutWire = {
      ...PEOPLE,
      fields: [...PEOPLE.fields!, { label: 'Badge', required: true }, { label: 'Desk', required: true }],
    };
    const withBadge = peopleLayout(required, { location: 'Office' }).layout;
    const held = asset({ fields: [...asset().fields!, { label: 'Badge', value: '42' }] });
    expect(toDocContact(held, withBadge).requiredBlank).toEqual(['Desk']);
    expect(toDocContact(asset(), layout)).not.toHaveProperty('requiredBlank');
  });
});
