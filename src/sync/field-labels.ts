import type { FieldDiff } from '../domain/plan.ts';

/** The systems a field change belongs to, as a technician names them. */
const SYSTEM_NAMES = { itglue: 'IT Glue', bms: 'BMS' } as const;

/** IT Glue's attributes and BMS's fields in words. */
const LABELS: Readonly<Record<'itglue' | 'bms', Readonly<Record<string, string>>>> = {
  itglue: {
    'first-name': 'First name',
    'last-name': 'Last name',
    title: 'Title',
    'contact-type-id': 'Contact type',
    'location-id': 'Location',
    'contact-emails': 'Emails',
    'contact-phones': 'Phones',
  },
  bms: {
    firstName: 'First name',
    lastName: 'Last name',
    jobTitle: 'Job title',
    emailAddress: 'Email',
    emailTypeId: 'Email type',
    phoneNumber: 'Phone',
    phoneTypeId: 'Phone type',
    locationId: 'Location',
    isActive: 'Active',
  },
};

/** The names behind the ids a change may hold: IT Glue contact types; BMS email and phone types and locations. */
export interface DiffNames {
  readonly contactTypes: ReadonlyMap<string, string>;
  readonly emailTypes: ReadonlyMap<string, string>;
  readonly phoneTypes: ReadonlyMap<string, string>;
  readonly psaLocations: ReadonlyMap<string, string>;
}

export function diffNames(lists: {
  readonly contactTypes: readonly { readonly id: string; readonly name: string }[];
  readonly emailTypes: readonly { readonly id: number; readonly name: string }[];
  readonly phoneTypes: readonly { readonly id: number; readonly name: string }[];
  readonly psaLocations: readonly { readonly id: number; readonly name: string }[];
}): DiffNames {
  return {
    contactTypes: named(lists.contactTypes),
    emailTypes: named(lists.emailTypes),
    phoneTypes: named(lists.phoneTypes),
    psaLocations: named(lists.psaLocations),
  };
}

function named(items: readonly { readonly id: string | number; readonly name: string }[]): Map<string, string> {
  return new Map(items.map((item) => [String(item.id), item.name]));
}

function yesNo(value: string | null): string | null {
  return value === null ? null : value === 'true' ? 'yes' : 'no';
}

function nameOf(names: ReadonlyMap<string, string>, value: string | null): string | null {
  return value === null ? null : (names.get(value) ?? value);
}

/** The change with its system, and with names where it held ids (BMS's email type 1 is "Work"). */
export function namedDiff(system: 'itglue' | 'bms', diff: FieldDiff, names: DiffNames): FieldDiff {
  const rename = (lookup: ReadonlyMap<string, string>): FieldDiff => ({
    system,
    field: diff.field,
    old: nameOf(lookup, diff.old),
    new: nameOf(lookup, diff.new),
  });
  if (system === 'itglue' && diff.field === 'contact-type-id') return rename(names.contactTypes);
  if (system === 'bms' && diff.field === 'emailTypeId') return rename(names.emailTypes);
  if (system === 'bms' && diff.field === 'phoneTypeId') return rename(names.phoneTypes);
  if (system === 'bms' && diff.field === 'locationId') return rename(names.psaLocations);
  if (system === 'bms' && diff.field === 'isActive') {
    return { system, field: diff.field, old: yesNo(diff.old), new: yesNo(diff.new) };
  }
  return { system, ...diff };
}

/** "BMS · Email type" or "Phones": the field in words, with its system when the change carries one. */
export function fieldLabel(diff: FieldDiff): string {
  if (diff.system === undefined) return diff.field;
  const system = diff.system as keyof typeof SYSTEM_NAMES;
  return `${SYSTEM_NAMES[system]} · ${LABELS[system][diff.field] ?? diff.field}`;
}

/** A side of a change as shown: ∅ for nothing, whether the field was absent or an empty list (a contact with no email). */
export function shownValue(value: string | null): string {
  return value === null || value === '' ? '∅' : value;
}

/** "BMS · Email type: ∅ → Work": one change as a technician reads it. */
export function describeDiff(diff: FieldDiff): string {
  return `${fieldLabel(diff)}: ${shownValue(diff.old)} → ${shownValue(diff.new)}`;
}
