import type { DirectoryUser } from '../domain/directory-user.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import { compileGlob } from './glob-pattern.ts';

export type ScopeVerdict =
  | { readonly inScope: true }
  | { readonly inScope: false; readonly reasons: readonly Reason[] };

const IN_SCOPE: ScopeVerdict = Object.freeze({ inScope: true });

export interface ScopeContext {
  readonly settings: Settings['scope'];
  /** the transitive members of `settings.groupIds`; required when groups are configured */
  readonly groupMemberIds: ReadonlySet<string> | null;
}

/** Builds the scope test once per tenant (patterns compiled once) and returns it. */
export function createScopeFilter(context: ScopeContext): (user: DirectoryUser) => ScopeVerdict {
  const { settings, groupMemberIds } = context;
  if (settings.groupIds.length > 0 && groupMemberIds === null) {
    throw new Error(
      'Scope is limited to groups, but their members were not read: the tenant cannot be planned without them.',
    );
  }
  const domains = new Set(settings.upnDomains.map((domain) => domain.trim().toLowerCase().replace(/^@/, '')));
  const excluded = settings.excludeUpnPatterns.map((pattern) => ({
    pattern,
    matches: compileGlob(pattern.trim().toLowerCase()),
  }));

  return (user) => {
    // Most users are in scope: their verdict is the shared one, with no list of reasons made.
    let reasons: Reason[] | null = null;
    const upn = user.userPrincipalName.toLowerCase();
    if (settings.requireEnabled && user.accountEnabled === false) {
      (reasons ??= []).push(
        reason('disabled', 'The account is disabled in Microsoft 365 (sign-in blocked).', 'accountEnabled'),
      );
    }
    if (!settings.includeGuests && (user.userType === 'Guest' || upn.includes('#ext#'))) {
      (reasons ??= []).push(
        reason('guest', 'The user is a guest from another organization, and guests are not synced.', 'userType'),
      );
    }
    if (settings.requireLicense && user.assignedLicenseSkuIds.length === 0) {
      (reasons ??= []).push(
        reason(
          'unlicensed',
          'The user has no Microsoft 365 licence, and only licensed users are synced.',
          'assignedLicenses',
        ),
      );
    }
    if (groupMemberIds !== null && settings.groupIds.length > 0 && !groupMemberIds.has(user.id)) {
      (reasons ??= []).push(
        reason('not-in-group', 'The user is not a member of any of the groups that limit the sync.', 'groupIds'),
      );
    }
    if (domains.size > 0) {
      const domain = upn.slice(upn.lastIndexOf('@') + 1);
      if (!domains.has(domain)) {
        (reasons ??= []).push(
          reason(
            'domain-not-included',
            `The sign-in domain "${domain}" is not one of the synced domains (${[...domains].join(', ')}).`,
            'userPrincipalName',
          ),
        );
      }
    }
    const hit = excluded.length === 0 ? undefined : excluded.find(({ matches }) => matches(upn));
    if (hit !== undefined) {
      (reasons ??= []).push(
        reason(
          'excluded-pattern',
          `The sign-in name matches the exclusion pattern "${hit.pattern}".`,
          'userPrincipalName',
        ),
      );
    }
    return reasons === null ? IN_SCOPE : { inScope: false, reasons };
  };
}
