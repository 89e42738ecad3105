import type { DocAction, PlannedAction, PsaAction } from '../domain/plan.ts';
import { contactIdKey, type Targets } from '../domain/target-profile.ts';

/** The words of the run report (DESIGN.md, the sandbox dump) for what happened in each target. */
export type DocReport = 'created' | 'updated' | 'unchanged' | 'inactivated' | 'mirrored' | 'held' | 'failed' | 'none';
export type PsaReport =
  | 'created'
  | 'linked'
  | 'updated'
  | 'unchanged'
  | 'held'
  | 'disputed'
  | 'inactivated'
  | 'disabled'
  | 'failed'
  | 'none';

export function docReportOf(action: DocAction): DocReport {
  switch (action.kind) {
    case 'create':
      return 'created';
    case 'update':
      return 'updated';
    case 'unchanged':
      return 'unchanged';
    case 'inactivate':
      return 'inactivated';
    case 'mirrored':
      return 'mirrored';
    case 'held':
      return 'held';
    default:
      return 'none';
  }
}

export function psaReportOf(action: PsaAction): PsaReport {
  switch (action.kind) {
    case 'create':
      return 'created';
    case 'link':
      return 'linked';
    case 'update':
      return 'updated';
    case 'inactivate':
      return 'inactivated';
    default:
      return action.kind;
  }
}

/** The documentation contact an action concerns, when it names one. */
export function docContactOf(action: PlannedAction): string | null {
  const doc = action.doc;
  return doc.kind === 'update' || doc.kind === 'unchanged' || doc.kind === 'inactivate' || doc.kind === 'mirrored'
    ? doc.contactId
    : doc.kind === 'none' || doc.kind === 'held'
      ? doc.contactId
      : null;
}

/** The PSA contact an action concerns, when it names one. */
export function psaContactOf(action: PlannedAction): number | null {
  const psa = action.psa;
  return psa.kind === 'link' || psa.kind === 'update' || psa.kind === 'unchanged' || psa.kind === 'inactivate'
    ? psa.contactId
    : psa.kind === 'disabled' || psa.kind === 'none'
      ? psa.contactId
      : null;
}

/** What a user's result says of each target, as the stored result and the run keep it. */
export interface TargetColumns {
  readonly doc: string;
  readonly psa: string;
  readonly docContactId: string | null;
  readonly psaContactId: number | null;
}

/**
 * A user's result as the report, the REST API and `--json` give it: one outcome key per target present, named by the
 * target's id, with `<id>ContactId` beside it.
 */
export function reportedUser<User extends TargetColumns>(
  user: User,
  targets: Targets,
): Omit<User, keyof TargetColumns> & Record<string, unknown> {
  const { doc, psa, docContactId, psaContactId, ...rest } = user;
  return {
    ...rest,
    ...(targets.doc === null ? {} : { [targets.doc.id]: doc, [contactIdKey(targets.doc)]: docContactId }),
    ...(targets.psa === null ? {} : { [targets.psa.id]: psa, [contactIdKey(targets.psa)]: psaContactId }),
  };
}
