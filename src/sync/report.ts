import type { DocAction, PlannedAction, PsaAction } from '../domain/plan.ts';

/** The words of the run report (DESIGN.md, the sandbox dump) for what happened in each system. */
export type ItGlueReport = 'created' | 'updated' | 'unchanged' | 'inactivated' | 'mirrored' | 'failed' | 'none';
export type BmsReport =
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

export function itglueReport(action: DocAction): ItGlueReport {
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
    default:
      return 'none';
  }
}

export function bmsReport(action: PsaAction): BmsReport {
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

/** The IT Glue contact an action concerns, when it names one. */
export function itglueContactOf(action: PlannedAction): string | null {
  const doc = action.itglue;
  return doc.kind === 'update' || doc.kind === 'unchanged' || doc.kind === 'inactivate' || doc.kind === 'mirrored'
    ? doc.contactId
    : doc.kind === 'none'
      ? doc.contactId
      : null;
}

export function bmsContactOf(action: PlannedAction): number | null {
  const psa = action.bms;
  return psa.kind === 'link' || psa.kind === 'update' || psa.kind === 'unchanged' || psa.kind === 'inactivate'
    ? psa.contactId
    : psa.kind === 'disabled' || psa.kind === 'none'
      ? psa.contactId
      : null;
}
