import type { NamedRecord } from '../domain/ports.ts';
import { foldName } from '../normalize/name.ts';

/** What mapping by name decides for one tenant. */
export type AutoMapping =
  | {
      readonly kind: 'map';
      readonly organization: NamedRecord<string>;
      /** null: IT Glue alone (BMS has no account of the name, or BMS is not configured) */
      readonly account: NamedRecord<number> | null;
      /** what a technician is told about the BMS leg; null when both systems are mapped */
      readonly note: string | null;
    }
  | { readonly kind: 'unmapped'; readonly note: string };

/**
 * Maps a tenant by name (DESIGN.md): the IT Glue organization and the BMS account whose folded names equal the
 * tenant's. IT Glue alone when BMS has no such account; unmapped, saying which system lacks the name, when IT Glue
 * has no organization of it. An organization or account another tenant uses is never taken by name.
 */
export function autoMapping(
  displayName: string,
  organizations: readonly NamedRecord<string>[],
  accounts: readonly NamedRecord<number>[] | null,
  taken: { readonly organizations: ReadonlySet<string>; readonly accounts: ReadonlySet<number> },
): AutoMapping {
  const name = foldName(displayName);
  const orgs = organizations.filter((o) => foldName(o.name) === name);
  const accts = accounts === null ? [] : accounts.filter((a) => foldName(a.name) === name);
  const bmsLacks = accounts !== null && accts.length === 0;
  const fix = 'map it on its page, or with contactsync tenants map';
  if (orgs.length === 0)
    return {
      kind: 'unmapped',
      note: `IT Glue has no organization named "${displayName}"${bmsLacks ? `, and BMS has no account of that name` : ''}: ${fix}.`,
    };
  if (orgs.length > 1)
    return { kind: 'unmapped', note: `IT Glue has ${orgs.length} organizations named "${displayName}": ${fix}.` };
  const organization = orgs[0]!;
  if (taken.organizations.has(organization.id))
    return {
      kind: 'unmapped',
      note: `IT Glue organization "${organization.name}" is already mapped to another tenant: ${fix}.`,
    };
  if (accounts === null)
    return { kind: 'map', organization, account: null, note: 'BMS is not configured: only IT Glue is synced.' };
  if (accts.length > 1)
    return { kind: 'unmapped', note: `BMS has ${accts.length} accounts named "${displayName}": ${fix}.` };
  const account = accts[0];
  if (account === undefined)
    return {
      kind: 'map',
      organization,
      account: null,
      note: `BMS has no account named "${displayName}": only IT Glue is synced (${fix} when there is one).`,
    };
  if (taken.accounts.has(account.id))
    return { kind: 'unmapped', note: `BMS account "${account.name}" is already mapped to another tenant: ${fix}.` };
  return { kind: 'map', organization, account, note: null };
}
