import type { Link } from '../domain/link.ts';
import type { PlannedAction } from '../domain/plan.ts';

/** The ids of records the apply step created for an action. */
export interface CreatedIds {
  readonly docContactId: string | null;
  readonly psaContactId: number | null;
}

/**
 * The link a user has once its action is applied: the contact ids (created or matched), what contactsync now owns
 * on the IT Glue contact, and the BMS fields as written. Null when the action leaves no link.
 */
export function nextLink(action: PlannedAction, previous: Link | null, created: CreatedIds): Link | null {
  if (action.link === null) return previous;
  const { doc: itglue, psa: bms } = action;
  const docContactId =
    itglue.kind === 'create'
      ? created.docContactId
      : itglue.kind === 'update' ||
          itglue.kind === 'unchanged' ||
          itglue.kind === 'inactivate' ||
          itglue.kind === 'mirrored'
        ? itglue.contactId
        : itglue.kind === 'none'
          ? itglue.contactId
          : null;
  if (docContactId === null) return previous;
  let psaContactId = previous?.psaContactId ?? null;
  let psaPushed = previous?.psaPushed ?? null;
  switch (bms.kind) {
    case 'create':
      psaContactId = created.psaContactId;
      psaPushed = bms.fields;
      break;
    case 'link':
    case 'update':
      psaContactId = bms.contactId;
      psaPushed = bms.fields;
      break;
    case 'unchanged':
      if (bms.remember !== undefined) psaPushed = bms.remember;
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
    // A BMS contact a person chose stays theirs while the sync keeps it; another contact is the sync's own choice.
    psaOrigin: psaContactId !== null && psaContactId === previous?.psaContactId ? (previous.psaOrigin ?? null) : null,
  };
}
