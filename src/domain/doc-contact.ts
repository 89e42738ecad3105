/** IT Glue's side: contacts of one organization, its locations and the contact types. */

export interface DocEmail {
  readonly value: string;
  readonly primary: boolean;
  readonly label: string;
}

export interface DocPhone {
  /** digits only, as IT Glue stores them */
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
   * The BMS contact that IT Glue's own PSA integration keeps this contact in step with, or null. IT Glue refuses API
   * edits to such a contact: it is changed through BMS, and IT Glue's PSA sync carries the change back.
   */
  readonly mirroredPsaContactId: number | null;
  readonly emails: readonly DocEmail[];
  readonly phones: readonly DocPhone[];
  /** when IT Glue says the contact was made and last changed (RFC 3339), shown to a person deciding a dispute */
  readonly createdAt?: string | null;
  readonly updatedAt?: string | null;
}

/** The attributes contactsync writes on an IT Glue contact. */
export interface DocContactFields {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly contactTypeId: string | null;
  readonly locationId: string | null;
  readonly emails: readonly DocEmail[];
  readonly phones: readonly DocPhone[];
}

export type DocContactPatch = Partial<DocContactFields>;

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
