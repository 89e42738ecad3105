import type { DirectoryUser } from '../../src/domain/directory-user.ts';
import type { DocContact, DocContactType, DocLocation } from '../../src/domain/doc-contact.ts';
import type { Link, OperatorDecision } from '../../src/domain/link.ts';
import type { PsaContact, PsaLocation, PsaType } from '../../src/domain/psa-contact.ts';
import { resolveSettings, type SettingsOverride } from '../../src/domain/settings.ts';
import { normalizeDirectoryUser } from '../../src/normalize/directory-user.ts';
import type { PlannedAction } from '../../src/domain/plan.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import type { Targets } from '../../src/domain/target-profile.ts';

const LICENSE = 'c7df2760-2c81-4ef7-b578-5b5392b571df';

export function graphUser(id: string, fields: Partial<DirectoryUser> = {}): DirectoryUser {
  const given = fields.givenName === undefined ? 'Ada' : fields.givenName;
  const surname = fields.surname === undefined ? `User${id}` : fields.surname;
  const local = `${(given ?? 'x').toLowerCase()}.${(surname ?? 'y').toLowerCase()}`.replace(/[^a-z0-9.]/g, '');
  return {
    id,
    userPrincipalName: `${local}@contoso.com`,
    displayName: [given, surname].filter(Boolean).join(' ') || null,
    givenName: given,
    surname,
    mail: `${local}@contoso.com`,
    proxyAddresses: [`SMTP:${local}@contoso.com`],
    otherMails: [],
    businessPhones: ['+1 415 555 0100'],
    mobilePhone: null,
    jobTitle: 'Engineer',
    officeLocation: null,
    accountEnabled: true,
    userType: 'Member',
    assignedLicenseSkuIds: [LICENSE],
    usageLocation: 'US',
    country: null,
    ...fields,
  };
}

export function docContact(id: string, fields: Partial<DocContact> = {}): DocContact {
  return {
    id,
    organizationId: '1',
    firstName: null,
    lastName: null,
    title: null,
    contactTypeId: null,
    locationId: null,
    important: false,
    notes: null,
    mirroredPsaContactId: null,
    emails: [],
    phones: [],
    ...fields,
  };
}

export function psaContact(id: number, fields: Partial<PsaContact> = {}): PsaContact {
  return {
    id,
    accountId: 1,
    firstName: null,
    lastName: null,
    jobTitle: null,
    emailAddress: null,
    emailTypeId: null,
    phoneNumber: null,
    phoneTypeId: null,
    mobilePhone: null,
    otherEmails: [],
    locationId: 11,
    isActive: true,
    ...fields,
  };
}

export function link(userId: string, docContactId: string, fields: Partial<Link> = {}): Link {
  return {
    userId,
    docContactId,
    psaContactId: null,
    rule: 'alias',
    syncDisabled: 'none',
    ownedEmails: [],
    ownedPhones: [],
    psaPushed: null,
    ...fields,
  };
}

export const DOC_LOCATIONS: readonly DocLocation[] = [
  { id: '10', name: 'HQ', primary: true },
  { id: '20', name: 'London Office', primary: false },
];
export const CONTACT_TYPES: readonly DocContactType[] = [
  { id: '1', name: 'Employee' },
  { id: '2', name: 'Former Employee' },
];
export const PSA_LOCATIONS: readonly PsaLocation[] = [
  { id: 11, name: 'HQ', isMain: true },
  { id: 21, name: 'London office', isMain: false },
];
export const EMAIL_TYPES: readonly PsaType[] = [{ id: 1, name: 'Work' }];
export const PHONE_TYPES: readonly PsaType[] = [
  { id: 1, name: 'Office' },
  { id: 2, name: 'Mobile' },
];

export interface InputParts {
  readonly users?: readonly DirectoryUser[];
  readonly contacts?: readonly DocContact[];
  readonly psaContacts?: readonly PsaContact[] | null;
  readonly links?: readonly Link[];
  readonly decisions?: readonly OperatorDecision[];
  readonly settings?: SettingsOverride;
  readonly groupMemberIds?: ReadonlySet<string> | null;
  readonly organizationPhone?: string | null;
  readonly approveInactivations?: boolean;
  readonly docLocations?: readonly DocLocation[];
  /** the installation's targets: both roles unless a test leaves one out */
  readonly targets?: Targets;
}

/** A tenant's planner input with the fixtures above; users are normalized as the normalize stage would. */
export function tenantInput(parts: InputParts = {}): TenantSyncInput {
  const settings = resolveSettings(parts.settings ?? {});
  const options = { splitDisplayName: settings.names.splitDisplayName, defaultRegion: settings.phones.defaultRegion };
  return {
    tenantId: 'tenant-1',
    targets: parts.targets ?? { doc: itglueProfile, psa: bmsProfile },
    settings,
    users: (parts.users ?? []).map((user) => normalizeDirectoryUser(user, options)),
    groupMemberIds: parts.groupMemberIds ?? null,
    organizationPhone: parts.organizationPhone ?? null,
    doc: {
      contacts: parts.contacts ?? [],
      locations: parts.docLocations ?? DOC_LOCATIONS,
      contactTypes: CONTACT_TYPES,
    },
    psa:
      parts.psaContacts === null
        ? null
        : {
            contacts: parts.psaContacts ?? [],
            locations: PSA_LOCATIONS,
            emailTypes: EMAIL_TYPES,
            phoneTypes: PHONE_TYPES,
          },
    links: parts.links ?? [],
    decisions: parts.decisions ?? [],
    approveInactivations: parts.approveInactivations ?? false,
  };
}

/** The action planned for one user of a tenant built from `parts`. */
export function planOne(parts: InputParts, userId = 'u1'): PlannedAction {
  const action = planTenantSync(tenantInput(parts)).actions.find((a) => a.userId === userId);
  if (action === undefined) throw new Error(`no action for ${userId}`);
  return action;
}
