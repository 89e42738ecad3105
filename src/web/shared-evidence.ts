import { conflictEvidence, type ConflictEvidence, type EvidenceReaders } from '../operations/conflict-evidence.ts';
import type { ConflictRecord } from '../store/state-store.ts';
import { liveReadsOf } from './live-reads.ts';
import type { WebServices } from './web-context.ts';

function readersOf(services: WebServices): EvidenceReaders | null {
  try {
    const { itglue, bms } = services.apis();
    return { itglue, bms };
  } catch {
    return null;
  }
}

/**
 * The evidence of one tenant's conflicts, its candidates read from IT Glue and BMS: shared by everyone who asks for
 * the same conflicts while nothing about the tenant changes, and counted against the live reads' budget.
 */
export function sharedEvidence(
  services: WebServices,
  tenantId: string,
  conflicts: readonly ConflictRecord[],
): Promise<ConflictEvidence[]> {
  const key = `conflicts:${conflicts
    .map((c) => c.id)
    .toSorted()
    .join(',')}`;
  return liveReadsOf(services).read(tenantId, key, () =>
    conflictEvidence(services.store, readersOf(services), conflicts, services.links),
  );
}
