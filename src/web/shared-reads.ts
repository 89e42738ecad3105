import { conflictEvidence, type ConflictEvidence, type EvidenceReaders } from '../operations/conflict-evidence.ts';
import type { RelinkSystems } from '../operations/contact-decisions.ts';
import type { ConflictRecord } from '../store/state-store.ts';
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
    conflictEvidence(services.store, readersOf(services), conflicts, services.targets, services.links),
  );
}

/**
 * The contact lists a person can be linked to from, read once per organization (or account) and shared by everyone
 * who asks about any user of the tenant, counted against the live reads' budget; `fresh` for an admin's choice.
 */
export function sharedContactLists(services: WebServices, tenantId: string, options: ReadOptions = {}): RelinkSystems {
  const { doc: itglue, psa: bms } = services.apis();
  const reads = liveReadsOf(services);
  return {
    doc: {
      readContact: (id) => reads.read(tenantId, `itglue-contact:${id}`, () => itglue.readContact(id), options),
      listContacts: (organizationId) =>
        reads.read(tenantId, `itglue-contacts:${organizationId}`, () => itglue.listContacts(organizationId), options),
    },
    psa:
      bms === null
        ? null
        : {
            listContacts: (accountId) =>
              reads.read(tenantId, `bms-contacts:${accountId}`, () => bms.listContacts(accountId), options),
          },
  };
}
