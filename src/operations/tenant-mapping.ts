import type { DocStore, NamedRecord, Psa } from '../domain/ports.ts';
import { foldName } from '../normalize/name.ts';
import { closestFirst, sameName } from '../normalize/name-closeness.ts';
import { presentTargets, type TargetProfile, type Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import { OperationError, type OperationProblem } from './operation-error.ts';

/** The readers a mapping needs: the documentation platform's customers and the PSA's, of the targets configured. */
interface MappingSystems {
  readonly doc: Pick<DocStore, 'listOrganizations'> | null;
  readonly psa: Pick<Psa, 'listAccounts'> | null;
}

/** What a person chose: a customer record in each target, by name or id; `psa` null maps the documentation platform alone. */
interface MappingChoice {
  readonly doc: string | null;
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
  const organizations =
    systems.doc === null
      ? []
      : closestFirst(await systems.doc.listOrganizations(), tenant.displayName).map((o) => ({
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

/** A target's customer record in words: `<target> <its word for a customer> "Contoso"`. */
function customerWords(target: TargetProfile, record: NamedRecord<string | number>): string {
  return `${target.words.name} ${target.words.customer} "${record.name}"`;
}

/** What a tenant is mapped to, target by target: `<doc> "Contoso", <PSA> none (<doc> only)`. */
function mappedWords(
  targets: Targets,
  organization: NamedRecord<string> | null,
  account: NamedRecord<number> | null,
  none: (doc: TargetProfile) => string,
  separator: string,
): string {
  return [
    targets.doc === null
      ? null
      : `${targets.doc.words.name} ${organization === null ? 'none' : `"${organization.name}"`}`,
    targets.psa === null
      ? null
      : `${targets.psa.words.name} ${account === null ? (targets.doc === null ? 'none' : none(targets.doc)) : `"${account.name}"`}`,
  ]
    .filter((part): part is string => part !== null)
    .join(separator);
}

/** A mapping as the audit log keeps it: under each target's id. */
function mappingDetail(targets: Targets, doc: unknown, psa: unknown): Readonly<Record<string, unknown>> {
  return {
    ...(targets.doc === null ? {} : { [targets.doc.id]: doc }),
    ...(targets.psa === null ? {} : { [targets.psa.id]: psa }),
  };
}

/**
 * Maps a tenant to a customer record of each target (or of the documentation platform alone). Refused, with every
 * reason at once, when another tenant already uses the record (unless forced with a reason), and when the names
 * differ from the tenant's (unless the person confirmed them): one slip must not write a customer's users into
 * another customer's records.
 */
export async function mapTenant(
  store: StateStore,
  systems: MappingSystems,
  targets: Targets,
  tenant: TenantRecord,
  choice: MappingChoice,
  options: MappingOptions,
  hints: MappingHints,
  actor: string,
): Promise<string> {
  const { doc, psa } = targets;
  const organization =
    doc === null || systems.doc === null || choice.doc === null
      ? null
      : findNamed(
          await systems.doc.listOrganizations(),
          choice.doc,
          `${doc.words.name} ${doc.words.customer}`,
          tenant.displayName,
        );
  let account: NamedRecord<number> | null = null;
  if (choice.psa !== null) {
    if (psa === null || systems.psa === null)
      throw new OperationError(
        'Validation',
        `No PSA is configured: map to ${doc?.words.name ?? 'the documentation platform'} only, or add a PSA to the config.`,
      );
    account = findNamed(
      await systems.psa.listAccounts(),
      choice.psa,
      `${psa.words.name} ${psa.words.customer}`,
      tenant.displayName,
    );
  }
  if (organization === null && account === null)
    throw new OperationError(
      'Validation',
      `Name the ${presentTargets(targets)
        .map((target) => `${target.words.name} ${target.words.customer}`)
        .join(' or ')} to map ${tenant.displayName} to.`,
    );
  // Saved as it stands: nothing changes, nothing is recorded, and a mapping made by name stays "by name".
  if (
    tenant.mapping !== 'unmapped' &&
    tenant.docCustomerId === (organization?.id ?? null) &&
    tenant.psaCustomerId === (account?.id ?? null)
  )
    return NOTHING_CHANGED;
  const others = (await store.listTenants()).filter((t) => t.id !== tenant.id);
  const force = options.force?.trim() ?? '';
  const problems: OperationProblem[] = [];
  const orgUser = organization === null ? undefined : others.find((t) => t.docCustomerId === organization.id);
  const accountUser = account === null ? undefined : others.find((t) => t.psaCustomerId === account.id);
  const taken = (target: TargetProfile, record: NamedRecord<string | number>, user: TenantRecord) => ({
    key: target.id,
    message: `${customerWords(target, record)} is already mapped to ${user.displayName}: ${tenant.displayName}'s users would be written into another customer's records. If both tenants really are one customer, ${hints.force}.`,
  });
  if (force === '') {
    if (orgUser !== undefined && organization !== null && doc !== null)
      problems.push(taken(doc, organization, orgUser));
    if (accountUser !== undefined && account !== null && psa !== null) problems.push(taken(psa, account, accountUser));
  }
  const namesDiffer =
    (organization !== null && !sameName(organization.name, tenant.displayName)) ||
    (account !== null && !sameName(account.name, tenant.displayName));
  if (namesDiffer && options.confirmNames !== true)
    problems.push({
      key: 'names',
      message: `The names differ: tenant "${tenant.displayName}" · ${mappedWords(targets, organization, account, () => 'none', ' · ')}. If they are the same customer, ${hints.confirm}.`,
    });
  if (problems.length > 0)
    throw new OperationError(
      'Conflict',
      `${tenant.displayName} was not mapped:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
      problems,
    );

  await store.setMapping(tenant.id, organization?.id ?? null, account?.id ?? null, 'manual', {
    doc: organization?.name ?? null,
    psa: account?.name ?? null,
    note:
      account === null && doc !== null && psa !== null
        ? `Mapped to ${doc.words.name} only by a person: nothing is written to ${psa.words.name}.`
        : null,
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
      ...mappingDetail(
        targets,
        organization === null ? null : { id: organization.id, name: organization.name },
        account === null ? null : { id: account.id, name: account.name },
      ),
      previous: previousMapping(targets, tenant),
      ...(shared.length === 0 ? {} : { sharedWith: [...new Set(shared)], reason: force }),
      ...(namesDiffer ? { namesConfirmed: true } : {}),
    },
    { tenantId: tenant.id },
  );
  return `${tenant.displayName} → ${mappedWords(targets, organization, account, (only) => `none (${only.words.name} only)`, ', ')}.${shared.length === 0 ? '' : ` Shared with ${[...new Set(shared)].join(' and ')}, because: ${force}`}`;
}

/** What a tenant was mapped to, under each target's id, for the audit log. */
function previousMapping(targets: Targets, tenant: TenantRecord): Readonly<Record<string, unknown>> {
  return mappingDetail(
    targets,
    tenant.docCustomerName ?? tenant.docCustomerId,
    tenant.psaCustomerName ?? tenant.psaCustomerId,
  );
}

/** Forgets a tenant's mapping; it is not synced, nor mapped again by name, until a person maps it. */
export async function unmapTenant(
  store: StateStore,
  targets: Targets,
  tenant: TenantRecord,
  actor: string,
): Promise<string> {
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
    { tenant: tenant.displayName, previous: previousMapping(targets, tenant) },
    { tenantId: tenant.id },
  );
  return `${tenant.displayName} is unmapped; it is not synced until mapped again.`;
}
