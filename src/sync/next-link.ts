import { NO_DOC_CONTACT, type Link } from '../domain/link.ts';
import type { PlannedAction } from '../domain/plan.ts';

/** The ids of records the apply step created for an action. */
export interface CreatedIds {
  /** `NO_DOC_CONTACT` when the user has no documentation contact to write (no platform, or held from it) */
  readonly docContactId: string | null;
  readonly psaContactId: number | null;
}

/**
 * The link a user has once its action is applied: the contact ids (created or matched), what contactsync now owns
 * on the documentation contact, and the PSA fields as written. Null when the action leaves no link.
 */
export function nextLink(action: PlannedAction, previous: Link | null, created: CreatedIds): Link | null {
  if (action.link === null) return previous;
  const { doc, psa } = action;
  const docContactId =
    doc.kind === 'create'
      ? created.docContactId
      : doc.kind === 'update' ||
          doc.kind === 'unchanged' ||
          doc.kind === 'inactivate' ||
          doc.kind === 'mirrored' ||
          doc.kind === 'held' ||
          doc.kind === 'none'
        ? doc.contactId
        : null;
  if (docContactId === null)
    return created.docContactId === NO_DOC_CONTACT || doc.kind === 'held'
      ? psaOnlyLink(action, previous, created)
      : previous;
  let psaContactId = previous?.psaContactId ?? null;
  let psaPushed = previous?.psaPushed ?? null;
  switch (psa.kind) {
    case 'create':
      psaContactId = created.psaContactId;
      psaPushed = psa.fields;
      break;
    case 'link':
    case 'update':
      psaContactId = psa.contactId;
      psaPushed = psa.fields;
      break;
    case 'unchanged':
      if (psa.remember !== undefined) psaPushed = psa.remember;
      break;
    case 'inactivate':
      psaPushed = psaPushed === null ? null : { ...psaPushed, isActive: false };
      break;
    default:
      break;
  }
  return {
    userId: action.userId,
    docContactId,
    psaContactId,
    rule: action.link.rule,
    syncDisabled: previous?.syncDisabled ?? 'none',
    ownedEmails: action.link.ownedEmails,
    ownedPhones: action.link.ownedPhones,
    psaPushed,
    // A PSA contact a person chose stays theirs while the sync keeps it; another contact is the sync's own choice.
    psaOrigin: psaContactId !== null && psaContactId === previous?.psaContactId ? (previous.psaOrigin ?? null) : null,
  };
}

/** The link of a user written to the PSA alone: none until the user has a PSA contact. */
function psaOnlyLink(action: PlannedAction, previous: Link | null, created: CreatedIds): Link | null {
  const next = nextLink({ ...action, doc: { kind: 'unchanged', contactId: NO_DOC_CONTACT } }, previous, created);
  return next?.psaContactId === null ? previous : next;
}
