import type { PsaContactFields } from '../../src/domain/psa-contact.ts';

/** A new PSA contact's fields: these names and address, nothing else given unless `more` says. */
export function psaFields(
  firstName: string,
  lastName: string | null,
  emailAddress: string,
  more: Partial<PsaContactFields> = {},
): PsaContactFields {
  return {
    firstName,
    lastName,
    jobTitle: null,
    emailAddress,
    emailTypeId: null,
    phoneNumber: null,
    phoneTypeId: null,
    mobilePhone: null,
    locationId: null,
    isActive: true,
    ...more,
  };
}
