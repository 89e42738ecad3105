import type { DocContact } from '../domain/doc-contact.ts';
import type { Link } from '../domain/link.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import { storedEmailKey } from '../sync/match.ts';
import type { RunnerDependencies } from './run-dependencies.ts';

/** A link to the documentation platform's contact `contactId`, on the user's link when there is one. */
function withDocContact(link: Link | null, userId: string, contactId: string): Link {
  return link === null
    ? {
        userId,
        docContactId: contactId,
        psaContactId: null,
        rule: null,
        syncDisabled: 'none',
        ownedEmails: [],
        ownedPhones: [],
        psaPushed: null,
      }
    : { ...link, docContactId: contactId };
}

/**
 * Finishes what a crashed run left between a write and its record: a contact it created is looked up by email in
 * its target (the documentation platform's contacts as this run read them; the PSA asked). Anything else is marked
 * failed: the new plan decides again from what the targets hold. Returns how many writes were recovered.
 */
export async function recoverJournal(
  deps: Pick<RunnerDependencies, 'store' | 'targets' | 'psa' | 'log'>,
  tenant: TenantRecord,
  docContacts: readonly DocContact[],
): Promise<number> {
  const { store, targets, psa } = deps;
  const unfinished = await store.unfinishedJournal(tenant.id);
  let recovered = 0;
  for (const entry of unfinished) {
    const payload = entry.payload as { email?: string | null; accountId?: number | null };
    const link = await store.getLink(tenant.id, entry.userId);
    const email = entry.operation === 'create' && payload.email ? payload.email.toLowerCase() : null;
    let done: { readonly contactId: string; readonly link: Link } | null = null;
    if (email !== null && entry.system === targets.doc?.id) {
      const found = docContacts.filter((c) => c.emails.some((e) => e.primary && storedEmailKey(e.value) === email));
      if (found.length === 1)
        done = { contactId: found[0]!.id, link: withDocContact(link, entry.userId, found[0]!.id) };
    } else if (email !== null && entry.system === targets.psa?.id && psa !== null && link !== null) {
      const accountId = payload.accountId ?? null;
      const found = accountId === null ? [] : await psa.findContactsByEmail(accountId, email);
      if (found.length === 1) done = { contactId: String(found[0]!.id), link: { ...link, psaContactId: found[0]!.id } };
    }
    if (done === null) {
      await store.journalFailed(entry.id, 'interrupted; superseded by the next run');
      continue;
    }
    await store.journalDone(entry.id, done.contactId, { tenantId: tenant.id, link: done.link });
    recovered += 1;
  }
  if (unfinished.length > 0)
    deps.log?.('info', 'recovered interrupted writes', {
      tenantId: tenant.id,
      unfinished: unfinished.length,
      recovered,
    });
  return recovered;
}
