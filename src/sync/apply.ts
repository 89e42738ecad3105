import type { DocContactFields, DocContactPatch } from '../domain/doc-contact.ts';
import { NO_DOC_CONTACT, type Link } from '../domain/link.ts';
import type { FieldDiff, PlannedAction } from '../domain/plan.ts';
import type { PsaContactFields } from '../domain/psa-contact.ts';
import type { DocStore, Psa, WriteResult } from '../domain/ports.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { TargetProfile, Targets } from '../domain/target-profile.ts';
import { yieldToSmallRuns } from '../connectors/http/run-priority.ts';
import type { IntentEntry } from '../domain/journal-entry.ts';
import type { StateStore } from '../store/state-store.ts';
import {
  ContractGuard,
  docMismatch,
  mismatchReason,
  psaMismatch,
  unreadableReason,
  type GuardedSystem,
  type WriteKind,
} from './contract-guard.ts';
import { crashPoint } from './crash-points.ts';
import { nextLink } from './next-link.ts';
import { docContactOf, docReportOf, psaContactOf, psaReportOf, type DocReport, type PsaReport } from './report.ts';

/** A large run steps aside for small runs every this many PSA writes. */
const PSA_YIELD_EVERY = 25;

export interface ApplyContext {
  readonly tenantId: string;
  readonly runId: string;
  readonly organizationId: string;
  readonly accountId: number | null;
  readonly store: StateStore;
  /** the targets of the installation: a role without one is not written */
  readonly targets: Targets;
  /** null when the installation has no documentation platform */
  readonly doc: DocStore | null;
  readonly psa: Psa | null;
  readonly links: ReadonlyMap<string, Link>;
  /** called after each write, with the number of writes done and planned */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What became of one planned action. */
export interface AppliedAction {
  readonly action: PlannedAction;
  readonly doc: DocReport;
  readonly psa: PsaReport;
  readonly docContactId: string | null;
  readonly psaContactId: number | null;
  /** why a write failed; null when every write of the action went through */
  readonly failure: readonly Reason[] | null;
  /** fields a write that went through kept as the target holds them, and why */
  readonly notes?: readonly Reason[];
}

interface UserState {
  link: Link | null;
  docId: string | null;
  psaId: number | null;
  failure: Reason[] | null;
  notes: Reason[];
  docFailed: boolean;
  psaFailed: boolean;
}

function failureOf(error: unknown, target: TargetProfile): Reason[] {
  return [reason(`${target.id}-failed`, `${target.words.name} could not be written: ${(error as Error).message}`)];
}

function sameLink(a: Link | null, b: Link | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The action with its PSA leg set aside: the link after the documentation writes alone. */
function docLeg(action: PlannedAction, previous: Link | null): PlannedAction {
  return { ...action, psa: { kind: 'none', contactId: previous?.psaContactId ?? null } };
}

/** The action with its documentation leg done: the link after the PSA write. */
function psaLeg(action: PlannedAction, docId: string): PlannedAction {
  return { ...action, doc: { kind: 'unchanged', contactId: docId } };
}

/**
 * Runs a plan through the ports: the documentation platform's creates and updates in batches, then each PSA write.
 * A role the installation has no target for is not written; the PSA is written alone when there is no documentation
 * platform, and otherwise after the user's documentation write (a user whose documentation write failed waits). Every write is journalled
 * first (an intent with an idempotency key), and its result is stored together with the link it produced, so that a
 * crash at any point leaves either nothing done, or the write done and recorded, or the write done and not yet
 * recorded — which the next run recovers by looking the target up by email. One user's failure never stops the others.
 */
export async function applyPlan(actions: readonly PlannedAction[], context: ApplyContext): Promise<AppliedAction[]> {
  const { store, tenantId, runId, targets } = context;
  const hasDoc = targets.doc !== null;
  const states = new Map<string, UserState>();
  for (const action of actions) {
    states.set(action.userId, {
      link: context.links.get(action.userId) ?? null,
      // A user held from the documentation platform with no contact there goes to the PSA as without a platform.
      docId:
        hasDoc && !(action.doc.kind === 'held' && action.doc.contactId === null)
          ? docContactOf(action)
          : NO_DOC_CONTACT,
      psaId: psaContactOf(action),
      failure: null,
      notes: [],
      docFailed: false,
      psaFailed: false,
    });
  }
  const stateOf = (action: PlannedAction): UserState => states.get(action.userId)!;
  const docWrites = actions.filter(
    (a) => a.doc.kind === 'create' || a.doc.kind === 'update' || a.doc.kind === 'inactivate',
  );
  const psaWrites = actions.filter(
    (a) =>
      a.psa.kind === 'create' ||
      a.psa.kind === 'update' ||
      a.psa.kind === 'inactivate' ||
      (a.psa.kind === 'link' && a.psa.write),
  );
  const total = docWrites.length + psaWrites.length;
  let done = 0;
  const progressed = (count: number): void => {
    done += count;
    context.onProgress?.(done, total);
  };

  /** The target that plays a role here; only asked for a role whose writes are planned. */
  const targetOf = (system: GuardedSystem): TargetProfile => (system === 'doc' ? targets.doc : targets.psa)!;
  /** A write's journal entry, keyed so that the same write of the same run is one intent. */
  const intentOf = (action: PlannedAction, system: GuardedSystem, operation: string, payload: unknown): IntentEntry => {
    // The journal names the target by its id (a stored value).
    const target = targetOf(system).id as IntentEntry['system'];
    return {
      runId,
      tenantId,
      userId: action.userId,
      system: target,
      operation,
      payload,
      key: `${runId}/${action.userId}/${target}/${operation}`,
    };
  };
  const intent = async (
    action: PlannedAction,
    system: GuardedSystem,
    operation: string,
    payload: unknown,
  ): Promise<string> => {
    crashPoint();
    const id = await store.journalIntent(intentOf(action, system, operation, payload));
    crashPoint();
    return id;
  };

  const settle = async (
    action: PlannedAction,
    journalId: string,
    result: WriteResult<string | number>,
    system: GuardedSystem,
    link: () => Link | null,
  ): Promise<void> => {
    const state = stateOf(action);
    if (!result.ok) {
      await store.journalFailed(journalId, result.reasons.map((r) => r.message).join('; '));
      state.failure = [...(state.failure ?? []), ...result.reasons];
      if (system === 'doc') state.docFailed = true;
      else state.psaFailed = true;
      return;
    }
    if (system === 'doc') state.docId = String(result.id);
    else state.psaId = Number(result.id);
    state.notes.push(...(result.notes ?? []));
    const next = link();
    await store.journalDone(journalId, String(result.id), next === null ? null : { tenantId, link: next });
    state.link = next;
    crashPoint();
  };

  const guard = new ContractGuard({ doc: targets.doc?.words.name ?? '', psa: targets.psa?.words.name ?? '' });
  /** A record the stopped target will not take: its leg fails with the reason, and nothing is sent. */
  const refuse = (action: PlannedAction, system: GuardedSystem, why: Reason): void => {
    const state = stateOf(action);
    state.failure = [...(state.failure ?? []), why];
    if (system === 'doc') state.docFailed = true;
    else state.psaFailed = true;
  };
  /** Reads the first write of a kind back; a field that did not land stops the target for the run. */
  const verify = async (
    action: PlannedAction,
    system: GuardedSystem,
    kind: WriteKind,
    check: () => Promise<{ readonly field: string; readonly sent: unknown; readonly found: unknown } | null | 'gone'>,
  ): Promise<void> => {
    const name = targetOf(system).words.name;
    let mismatch: Reason | null;
    try {
      const found = await check();
      mismatch =
        found === 'gone'
          ? unreadableReason(name, kind, 'it was not found')
          : found === null
            ? null
            : mismatchReason(name, kind, found);
    } catch (error) {
      mismatch = unreadableReason(name, kind, (error as Error).message);
    }
    if (mismatch === null) {
      guard.checkedOk(system, kind);
      return;
    }
    guard.stop(system, mismatch);
    refuse(action, system, mismatch);
  };

  // The documentation platform: creates, then updates (inactivations are updates of the contact type), in batches of
  // the platform's size. Until the first write of a kind has been read back, that kind is written one record at a time.
  const docBatches = async (
    docStore: DocStore,
    target: TargetProfile,
    kind: 'create' | 'update',
    writes: readonly PlannedAction[],
  ): Promise<void> => {
    for (let start = 0; start < writes.length;) {
      await yieldToSmallRuns();
      const stopped = guard.stopped('doc');
      if (stopped !== null) {
        for (const action of writes.slice(start)) refuse(action, 'doc', stopped);
        progressed(writes.length - start);
        return;
      }
      const probing = guard.needsCheck('doc', kind);
      const batch = writes.slice(start, start + (probing ? 1 : target.writeBatch));
      start += batch.length;
      // The batch's intents in one go: its request is one write, so it is journalled as one.
      crashPoint();
      const journal = await store.journalIntents(
        batch.map((action) =>
          intentOf(action, 'doc', kind, {
            email:
              action.doc.kind === 'create' ? (action.doc.fields.emails.find((e) => e.primary)?.value ?? null) : null,
            organizationId: context.organizationId,
            contactId: docContactOf(action),
          }),
        ),
      );
      crashPoint();
      let results: readonly WriteResult<string>[];
      try {
        results =
          kind === 'create'
            ? await docStore.createContacts(
                context.organizationId,
                batch.map((a) => (a.doc as { fields: DocContactFields }).fields),
              )
            : await docStore.updateContacts(
                batch.map((a) => ({ id: docContactOf(a)!, patch: (a.doc as { patch: DocContactPatch }).patch })),
              );
      } catch (error) {
        results = batch.map(() => ({ ok: false, reasons: failureOf(error, target) }));
      }
      crashPoint();
      const settled: { action: PlannedAction; id: string; targetId: string; link: Link | null }[] = [];
      for (let i = 0; i < batch.length; i++) {
        const action = batch[i]!;
        const result = results[i]!;
        const state = stateOf(action);
        if (!result.ok) {
          await settle(action, journal[i]!, result, 'doc', () => null);
          continue;
        }
        state.docId = result.id;
        const link = nextLink(docLeg(action, state.link), state.link, {
          docContactId: state.docId,
          psaContactId: null,
        });
        settled.push({ action, id: journal[i]!, targetId: result.id, link });
      }
      await store.journalSettled(
        settled.map((one) => ({
          id: one.id,
          targetId: one.targetId,
          link: one.link === null ? null : { tenantId, link: one.link },
        })),
      );
      for (const one of settled) stateOf(one.action).link = one.link;
      crashPoint();
      const written = results[0];
      if (probing && written?.ok === true) {
        const action = batch[0]!;
        const sent =
          action.doc.kind === 'create' ? action.doc.fields : (action.doc as { readonly patch: DocContactPatch }).patch;
        await verify(action, 'doc', kind, async () => {
          const found = await docStore.readContact(written.id);
          return found === null ? 'gone' : docMismatch(sent, found, target.flatContact === true);
        });
      }
      progressed(batch.length);
    }
  };
  if (context.doc !== null && targets.doc !== null) {
    await docBatches(
      context.doc,
      targets.doc,
      'create',
      docWrites.filter((a) => a.doc.kind === 'create'),
    );
    await docBatches(
      context.doc,
      targets.doc,
      'update',
      docWrites.filter((a) => a.doc.kind !== 'create'),
    );
  }

  // Links of users matched without a documentation write (an alias match that needs no change) are stored too.
  const written = new Set(docWrites);
  const matched: Link[] = [];
  for (const action of actions) {
    if (written.has(action)) continue;
    const state = stateOf(action);
    const next = nextLink(docLeg(action, state.link), state.link, { docContactId: null, psaContactId: null });
    if (next !== null && !sameLink(next, state.link)) {
      matched.push(next);
      state.link = next;
    }
  }
  await store.saveLinks(tenantId, matched);

  // The PSA: one contact at a time, after its documentation contact is written.
  const psaTarget = targets.psa;
  for (const [index, action] of psaWrites.entries()) {
    if (index % PSA_YIELD_EVERY === 0) await yieldToSmallRuns();
    const state = stateOf(action);
    if (
      state.failure !== null ||
      state.docId === null ||
      context.psa === null ||
      context.accountId === null ||
      psaTarget === null
    )
      continue;
    const stopped = guard.stopped('psa');
    if (stopped !== null) {
      refuse(action, 'psa', stopped);
      progressed(1);
      continue;
    }
    const psa = action.psa;
    const docId = state.docId;
    const linkAfter = (): Link | null =>
      nextLink(psaLeg(action, docId), state.link, { docContactId: docId, psaContactId: state.psaId });
    let operation: string;
    let run: () => Promise<WriteResult<number>>;
    if (psa.kind === 'create') {
      operation = 'create';
      run = () => context.psa!.createContact(context.accountId!, psa.fields);
    } else if (psa.kind === 'update' || psa.kind === 'link') {
      operation = psa.kind;
      run = () => context.psa!.updateContact(context.accountId!, psa.contactId, psa.fields, changedFields(psa.diffs));
    } else if (psa.kind === 'inactivate') {
      operation = 'inactivate';
      run = () => context.psa!.inactivateContact(context.accountId!, psa.contactId);
    } else continue;
    const journalId = await intent(action, 'psa', operation, {
      email: psa.kind === 'create' ? psa.fields.emailAddress : null,
      accountId: context.accountId,
      contactId: psaContactOf(action),
    });
    let result: WriteResult<number>;
    try {
      result = await run();
    } catch (error) {
      result = { ok: false, reasons: failureOf(error, psaTarget) };
    }
    crashPoint();
    await settle(action, journalId, result, 'psa', linkAfter);
    const kind: WriteKind = psa.kind === 'create' ? 'create' : psa.kind === 'inactivate' ? 'inactivate' : 'update';
    if (result.ok && guard.needsCheck('psa', kind)) {
      // A field the PSA kept as it was, to lose nothing (the write's notes name it), is not read back.
      const kept = new Set(result.notes?.map((n) => n.field));
      const sent =
        psa.kind === 'inactivate'
          ? { isActive: false }
          : (Object.fromEntries(
              Object.entries(psa.fields).filter(([field]) => !kept.has(field)),
            ) as Partial<PsaContactFields>);
      const port = context.psa;
      await verify(action, 'psa', kind, async () => {
        const found = await port.readContact(result.id);
        return found === null ? 'gone' : psaMismatch(sent, found);
      });
    }
    progressed(1);
  }

  // A PSA link that needed no write is stored as a link all the same, and so are the fields a linked contact was found
  // to hold already.
  const linked: Link[] = [];
  for (const action of actions) {
    const psa = action.psa;
    const kept =
      psa.kind === 'link' && !psa.write
        ? psa.contactId
        : psa.kind === 'unchanged' && psa.remember !== undefined
          ? psa.contactId
          : null;
    if (kept === null) continue;
    const state = stateOf(action);
    if (state.docId === null || state.failure !== null) continue;
    state.psaId = kept;
    const next = nextLink(psaLeg(action, state.docId), state.link, {
      docContactId: state.docId,
      psaContactId: state.psaId,
    });
    if (next !== null && !sameLink(next, state.link)) {
      linked.push(next);
      state.link = next;
    }
  }
  await store.saveLinks(tenantId, linked);

  const psaPlanned = new Set(psaWrites);
  return actions.map((action) => {
    const state = stateOf(action);
    return {
      action,
      doc: state.docFailed ? 'failed' : docReportOf(action.doc),
      // A PSA write is not tried when the documentation write failed.
      psa: state.psaFailed ? 'failed' : state.docFailed && psaPlanned.has(action) ? 'none' : psaReportOf(action.psa),
      docContactId: hasDoc && state.docId !== NO_DOC_CONTACT ? state.docId : null,
      psaContactId: state.psaId,
      failure: state.failure,
      ...(state.notes.length === 0 ? {} : { notes: state.notes }),
    };
  });
}

/** The PSA fields a planned write changes, from its diffs (a diff names a field of the PSA contact). */
function changedFields(diffs: readonly FieldDiff[]): (keyof PsaContactFields)[] {
  return diffs.map((d) => d.field as keyof PsaContactFields);
}
