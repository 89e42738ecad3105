import type { TargetId } from './target-profile.ts';
import type { PsaContactFields } from './psa-contact.ts';
import type { Targets } from './target-profile.ts';

/** The matching rules, in the order they are tried. */
export type MatchRule = 'link' | 'alias' | 'username' | 'name';

/** How a link was first made: by a matching rule, or by a person who chose the contact ("linked by hand"). */
export type LinkOrigin = MatchRule | 'hand';

/** How a link came to be, in words: the rule that matched, "linked by hand", or created by contactsync. */
export function linkOriginText(rule: LinkOrigin | null): string {
  return rule === 'hand' ? 'linked by hand' : (rule ?? 'created by contactsync');
}

/** How a link came to be, in words, with "<PSA>: linked by hand" when a person chose its PSA contact. */
export function linkedByText(link: Pick<Link, 'rule' | 'psaContactId' | 'psaOrigin'>, targets: Targets): string {
  // With a PSA alone, the link is the PSA contact's.
  if (targets.doc === null) return linkOriginText(link.psaOrigin === 'hand' ? 'hand' : link.rule);
  const psa =
    link.psaContactId !== null && link.psaOrigin === 'hand'
      ? `; ${targets.psa?.words.name ?? 'PSA'}: linked by hand`
      : '';
  return `${linkOriginText(link.rule)}${psa}`;
}

/**
 * Which legs of the sync leave a contact alone: `psa` (the PSA only) or `all` (the PSA and the Microsoft →
 * documentation platform leg).
 */
export type SyncDisabled = 'none' | 'psa' | 'all';

/** A phone contactsync wrote, remembered so that only its own phones are ever replaced. */
export interface OwnedPhone {
  /** E.164 when the number is valid, else its digits */
  readonly key: string;
  readonly label: string;
  /** written only because Microsoft 365 had no phone (the `blankReplacement` setting) */
  readonly placeholder: boolean;
}

/** What ties one directory user to its contact in the documentation platform and its contact in the PSA. */
export interface Link {
  readonly userId: string;
  readonly docContactId: string;
  readonly psaContactId: number | null;
  /** how the documentation contact was first matched ("hand": a person chose it); null when contactsync created it */
  readonly rule: LinkOrigin | null;
  /**
   * "hand" when a person chose the PSA contact (a resolved dispute, a relink); kept while the PSA contact stays the
   * same. Null or absent: matched or created by the sync (and every link stored before this was recorded).
   */
  readonly psaOrigin?: 'hand' | null;
  readonly syncDisabled: SyncDisabled;
  /** lower-case addresses contactsync wrote on the documentation contact */
  readonly ownedEmails: readonly string[];
  readonly ownedPhones: readonly OwnedPhone[];
  /** the PSA fields as last written, for the fields the PSA's listings do not report */
  readonly psaPushed: PsaContactFields | null;
}

/**
 * The documentation contact id of a link in an installation without a documentation platform, or of a user held from
 * it who has no contact there: the link ties the user to its PSA contact alone.
 */
export const NO_DOC_CONTACT = '';

/**
 * A link a person makes for a user that has none: to the documentation contact they chose, or (`docContactId` empty)
 * in an installation without a documentation platform, to be given the PSA contact they chose.
 */
export function handLink(userId: string, docContactId: string): Link {
  return {
    userId,
    docContactId,
    psaContactId: null,
    rule: 'hand',
    syncDisabled: 'none',
    ownedEmails: [],
    ownedPhones: [],
    psaPushed: null,
  };
}

/**
 * The link with the PSA contact a person chose: the user's link, or without one (a PSA alone) a link of its own with no
 * documentation contact.
 */
export function withHandPsaContact(link: Link | null, userId: string, psaContactId: number): Link {
  return { ...(link ?? handLink(userId, NO_DOC_CONTACT)), psaContactId, psaOrigin: 'hand' };
}

/** An operator's answer to a dispute that is not a link (a link is stored as a Link). */
export interface OperatorDecision {
  readonly userId: string;
  /** the id of the target the dispute was in */
  readonly side: TargetId;
  readonly choice: 'create' | 'ignore';
}
