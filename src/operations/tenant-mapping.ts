import type { DocStore, NamedRecord, Psa } from '../domain/ports.ts';
import { foldName } from '../normalize/name.ts';
import { closestFirst, sameName } from '../normalize/name-closeness.ts';
import type { StateStore, TenantRecord } from '../store/state-store.ts';
import { OperationError, type OperationProblem } from './operation-error.ts';

/** The readers a mapping needs: IT Glue's organizations, and BMS's accounts when BMS is configured. */
interface MappingSystems {
  readonly doc: Pick<DocStore, 'listOrganizations'>;
  readonly psa: Pick<Psa, 'listAccounts'> | null;
}

/** What a person chose: an organization and an account, each by name or id; `bms` null maps IT Glue alone. */
interface MappingChoice {
  readonly doc: string;
  readonly psa: string | null;
}

interface MappingOptions {
  /** why a tenant is mapped onto an organization or account another tenant already uses; none refuses it */
  readonly force?: string | null;
  /** the person saw that the names differ from the tenant's and confirmed the choice */
  readonly confirmNames?: boolean;
}

/** How each surface tells a person to force or confirm (a flag, a form field, a body key). */
interface MappingHints {
  readonly force: string;
  readonly confirm: string;
}

/** A candidate of a picker: its name, and the tenant that already uses it, if any. */
export interface MappingCandidate<Id> {
  readonly id: Id;
  readonly name: string;
  readonly usedBy: string | null;
}

/** One record of a list, found by id or by its name (case, accents and spaces ignored). */
function findNamed<Id extends string | number>(
  records: readonly NamedRecord<Id>[],
  wanted: string,
  what: string,
  target: string,
): NamedRecord<Id> {
  const byId = records.find((r) => String(r.id) === wanted.trim());
  if (byId !== undefined) return byId;
  const named = records.filter((r) => foldName(r.name) === foldName(wanted));
  if (named.length === 1) return named[0]!;
  if (named.length > 1)
    throw new OperationError(
      'Validation',
      `${named.length} ${what}s are named "${wanted}": give the id of one (${named.map((r) => `${r.name}: ${r.id}`).join('; ')}).`,
    );
  const closest = closestFirst(records, target).slice(0, 5);
  throw new OperationError(
    'Validation',
    `There is no ${what} "${wanted}".${closest.length === 0 ? '' : ` The closest to "${target}": ${closest.map((r) => `"${r.name}"`).join(', ')}.`}`,
  );
}

/** The organizations and accounts a tenant can be mapped to, the closest names first, each with who uses it. */
export async function mappingCandidates(
  store: StateStore,
  systems: MappingSystems,
  tenant: TenantRecord,
): Promise<{
  readonly organizations: readonly MappingCandidate<string>[];
  readonly accounts: readonly MappingCandidate<number>[] | null;
}> {
  const others = (await store.listTenants()).filter((t) => t.id !== tenant.id);
  const usedBy = (match: (t: TenantRecord) => boolean) => others.find(match)?.displayName ?? null;
  const organizations = closestFirst(await systems.doc.listOrganizations(), tenant.displayName).map((o) => ({
    id: o.id,
    name: o.name,
    usedBy: usedBy((t) => t.docCustomerId === o.id),
  }));
  const accounts =
    systems.psa === null
      ? null
      : closestFirst(await systems.psa.listAccounts(), tenant.displayName).map((a) => ({
          id: a.id,
          name: a.name,
          usedBy: usedBy((t) => t.psaCustomerId === a.id),
        }));
  return { organizations, accounts };
}

/** What saving a mapping unchanged says. */
export const NOTHING_CHANGED = 'Nothing changed.';

/**
 * Maps a tenant to an IT Glue organization and a BMS account (or IT Glue alone). Refused, with every reason at once,
 * when another tenant already uses the organization or the account (unless forced with a reason), and when the names
 * differ from the tenant's (unless the person confirmed them): one slip must not write a customer's users into
 * another customer's records.
 */
export async function mapTenant(
  store: StateStore,
  systems: MappingSystems,
  tenant: TenantRecord,
  choice: MappingChoice,
  options: MappingOptions,
  hints: MappingHints,
  actor: string,
): Promise<string> {
  const organization = findNamed(
    await systems.doc.listOrganizations(),
    choice.doc,
    'IT Glue organization',
    tenant.displayName,
  );
  let account: NamedRecord<number> | null = null;
  if (choice.psa !== null) {
    if (systems.psa === null)
      throw new OperationError('Validation', 'BMS is not configured: map to IT Glue only, or add BMS to the config.');
    account = findNamed(await systems.psa.listAccounts(), choice.psa, 'BMS account', tenant.displayName);
  }
  // Saved as it stands: nothing changes, nothing is recorded, and a mapping made by name stays "by name".
  if (
    tenant.mapping !== 'unmapped' &&
    tenant.docCustomerId === organization.id &&
    tenant.psaCustomerId === (account?.id ?? null)
  )
    return NOTHING_CHANGED;
  const others = (await store.listTenants()).filter((t) => t.id !== tenant.id);
  const force = options.force?.trim() ?? '';
  const problems: OperationProblem[] = [];
  const orgUser = others.find((t) => t.docCustomerId === organization.id);
  const accountUser = account === null ? undefined : others.find((t) => t.psaCustomerId === account.id);
  if (force === '') {
    if (orgUser !== undefined)
      problems.push({
        key: 'itglue',
        message: `IT Glue organization "${organization.name}" is already mapped to ${orgUser.displayName}: ${tenant.displayName}'s users would be written into another customer's records. If both tenants really are one customer, ${hints.force}.`,
      });
    if (accountUser !== undefined && account !== null)
      problems.push({
        key: 'bms',
        message: `BMS account "${account.name}" is already mapped to ${accountUser.displayName}: ${tenant.displayName}'s users would be written into another customer's records. If both tenants really are one customer, ${hints.force}.`,
      });
  }
  const namesDiffer =
    !sameName(organization.name, tenant.displayName) ||
    (account !== null && !sameName(account.name, tenant.displayName));
  if (namesDiffer && options.confirmNames !== true)
    problems.push({
      key: 'names',
      message: `The names differ: tenant "${tenant.displayName}" · IT Glue "${organization.name}" · BMS ${account === null ? 'none' : `"${account.name}"`}. If they are the same customer, ${hints.confirm}.`,
    });
  if (problems.length > 0)
    throw new OperationError(
      'Conflict',
      `${tenant.displayName} was not mapped:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
      problems,
    );

  await store.setMapping(tenant.id, organization.id, account?.id ?? null, 'manual', {
    doc: organization.name,
    psa: account?.name ?? null,
    note: account === null ? 'Mapped to IT Glue only by a person: nothing is written to BMS.' : null,
  });
  await store.setTenantStatus(tenant.id, 'ok');
  await store.markDirty(tenant.id);
  const shared = [orgUser, accountUser].filter((t): t is TenantRecord => t !== undefined).map((t) => t.displayName);
  await store.audit(
    actor,
    'tenant.map',
    tenant.id,
    {
      tenant: tenant.displayName,
      itglue: { id: organization.id, name: organization.name },
      bms: account === null ? null : { id: account.id, name: account.name },
      previous: {
        itglue: tenant.docCustomerName ?? tenant.docCustomerId,
        bms: tenant.psaCustomerName ?? tenant.psaCustomerId,
      },
      ...(shared.length === 0 ? {} : { sharedWith: [...new Set(shared)], reason: force }),
      ...(namesDiffer ? { namesConfirmed: true } : {}),
    },
    { tenantId: tenant.id },
  );
  return `${tenant.displayName} → IT Glue "${organization.name}", BMS ${account === null ? 'none (IT Glue only)' : `"${account.name}"`}.${shared.length === 0 ? '' : ` Shared with ${[...new Set(shared)].join(' and ')}, because: ${force}`}`;
}

/** Forgets a tenant's mapping; it is not synced, nor mapped again by name, until a person maps it. */
export async function unmapTenant(store: StateStore, tenant: TenantRecord, actor: string): Promise<string> {
  // A person's choice: 'manual' with nothing mapped, so that mapping by name leaves it alone.
  await store.setMapping(tenant.id, null, null, 'manual', {
    doc: null,
    psa: null,
    note: 'Unmapped by a person: map it on its page, or with contactsync tenants map.',
  });
  await store.setTenantStatus(tenant.id, 'unmapped');
  await store.audit(
    actor,
    'tenant.unmap',
    tenant.id,
    {
      tenant: tenant.displayName,
      previous: {
        itglue: tenant.docCustomerName ?? tenant.docCustomerId,
        bms: tenant.psaCustomerName ?? tenant.psaCustomerId,
      },
    },
    { tenantId: tenant.id },
  );
  return `${tenant.displayName} is unmapped; it is not synced until mapped again.`;
}
