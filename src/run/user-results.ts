import type { DocContact, DocLocation } from '../domain/doc-contact.ts';
import type { FieldDiff, Plan, PlannedAction } from '../domain/plan.ts';
import type { PsaContact } from '../domain/psa-contact.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { AppliedAction } from '../sync/apply.ts';
import { docCreateDiffs } from '../sync/doc-fields.ts';
import { diffNames, namedDiff, type DiffNames } from '../sync/field-labels.ts';
import { docLabel, psaLabel, type TenantSyncInput } from '../sync/plan.ts';
import { psaCreateDiffs } from '../sync/psa-fields.ts';
import { docContactOf, docReportOf, psaContactOf, psaReportOf } from '../sync/report.ts';

/** What results need to show a plan's changes by name: the ids' names, the documentation platform's locations. */
export interface ResultNames {
  readonly targets: Targets;
  readonly names: DiffNames;
  readonly docLocations: ReadonlyMap<string, DocLocation>;
}

export function resultNames(input: TenantSyncInput): ResultNames {
  return {
    targets: input.targets,
    names: diffNames({
      contactTypes: input.doc.contactTypes,
      emailTypes: input.psa?.emailTypes ?? [],
      phoneTypes: input.psa?.phoneTypes ?? [],
      psaLocations: input.psa?.locations ?? [],
    }),
    docLocations: new Map(input.doc.locations.map((location) => [location.id, location])),
  };
}

/** The changes of an action, by target and in names; a new contact's are every field it is created with. */
export function changesOf(action: PlannedAction, named: ResultNames): FieldDiff[] {
  const { doc, psa } = named.targets;
  const docDiffs =
    action.doc.kind === 'create'
      ? docCreateDiffs(action.doc.fields, { locationsById: named.docLocations })
      : 'diffs' in action.doc
        ? action.doc.diffs
        : [];
  const psaDiffs =
    action.psa.kind === 'create' ? psaCreateDiffs(action.psa.fields) : 'diffs' in action.psa ? action.psa.diffs : [];
  return [
    ...(doc === null ? [] : docDiffs.map((diff) => namedDiff(doc, diff, named.names))),
    ...(psa === null ? [] : psaDiffs.map((diff) => namedDiff(psa, diff, named.names))),
  ];
}

export function toResult(applied: AppliedAction, named: ResultNames): UserResult {
  const { action } = applied;
  return {
    userId: action.userId,
    userPrincipalName: action.userPrincipalName,
    displayName: action.displayName,
    outcome: applied.failure === null ? action.outcome : 'failed',
    rule: action.rule,
    doc: applied.doc,
    psa: applied.psa,
    docContactId: applied.docContactId,
    psaContactId: applied.psaContactId,
    reasons: [...action.reasons, ...(applied.notes ?? []), ...(applied.failure ?? [])],
    diffs: changesOf(action, named),
  };
}

/** What an action would do, as its result would say once applied (a dry run, the plan step of Sync now). */
export function plannedResult(action: PlannedAction, named: ResultNames): UserResult {
  return toResult(
    {
      action,
      doc: docReportOf(action.doc),
      psa: psaReportOf(action.psa),
      docContactId: docContactOf(action),
      psaContactId: psaContactOf(action),
      failure: null,
    },
    named,
  );
}

/** A dispute as the conflicts queue keeps it. */
export type Dispute = Omit<
  ConflictRecord,
  'id' | 'tenantId' | 'status' | 'resolution' | 'resolutionTarget' | 'createdAt'
>;

/** The plan's disputes, with the candidates' names as this run read them, for whoever settles them. */
export function disputesOf(plan: Plan, input: TenantSyncInput): Dispute[] {
  const { targets } = input;
  let docById: Map<string, DocContact> | undefined;
  let psaById: Map<number, PsaContact> | undefined;
  const docName = (id: string) => {
    docById ??= new Map(input.doc.contacts.map((c) => [c.id, c]));
    const contact = docById.get(id);
    return contact === undefined ? id : docLabel(contact);
  };
  const psaName = (id: string) =>
    psaLabel(Number(id), (psaById ??= new Map((input.psa?.contacts ?? []).map((c) => [c.id, c]))));
  return plan.actions.flatMap((action): Dispute[] => {
    const dispute =
      action.doc.kind === 'disputed' && targets.doc !== null
        ? { side: targets.doc.id, candidates: action.doc.candidateIds, label: docName }
        : action.psa.kind === 'disputed' && targets.psa !== null
          ? { side: targets.psa.id, candidates: action.psa.candidateIds.map(String), label: psaName }
          : null;
    if (dispute === null) return [];
    return [
      {
        userId: action.userId,
        userPrincipalName: action.userPrincipalName,
        side: dispute.side as ConflictRecord['side'],
        rule: action.rule,
        candidates: dispute.candidates,
        candidateLabels: Object.fromEntries(dispute.candidates.map((id) => [id, dispute.label(id)])),
      },
    ];
  });
}
