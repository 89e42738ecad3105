import { conflictEvidence, type ConflictEvidence, type EvidenceReaders } from '../operations/conflict-evidence.ts';
import type { RelinkSystems } from '../operations/contact-decisions.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import { liveReadsOf, type ReadOptions } from './live-reads.ts';
import type { WebServices } from './web-context.ts';

function readersOf(services: WebServices): EvidenceReaders | null {
  try {
    const { doc, psa } = services.apis();
    return { doc, psa };
  } catch {
    return null;
  }
}

/**
 * The evidence of one tenant's conflicts, its candidates read from the targets: shared by everyone who asks for
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
    conflictEvidence(services.store, readersOf(services), conflicts, services.targets, services.links),
  );
}

/**
 * The contact lists a person can be linked to from, read once per customer record of each target and shared by everyone
 * who asks about any user of the tenant, counted against the live reads' budget; `fresh` for an admin's choice.
 */
export function sharedContactLists(services: WebServices, tenantId: string, options: ReadOptions = {}): RelinkSystems {
  const { doc, psa } = services.apis();
  const reads = liveReadsOf(services);
  return {
    doc: {
      readContact: (id) =>
        reads.read(tenantId, `doc-contact:${id}`, async () => (doc === null ? null : doc.readContact(id)), options),
      listContacts: (customerId) =>
        reads.read(
          tenantId,
          `doc-contacts:${customerId}`,
          async () => (doc === null ? [] : doc.listContacts(customerId)),
          options,
        ),
    },
    psa:
      psa === null
        ? null
        : {
            listContacts: (customerId) =>
              reads.read(tenantId, `psa-contacts:${customerId}`, () => psa.listContacts(customerId), options),
          },
  };
}
