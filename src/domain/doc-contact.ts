/** The documentation platform's side: contacts of one customer record, its locations and the contact types. */

export interface DocEmail {
  readonly value: string;
  readonly primary: boolean;
  readonly label: string;
}

export interface DocPhone {
  /** digits only, as the documentation platform stores them */
  readonly value: string;
  readonly extension: string | null;
  readonly primary: boolean;
  readonly label: string;
}

export interface DocContact {
  readonly id: string;
  readonly organizationId: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly contactTypeId: string | null;
  readonly locationId: string | null;
  readonly important: boolean;
  readonly notes: string | null;
  /**
   * The PSA contact that the platform's own PSA integration keeps this contact in step with, or null. The platform
   * refuses API edits to such a contact: it is changed through the PSA, and the platform's PSA sync carries the
   * change back.
   */
  readonly mirroredPsaContactId: number | null;
  readonly emails: readonly DocEmail[];
  readonly phones: readonly DocPhone[];
  /** archived the platform's way (a leaver, on a platform whose leavers are archived); absent where there is no such state */
  readonly archived?: boolean;
  /** the fields a platform that keeps one value per field has no place for, for this contact (see flat-contact.ts) */
  readonly unkept?: readonly FlatField[];
  /** when the platform says the contact was made and last changed (RFC 3339), shown to a person deciding a dispute */
  readonly createdAt?: string | null;
  readonly updatedAt?: string | null;
}

/** The attributes contactsync writes on a contact of the documentation platform. */
export interface DocContactFields {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly contactTypeId: string | null;
  readonly locationId: string | null;
  readonly emails: readonly DocEmail[];
  readonly phones: readonly DocPhone[];
}

/** Only the attributes to change; `archived` archives the contact (a leaver, on a platform whose leavers are archived). */
export type DocContactPatch = Partial<DocContactFields> & { readonly archived?: true };

export interface DocLocation {
  readonly id: string;
  readonly name: string;
  readonly primary: boolean;
}

export interface NamedType<Id> {
  readonly id: Id;
  readonly name: string;
}

export type DocContactType = NamedType<string>;

/**
 * The fields a platform that keeps one value per field (see flat-contact.ts) may have no place for (a layout without
 * them): never compared, never written.
 */
export type FlatField = 'title' | 'location' | 'otherEmails' | 'phone' | 'mobile';
