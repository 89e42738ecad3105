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
  readonly phoneNumber: string | null;
  readonly phoneTypeId: number | null;
  readonly locationId: number | null;
  readonly isActive: boolean;
}

/** The fields contactsync maps onto a PSA contact; a create or update sends all of them. */
export interface PsaContactFields {
  readonly firstName: string;
  readonly lastName: string | null;
  readonly jobTitle: string | null;
  readonly emailAddress: string;
  readonly emailTypeId: number;
  readonly phoneNumber: string;
  readonly phoneTypeId: number;
  readonly locationId: number;
  readonly isActive: boolean;
}

export interface PsaLocation {
  readonly id: number;
  readonly name: string;
  readonly isMain: boolean;
}

export type PsaType = NamedType<number>;
