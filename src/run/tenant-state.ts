import type { DirectoryUser } from '../domain/directory-user.ts';
import { reason } from '../domain/reason.ts';
import { parseSettingsOverride, resolveSettings, type Settings } from '../domain/settings.ts';
import { normalizeDirectoryUser } from '../normalize/directory-user.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import { psaFactsOf } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import type { ContactRole, CreatedContactFacts } from '../sync/created-twice.ts';
import type { TenantSyncInput } from '../sync/plan.ts';
import { recoverJournal } from './recover-journal.ts';
import type { RunnerDependencies } from './run-dependencies.ts';
import type { TargetLists } from './target-lists.ts';

/** What one run reads before it plans, besides the users. */
interface TenantStateOptions {
  /** every user the directory has now (a run merges its delta into the snapshot; Sync now puts in the one it read) */
  readonly users: readonly DirectoryUser[];
  /** the settings in force, read first: a run whose settings cannot be read stops before it reads anything else */
  readonly settings: Settings;
  /** finish what a crashed run left in the journal first: a run that writes does, a dry run reads as things are */
  readonly recover: boolean;
  /** told when the directory's part is read and the targets' begins */
  readonly onTargets?: () => void;
}

/** The settings in force for the tenant: its own over the global ones. */
export async function settingsOf(store: StateStore, tenant: TenantRecord): Promise<Settings> {
  const [global, own] = await Promise.all([store.latestSettings('global'), store.latestSettings(tenant.id)]);
  return resolveSettings(
    parseSettingsOverride(global?.json ?? {}, 'global settings'),
    parseSettingsOverride(own?.json ?? {}, `settings of tenant ${tenant.displayName}`),
  );
}

/** The role of a target id as the journal and the conflicts store it; null for a target the installation lacks. */
function roleOf(deps: Pick<RunnerDependencies, 'targets'>, targetId: string): ContactRole | null {
  return targetId === deps.targets.doc?.id ? 'doc' : targetId === deps.targets.psa?.id ? 'psa' : null;
}

/** What the journal and the settled disputes say of the contacts contactsync created for the tenant's users. */
async function createdContactFacts(
  deps: Pick<RunnerDependencies, 'store' | 'targets'>,
  tenantId: string,
): Promise<CreatedContactFacts> {
  const recorded = await deps.store.createdContacts(tenantId);
  const settled: ConflictRecord[] =
    recorded.length === 0
      ? []
      : (await deps.store.listConflicts({ tenantId, status: 'resolved' })).filter((c) => c.resolution !== null);
  return {
    created: recorded.flatMap((record) => {
      const role = roleOf(deps, record.system);
      return role === null ? [] : [{ userId: record.userId, role, contactId: record.targetId }];
    }),
    settled: settled.flatMap((conflict) => {
      const role = roleOf(deps, conflict.side);
      return role === null ? [] : [{ userId: conflict.userId, role, candidates: conflict.candidates }];
    }),
  };
}

/** The directory's part of the input: the scope's group members and the tenant's main number, as settings ask. */
async function directoryExtras(
  deps: Pick<RunnerDependencies, 'directory'>,
  tenant: TenantRecord,
  settings: Settings,
): Promise<Pick<TenantSyncInput, 'groupMemberIds' | 'organizationPhone'>> {
  const { directory } = deps;
  const groupIds = settings.scope.groupIds;
  const [members, organization] = await Promise.all([
    groupIds.length === 0 ? null : Promise.all(groupIds.map((g) => directory.readGroupMembers(tenant.id, g))),
    settings.phones.blankReplacement === 'tenantMain' ? directory.readOrganization(tenant.id) : null,
  ]);
  return {
    groupMemberIds: members === null ? null : new Set(members.flat()),
    organizationPhone: organization === null ? null : (organization.businessPhones[0] ?? null),
  };
}

/** The targets' part of the input: the contacts, places and types of the customers the tenant is mapped to. */
async function targetRecords(
  deps: Pick<RunnerDependencies, 'doc' | 'psa' | 'targets'>,
  lists: TargetLists,
  tenant: TenantRecord,
  settings: Settings,
): Promise<Pick<TenantSyncInput, 'doc' | 'psa' | 'psaAbsence'>> {
  const { doc, psa, targets } = deps;
  const readDoc = async (): Promise<TenantSyncInput['doc']> => {
    if (doc === null || tenant.docCustomerId === null) return { contacts: [], locations: [], contactTypes: [] };
    // The required fields come from what the client reads for its own writes (a layout, kept by the client a while):
    // the hold and the write see the same fields, at no request of their own.
    const [contacts, locations, contactTypes, requiredFields] = await Promise.all([
      doc.listContacts(tenant.docCustomerId),
      doc.listLocations(tenant.docCustomerId),
      lists.docContactTypes(doc),
      doc.requiredFields?.() ?? [],
    ]);
    return { contacts, locations, contactTypes, requiredFields };
  };
  const readPsa = async (): Promise<TenantSyncInput['psa']> => {
    if (psa === null || tenant.psaCustomerId === null) return null;
    // A PSA without typed lists has no types to read.
    const typed = targets.psa !== null && psaFactsOf(targets.psa).typed;
    const [contacts, locations, emailTypes, phoneTypes, requiredFields] = await Promise.all([
      psa.listContacts(tenant.psaCustomerId),
      psa.listLocations(tenant.psaCustomerId),
      typed ? lists.psaTypesFor(psa, 'email', settings.psa.emailType) : [],
      typed ? lists.psaTypesFor(psa, 'phone', settings.psa.phoneType) : [],
      lists.psaRequiredFields(psa),
    ]);
    return { contacts, locations, emailTypes, phoneTypes, requiredFields };
  };
  const [docRecords, psaRecords] = await Promise.all([readDoc(), readPsa()]);
  // Contacts the documentation platform's own PSA integration keeps in step with a PSA contact of the customer refuse
  // edits; a link to any other PSA contact is not this customer's.
  const psaIds = new Set(psaRecords?.contacts.map((c) => c.id) ?? []);
  const contacts = docRecords.contacts.map((contact) =>
    contact.mirroredPsaContactId === null || psaIds.has(contact.mirroredPsaContactId)
      ? contact
      : { ...contact, mirroredPsaContactId: null },
  );
  // A PSA with no customer mapped: every user is told why nothing goes to it.
  const psaAbsence =
    psaRecords !== null || targets.psa === null
      ? null
      : reason(
          `no-${targets.psa.id}-account`,
          tenant.mappingNote ?? `No ${targets.psa.words.name} ${targets.psa.words.customer} is mapped.`,
        );
  return { doc: { ...docRecords, contacts }, psa: psaRecords, psaAbsence };
}

/**
 * Reads the tenant's state in one go: everything the planner needs besides the users, from the store, the
 * directory and the targets. A run that writes first finishes what a crashed run left in the journal, so that the
 * links it reads afterwards hold every write that landed.
 */
export async function readTenantState(
  deps: RunnerDependencies,
  lists: TargetLists,
  tenant: TenantRecord,
  options: TenantStateOptions,
): Promise<TenantSyncInput> {
  const { store, targets } = deps;
  const { settings } = options;
  const extras = await directoryExtras(deps, tenant, settings);
  options.onTargets?.();
  const records = await targetRecords(deps, lists, tenant, settings);
  if (options.recover) await recoverJournal(deps, tenant, records.doc.contacts);
  const [links, decisions, createdContacts] = await Promise.all([
    store.listLinks(tenant.id),
    store.decisions(tenant.id),
    createdContactFacts(deps, tenant.id),
  ]);
  const normalizeOptions = {
    splitDisplayName: settings.names.splitDisplayName,
    defaultRegion: settings.phones.defaultRegion,
  };
  const unlimited = Number.MAX_SAFE_INTEGER;
  return {
    tenantId: tenant.id,
    targets,
    settings,
    users: options.users.map((user) => normalizeDirectoryUser(user, normalizeOptions)),
    ...extras,
    ...records,
    links,
    decisions,
    approveInactivations: tenant.approveInactivations,
    textLimits: {
      doc: targets.doc?.textLimit ?? unlimited,
      psa: targets.psa?.textLimit ?? unlimited,
      psaTitle: targets.psa?.titleLimit ?? targets.psa?.textLimit ?? unlimited,
    },
    createdContacts,
  };
}
