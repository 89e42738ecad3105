import type { DocContact, DocContactFields } from '../domain/doc-contact.ts';
import type { DocRequiredField } from '../domain/doc-required-field.ts';
import { flatContact, type FlatChange, type FlatContact } from '../domain/flat-contact.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { TargetProfile } from '../domain/target-profile.ts';

/** Each value of the flat form in words, for a reason a technician reads. */
const FIELD_WORDS: Readonly<Record<FlatChange, string>> = {
  name: 'name',
  primaryEmail: 'primary email',
  title: 'job title',
  location: 'location',
  otherEmails: 'other email addresses',
  phone: 'office phone',
  mobile: 'mobile phone',
};

/** Nothing missing: a platform that requires nothing asks this of every contact planned. */
const NONE_MISSING: readonly DocRequiredField[] = Object.freeze([]);

const blank = (value: string | null): boolean => value === null || value.trim() === '';

function filled(flat: FlatContact, field: FlatChange): boolean {
  switch (field) {
    case 'name':
      return !blank(flat.name);
    case 'primaryEmail':
      return !blank(flat.primaryEmail);
    case 'title':
      return !blank(flat.title);
    case 'location':
      return !blank(flat.location);
    case 'otherEmails':
      return flat.otherEmails.length > 0;
    case 'phone':
      return flat.phone !== null && !blank(flat.phone.value);
    case 'mobile':
      return flat.mobile !== null && !blank(flat.mobile.value);
  }
}

/**
 * The required fields a write of `fields` over `contact` (null: a new one) would leave empty. A field contactsync does
 * not fill is missing from a new contact; an existing one keeps what it holds there, missing only where the platform
 * said it is blank.
 */
export function missingDocFields(
  fields: DocContactFields,
  required: readonly DocRequiredField[],
  contact: DocContact | null,
): readonly DocRequiredField[] {
  if (required.length === 0) return NONE_MISSING;
  const flat = flatContact(fields);
  return required.filter((r) =>
    r.field === null ? contact === null || (contact.requiredBlank?.includes(r.label) ?? false) : !filled(flat, r.field),
  );
}

/** Why a user is held from the documentation platform: one reason per field, naming it (`<target id>-required-field`). */
export function docHoldReasons(missing: readonly DocRequiredField[], target: TargetProfile): Reason[] {
  const name = target.words.name;
  return missing.map((r) => {
    const why =
      r.field === null
        ? `${name} requires "${r.label}", which contactsync does not fill`
        : r.label === FIELD_WORDS[r.field]
          ? `${name} requires ${/^[aeiou]/i.test(r.label) ? 'an' : 'a'} ${r.label}, and there is none for this user`
          : `${name} requires "${r.label}" (the ${FIELD_WORDS[r.field]}), and there is no value for this user`;
    const remedy = r.remedy === undefined ? '' : ` ${r.remedy}`;
    return reason(
      `${target.id}-required-field`,
      `${why}: nothing is written to ${name} for this user.${remedy}`,
      r.label,
    );
  });
}
