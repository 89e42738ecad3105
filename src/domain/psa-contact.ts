import type { NamedType } from './doc-contact.ts';

/** The PSA's side: contacts of one customer record and its locations. */
export interface PsaContact {
  readonly id: number;
  readonly accountId: number;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly jobTitle: string | null;
  readonly emailAddress: string | null;
  /** null when the listing did not report it (a PSA's contact summaries may carry no phone or types) */
  readonly emailTypeId: number | null;
  /** the primary phone (a PSA with one phone field), or the office phone (a PSA with a field for each kind) */
  readonly phoneNumber: string | null;
  readonly phoneTypeId: number | null;
  /** the mobile phone, in a PSA with a field for each kind of phone; null in the others */
  readonly mobilePhone: string | null;
  /** the addresses the PSA holds for the person besides the primary: matched on, never written */
  readonly otherEmails: readonly string[];
  readonly locationId: number | null;
  readonly isActive: boolean;
  /** the Microsoft 365 user's object id the contact holds, in a PSA that keeps it (`PsaFacts.directoryId`) */
  readonly directoryId?: string | null;
  /** the Microsoft 365 tenant's id the contact holds beside it */
  readonly directoryTenantId?: string | null;
}

/**
 * The fields contactsync maps onto a PSA contact. A create sends those that are not null; an update sends the
 * fields that changed (a PSA that replaces the record sends all of them).
 */
export interface PsaContactFields {
  readonly firstName: string;
  readonly lastName: string | null;
  readonly jobTitle: string | null;
  readonly emailAddress: string;
  /** null in a PSA without typed email lists */
  readonly emailTypeId: number | null;
  /** the primary phone, or in a PSA with a field for each kind, the office phone; null when there is none to write */
  readonly phoneNumber: string | null;
  /** null in a PSA without typed phone lists */
  readonly phoneTypeId: number | null;
  /** the mobile phone, in a PSA with a field for each kind; always null in the others */
  readonly mobilePhone: string | null;
  /** null when the PSA does not require a location and none was found */
  readonly locationId: number | null;
  readonly isActive: boolean;
  /** the user's object id and tenant id, written where the PSA keeps them (`PsaFacts.directoryId`); absent elsewhere */
  readonly directoryId?: string | null;
  readonly directoryTenantId?: string | null;
}

export interface PsaLocation {
  readonly id: number;
  readonly name: string;
  readonly isMain: boolean;
}

export type PsaType = NamedType<number>;
