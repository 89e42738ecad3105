import type { DirectorySource, DocStore, Psa } from '../domain/ports.ts';
import type { PsaType } from '../domain/psa-contact.ts';
import type { Settings, SettingsProblem } from '../domain/settings.ts';
import { psaFactsOf, type Targets } from '../domain/target-profile.ts';
import { isConnectorError } from '../connectors/http/connector-error.ts';
import { foldName } from '../normalize/name.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';

/** What checking settings against the live systems reads: the targets configured, Microsoft 365's groups. */
export interface LiveSystems {
  /** the documentation platform, when the installation has one */
  readonly doc: Pick<DocStore, 'listLocations' | 'listContactTypes'> | null;
  readonly psa: Pick<Psa, 'listLocations' | 'listEmailTypes' | 'listPhoneTypes'> | null;
  readonly directory?: Pick<DirectorySource, 'readGroupMembers'>;
}

/** A setting refused because it names nothing the system has: the names that exist go with it. */
interface LiveProblem extends SettingsProblem {
  readonly choices: readonly string[];
}

/** The names a tenant's settings may take, as the systems hold them now; null for a list that could not be read. */
interface SettingChoices {
  readonly 'location.default': readonly string[] | null;
  readonly contactType: readonly string[] | null;
  readonly 'psa.leaverContactType': readonly string[] | null;
  readonly 'psa.emailType': readonly { readonly id: number; readonly name: string }[] | null;
  readonly 'psa.phoneType': readonly { readonly id: number; readonly name: string }[] | null;
  /** why a type list the PSA does not serve (a path it does not have) could not be read: a name cannot be checked */
  readonly unreadable: Partial<Record<'psa.emailType' | 'psa.phoneType', string>>;
}

async function readable<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch {
    return null;
  }
}

function namesOf(list: readonly { readonly name: string }[] | null): string[] | null {
  return list?.map((item) => item.name) ?? null;
}

/** The lists a tenant's named settings are checked against (a list that cannot be read is null, and not checked). */
export async function settingChoices(
  systems: LiveSystems,
  tenant: TenantRecord,
  /** whether the PSA has typed email and phone lists (its profile's `psa.typed`) */
  typed = true,
): Promise<SettingChoices> {
  const unreadable: { -readonly [K in keyof SettingChoices['unreadable']]: string } = {};
  const types = (key: 'psa.emailType' | 'psa.phoneType', read: () => Promise<readonly PsaType[]>) =>
    read().catch((error: unknown) => {
      if (isConnectorError(error, 'NotFound')) unreadable[key] = error.message;
      return null;
    });
  const { doc, psa } = systems;
  // The default place names one of the leading target's: the documentation platform's, else the PSA's.
  const locations = async () =>
    doc !== null
      ? tenant.docCustomerId === null
        ? null
        : readable(() => doc.listLocations(tenant.docCustomerId!))
      : psa === null || tenant.psaCustomerId === null
        ? null
        : readable(() => psa.listLocations(tenant.psaCustomerId!));
  // Without typed lists (typed false) a PSA's type settings are not read: the lists are not asked for.
  const typedPsa = psa !== null && tenant.psaCustomerId !== null && typed ? psa : null;
  const [places, contactTypes, emailTypes, phoneTypes] = await Promise.all([
    locations(),
    doc === null ? null : readable(() => doc.listContactTypes()),
    typedPsa === null ? null : types('psa.emailType', () => typedPsa.listEmailTypes()),
    typedPsa === null ? null : types('psa.phoneType', () => typedPsa.listPhoneTypes()),
  ]);
  return {
    'location.default': namesOf(places),
    contactType: namesOf(contactTypes),
    'psa.leaverContactType': namesOf(contactTypes),
    'psa.emailType': emailTypes,
    'psa.phoneType': phoneTypes,
    unreadable,
  };
}

function listed(names: readonly string[]): string {
  return names.length === 0 ? 'there are none' : `the names are: ${names.map((n) => `"${n}"`).join(', ')}`;
}

/**
 * The tenant's named settings that name nothing the live systems have (a location, a contact type, a PSA's email or
 * phone type, a Microsoft 365 group), each with the names that exist. Only `keys` are checked (the ones being
 * changed), so that a save is not refused for a setting it does not touch.
 */
export async function liveSettingsProblems(
  systems: LiveSystems,
  targets: Targets,
  tenant: TenantRecord,
  settings: Settings,
  keys: ReadonlySet<string>,
): Promise<LiveProblem[]> {
  const typed = targets.psa !== null && psaFactsOf(targets.psa).typed;
  const choices = await settingChoices(systems, tenant, typed);
  const problems: LiveProblem[] = [];
  const named = (
    key: 'location.default' | 'contactType' | 'psa.leaverContactType',
    value: string | null,
    what: string,
  ) => {
    const list = choices[key];
    if (!keys.has(key) || value === null || list === null) return;
    if (!list.some((name) => foldName(name) === foldName(value)))
      problems.push({ key, message: `${what} has no "${value}": ${listed(list)}.`, choices: list });
  };
  const doc = targets.doc?.words ?? { name: 'the documentation platform', customer: 'customer' };
  const psa = targets.psa?.words.name ?? 'the PSA';
  // The default place is the leading target's: the documentation platform's, else the PSA's.
  const leading = targets.doc ?? targets.psa;
  const customerName = targets.doc !== null ? tenant.docCustomerName : tenant.psaCustomerName;
  if (leading !== null)
    named(
      'location.default',
      settings.location.default,
      `${leading.words.name}'s ${leading.words.customer} ${customerName === null ? '' : `"${customerName}" `}`.trim(),
    );
  named('contactType', settings.contactType, `${doc.name} (contact types)`);
  named('psa.leaverContactType', settings.psa.leaverContactType, `${doc.name} (contact types)`);
  // The type settings name entries of a PSA's typed lists: a PSA without them does not read these settings.
  for (const [key, value, what] of typed
    ? ([
        ['psa.emailType', settings.psa.emailType, `${psa} (email types)`],
        ['psa.phoneType', settings.psa.phoneType, `${psa} (phone types)`],
      ] as const)
    : []) {
    const list = choices[key];
    const unreadable = choices.unreadable[key];
    // A name cannot be resolved without the list: every contact written to the PSA would fail. The id is asked for.
    if (keys.has(key) && list === null && unreadable !== undefined && typeof value === 'string')
      problems.push({ key, message: unreadable, choices: [] });
    if (!keys.has(key) || list === null) continue;
    const found =
      typeof value === 'number'
        ? list.some((type) => type.id === value)
        : list.some((type) => foldName(type.name) === foldName(value));
    if (!found)
      problems.push({
        key,
        message: `${what} has no ${typeof value === 'number' ? `type with the id ${value}` : `"${value}"`}: ${list.length === 0 ? 'there are none' : `the names are: ${list.map((t) => `"${t.name}" (${t.id})`).join(', ')}`}.`,
        choices: list.map((type) => type.name),
      });
  }
  if (keys.has('scope.groupIds') && systems.directory !== undefined) {
    for (const groupId of settings.scope.groupIds) {
      // Only a group Microsoft 365 says does not exist is refused; one that cannot be read now is not held against it.
      const missing = await systems
        .directory!.readGroupMembers(tenant.id, groupId)
        .then(() => false)
        .catch((error: unknown) => isConnectorError(error) && error.code === 'NotFound');
      if (missing)
        problems.push({
          key: 'scope.groupIds',
          message: `Microsoft 365 of ${tenant.displayName} has no group ${groupId} that contactsync can read: give the group's object id (Entra admin center, Groups).`,
          choices: [],
        });
    }
  }
  return problems;
}
