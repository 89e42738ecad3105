import type { DirectoryOrganization, DirectoryUser } from './directory-user.ts';
import type { DocRequiredField } from './doc-required-field.ts';
import type { DocContact, DocContactFields, DocContactPatch, DocContactType, DocLocation } from './doc-contact.ts';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from './psa-contact.ts';
import type { Reason } from './reason.ts';

/**
 * The ports between the sync core and the shell. Connectors implement them over HTTP; nothing outside a connector
 * knows a wire shape.
 */

/** What the directory reports since a delta link: a full snapshot, or the changes since the link. */
export type DirectoryChanges =
  | {
      readonly kind: 'full';
      readonly users: readonly DirectoryUser[];
      readonly deltaLink: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'delta';
      readonly changed: readonly DirectoryUser[];
      readonly removed: readonly { readonly id: string; readonly permanent: boolean }[];
      readonly deltaLink: string;
    };

export interface CustomerTenant {
  readonly tenantId: string;
  readonly displayName: string;
}

/** Microsoft 365 users of customer tenants (Microsoft Graph). */
export interface DirectorySource {
  /** Every user (a full read, at the largest page size). */
  readUsers(tenantId: string): Promise<readonly DirectoryUser[]>;
  /**
   * The changes since `deltaLink`. Without a link, or when the link expired, a full read (`kind: 'full'`) with a new
   * link taken before it (one request more than `readUsers`): the caller
   * finds deletions by comparing the snapshot with what it had. The caller stores the new link only once the changes
   * are applied.
   */
  readChanges(tenantId: string, deltaLink: string | null): Promise<DirectoryChanges>;
  readUser(tenantId: string, userId: string): Promise<DirectoryUser | null>;
  readOrganization(tenantId: string): Promise<DirectoryOrganization>;
  readGroupMembers(tenantId: string, groupId: string): Promise<readonly string[]>;
  listCustomerTenants(partnerTenantId: string): Promise<readonly CustomerTenant[]>;
}

/** The outcome of one record in a batch write: the record's id, or why the API refused it. */
export type WriteResult<Id> =
  | { readonly ok: true; readonly id: Id }
  | { readonly ok: false; readonly reasons: readonly Reason[] };

export interface NamedRecord<Id> {
  readonly id: Id;
  readonly name: string;
}

/** The MSP's documentation platform. */
export interface DocStore {
  listOrganizations(): Promise<readonly NamedRecord<string>[]>;
  listLocations(organizationId: string): Promise<readonly DocLocation[]>;
  listContactTypes(): Promise<readonly DocContactType[]>;
  /**
   * The fields the platform requires beyond its profile's, where the MSP shapes its records (a layout's required
   * fields): absent where the profile says all there is.
   */
  requiredFields?(): Promise<readonly DocRequiredField[]>;
  /**
   * Every contact of the organization, each with the PSA contact the platform's own PSA integration keeps it in step
   * with (`mirroredPsaContactId`: such a contact refuses API edits).
   */
  listContacts(organizationId: string): Promise<readonly DocContact[]>;
  /** One contact as the platform holds it now, or null when there is none with this id. */
  readContact(id: string): Promise<DocContact | null>;
  /** Creates contacts in one organization; one result per draft, in order. */
  createContacts(organizationId: string, drafts: readonly DocContactFields[]): Promise<readonly WriteResult<string>[]>;
  /** Updates contacts with only the attributes given; one result per update, in order. */
  updateContacts(
    updates: readonly { readonly id: string; readonly patch: DocContactPatch }[],
  ): Promise<readonly WriteResult<string>[]>;
}

/** The MSP's PSA. */
export interface Psa {
  listAccounts(): Promise<readonly NamedRecord<number>[]>;
  listLocations(accountId: number): Promise<readonly PsaLocation[]>;
  listEmailTypes(): Promise<readonly PsaType[]>;
  listPhoneTypes(): Promise<readonly PsaType[]>;
  /** Every contact of the account, active and inactive. */
  listContacts(accountId: number): Promise<readonly PsaContact[]>;
  findContactsByEmail(accountId: number, email: string): Promise<readonly PsaContact[]>;
  findContactsByName(accountId: number, firstName: string, lastName: string): Promise<readonly PsaContact[]>;
  readContact(id: number): Promise<PsaContact | null>;
  createContact(accountId: number, fields: PsaContactFields): Promise<WriteResult<number>>;
  /**
   * Writes the fields to the contact. `changed` names those that differ from what the PSA holds: a PSA that patches
   * sends only these, one that replaces the record sends every field.
   */
  updateContact(
    accountId: number,
    id: number,
    fields: PsaContactFields,
    changed: readonly (keyof PsaContactFields)[],
  ): Promise<WriteResult<number>>;
  /** Marks the contact inactive, keeping every other field as the PSA holds it. */
  inactivateContact(accountId: number, id: number): Promise<WriteResult<number>>;
}
