import type { DocContact } from '../domain/doc-contact.ts';
import type { Link } from '../domain/link.ts';
import type { PsaContact } from '../domain/psa-contact.ts';

/** How a person is named once Microsoft 365 no longer has them: a sign-in address and a display name. */
export interface FormerName {
  readonly userPrincipalName: string;
  readonly displayName: string | null;
}

function joined(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((part) => part !== null && part.trim() !== '').join(' ');
  return name === '' ? null : name;
}

/**
 * A user gone from the directory, named from what their link last knew: the documentation contact's name and primary
 * email, else the PSA fields as last written, else the PSA contact. A person approving the contact's inactivation sees who.
 */
export function formerName(link: Link, doc: DocContact | null, psa: PsaContact | null): FormerName {
  const docEmail = doc === null ? null : (doc.emails.find((email) => email.primary) ?? doc.emails[0] ?? null);
  return {
    userPrincipalName: docEmail?.value ?? link.psaPushed?.emailAddress ?? psa?.emailAddress ?? '',
    displayName:
      (doc === null ? null : joined(doc.firstName, doc.lastName)) ??
      (link.psaPushed === null ? null : joined(link.psaPushed.firstName, link.psaPushed.lastName)) ??
      (psa === null ? null : joined(psa.firstName, psa.lastName)),
  };
}
