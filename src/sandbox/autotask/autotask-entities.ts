/**
 * The fields of the entities this Autotask serves, as `entityInformation/fields` describes them and as queries and
 * writes check them.
 *
 * Lengths: firstName, lastName and title 50, emailAddress (2, 3) 254, phone 25 are the figures the brief gives as
 * Autotask's; they could not be confirmed in the public sources read (the field table of Autotask's ContactsEntity
 * page was not at hand), so they are **guessed**, as are every other length below (mobilePhone, alternatePhone as
 * phone; extension 10; names of companies and locations 100).
 */

export type DataType = 'integer' | 'string' | 'boolean' | 'datetime';

export interface FieldInfo {
  readonly name: string;
  readonly dataType: DataType;
  /** the longest text the field takes; 0 for a field that is not text */
  readonly length: number;
  readonly isRequired: boolean;
  readonly isReadOnly: boolean;
  readonly isQueryable: boolean;
  /** the entity an id field refers to */
  readonly referenceEntityType?: string;
}

const field = (
  name: string,
  dataType: DataType,
  options: Partial<Omit<FieldInfo, 'name' | 'dataType'>> = {},
): FieldInfo => ({
  name,
  dataType,
  length: 0,
  isRequired: false,
  isReadOnly: false,
  isQueryable: true,
  ...options,
});
const text = (name: string, length: number, options: Partial<FieldInfo> = {}) =>
  field(name, 'string', { length, ...options });

export const CONTACT_FIELDS: readonly FieldInfo[] = [
  field('id', 'integer', { isReadOnly: true, isRequired: true }),
  field('companyID', 'integer', { isRequired: true, referenceEntityType: 'Company' }),
  field('companyLocationID', 'integer', { referenceEntityType: 'CompanyLocation' }),
  text('firstName', 50, { isRequired: true }),
  text('lastName', 50, { isRequired: true }),
  text('title', 50),
  text('emailAddress', 254),
  text('emailAddress2', 254),
  text('emailAddress3', 254),
  text('phone', 25),
  text('mobilePhone', 25),
  text('alternatePhone', 25),
  text('extension', 10),
  field('isActive', 'integer', { isRequired: true }),
  field('primaryContact', 'boolean'),
];

export const COMPANY_FIELDS: readonly FieldInfo[] = [
  field('id', 'integer', { isReadOnly: true, isRequired: true }),
  text('companyName', 100, { isRequired: true }),
  field('companyType', 'integer', { isRequired: true }),
  field('isActive', 'boolean'),
];

export const LOCATION_FIELDS: readonly FieldInfo[] = [
  field('id', 'integer', { isReadOnly: true, isRequired: true }),
  field('companyID', 'integer', { isRequired: true, referenceEntityType: 'Company' }),
  text('name', 100, { isRequired: true }),
  text('address1', 128),
  text('city', 50),
  field('isPrimary', 'boolean'),
  field('isActive', 'boolean'),
];

/** The contact fields a create or an update may set: every field that is not read-only. */
export const WRITABLE_CONTACT_FIELDS = CONTACT_FIELDS.filter((f) => !f.isReadOnly);

/** A field of an entity by name, ignoring case (Autotask reads field names so). */
export function fieldNamed(fields: readonly FieldInfo[], name: string): FieldInfo | undefined {
  const wanted = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === wanted);
}

/** Autotask's failure: HTTP 500 with `{errors: [...]}` (every problem found) unless another status is given. */
export class AutotaskError extends Error {
  readonly errors: readonly string[];
  constructor(
    errors: string | readonly string[],
    readonly status = 500,
  ) {
    const list = typeof errors === 'string' ? [errors] : errors;
    super(list.join(' '));
    this.errors = list;
  }
}
