import type { TargetWebApp } from '../domain/target-config.ts';
import type { Targets } from '../domain/target-profile.ts';

/** Links into each system's own web app for one person: Microsoft Entra's, and each target's from its profile. */
export interface DeepLinks {
  readonly microsoft: string;
  readonly doc: string | null;
  readonly psa: string | null;
  /** why there is no link into the documentation platform although the person has a contact, and how to have one */
  readonly docHint: string | null;
  /** the same for the PSA */
  readonly psaHint: string | null;
}

/** Where the installation's targets live on the web, by role. */
export interface LinkSettings {
  readonly doc: TargetWebApp | null;
  readonly psa: TargetWebApp | null;
}

/** Each target's web app from its block of the config (a target without a block: its defaults). */
export function webAppsOf(targets: Targets, blocks: Readonly<Record<string, unknown>> = {}): LinkSettings {
  return {
    doc: targets.doc === null ? null : targets.doc.webApp(blocks[targets.doc.id] ?? null),
    psa: targets.psa === null ? null : targets.psa.webApp(blocks[targets.psa.id] ?? null),
  };
}

export function deepLinks(
  ids: {
    readonly tenantId: string;
    readonly userId: string;
    readonly docCustomerId: string | null;
    readonly docContactId: string | null;
    readonly psaContactId: number | null;
  },
  settings: LinkSettings,
): DeepLinks {
  // A link to the PSA alone (no documentation contact yet) has an empty documentation id.
  const hasContact = ids.docContactId !== null && ids.docContactId !== '' && ids.docCustomerId !== null;
  const doc = hasContact ? (settings.doc?.contactPage(ids.docCustomerId, ids.docContactId!) ?? null) : null;
  const psa = ids.psaContactId === null ? null : (settings.psa?.contactPage(null, String(ids.psaContactId)) ?? null);
  return {
    microsoft: `https://entra.microsoft.com/${encodeURIComponent(ids.tenantId)}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${encodeURIComponent(ids.userId)}`,
    doc,
    psa,
    docHint: hasContact && doc === null ? (settings.doc?.missingLink ?? null) : null,
    psaHint: ids.psaContactId !== null && psa === null ? (settings.psa?.missingLink ?? null) : null,
  };
}
