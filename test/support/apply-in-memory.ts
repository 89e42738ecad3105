import type { DocContact } from '../../src/domain/doc-contact.ts';
import type { Link } from '../../src/domain/link.ts';
import type { Plan } from '../../src/domain/plan.ts';
import type { PsaContact } from '../../src/domain/psa-contact.ts';
import { NO_DOC_CONTACT } from '../../src/domain/link.ts';
import { nextLink } from '../../src/sync/next-link.ts';
import type { TenantSyncInput } from '../../src/sync/plan.ts';

/** A BMS contact as BMS's listing reports it: no phone and no types. */
function listed(id: number, fields: Omit<PsaContact, 'id' | 'accountId' | 'otherEmails'>): PsaContact {
  return { ...fields, id, accountId: 1, emailTypeId: null, phoneNumber: null, phoneTypeId: null, otherEmails: [] };
}

/**
 * What IT Glue, BMS and the link table hold once a plan is applied, as the real systems would answer the next read
 * (BMS's listing reports no phone and no types; IT Glue's PSA sync has copied BMS changes onto mirrored contacts). Used to check that planning again yields no writes.
 */
export function applyInMemory(input: TenantSyncInput, plan: Plan): TenantSyncInput {
  const contacts = new Map(input.doc.contacts.map((c) => [c.id, c]));
  const psaContacts = new Map((input.psa?.contacts ?? []).map((c) => [c.id, c]));
  const links = new Map(input.links.map((l) => [l.userId, l]));
  let nextPsaId = Math.max(100_000, ...psaContacts.keys()) + 1;
  for (const action of plan.actions) {
    let createdDoc: string | null = null;
    let createdPsa: number | null = null;
    const doc = action.doc;
    if (doc.kind === 'create') {
      createdDoc = `created-${action.userId}`;
      contacts.set(createdDoc, {
        id: createdDoc,
        organizationId: '1',
        important: false,
        notes: null,
        mirroredPsaContactId: null,
        ...doc.fields,
      });
    } else if (doc.kind === 'update' || doc.kind === 'inactivate') {
      const current = contacts.get(doc.contactId)!;
      contacts.set(doc.contactId, { ...current, ...doc.patch } as DocContact);
    }
    const psa = action.psa;
    if (psa.kind === 'create') {
      createdPsa = nextPsaId++;
      psaContacts.set(createdPsa, listed(createdPsa, psa.fields));
    } else if (psa.kind === 'update' || psa.kind === 'link') {
      psaContacts.set(psa.contactId, listed(psa.contactId, psa.fields));
      // IT Glue's PSA sync copies names, title and email onto the contact it keeps in step with this one.
      for (const contact of contacts.values()) {
        if (contact.mirroredPsaContactId !== psa.contactId) continue;
        const email = psa.fields.emailAddress;
        contacts.set(contact.id, {
          ...contact,
          firstName: psa.fields.firstName,
          lastName: psa.fields.lastName,
          title: psa.fields.jobTitle,
          emails: [
            { value: email, primary: true, label: 'Work' },
            ...contact.emails.filter((e) => e.value !== email).map((e) => ({ ...e, primary: false })),
          ],
        });
      }
    } else if (psa.kind === 'inactivate') {
      psaContacts.set(psa.contactId, { ...psaContacts.get(psa.contactId)!, isActive: false });
    }
    const link = nextLink(action, links.get(action.userId) ?? null, {
      docContactId: input.targets.doc === null ? NO_DOC_CONTACT : createdDoc,
      psaContactId: createdPsa,
    });
    if (link !== null) links.set(action.userId, link);
  }
  return {
    ...input,
    doc: { ...input.doc, contacts: [...contacts.values()] },
    psa: input.psa === null ? null : { ...input.psa, contacts: [...psaContacts.values()] },
    links: [...links.values()] as Link[],
  };
}
