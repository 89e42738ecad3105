import type { DocContact } from '../domain/doc-contact.ts';
import type { PsaContact } from '../domain/psa-contact.ts';
import { contactLabel } from './contact-label.ts';

/** A documentation contact by name and primary address, its id in parentheses. */
export function docLabel(contact: DocContact): string {
  const email = contact.emails.find((e) => e.primary) ?? contact.emails[0];
  return contactLabel({
    id: contact.id,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: email?.value ?? null,
  });
}

/** A PSA contact by name and address when it was read, else by its id alone. */
export function psaLabel(id: number, byId: ReadonlyMap<number, PsaContact>): string {
  const contact = byId.get(id);
  return contact === undefined ? String(id) : psaContactLabel(contact);
}

/** A PSA contact that was read, by name and address. */
export function psaContactLabel(contact: PsaContact): string {
  return contactLabel({
    id: contact.id,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.emailAddress,
  });
}

/** `Jane Doe (1201), Jane Doe (1207)`: contacts by name, with the id that tells them apart. */
export function contactsNamed<Id>(
  ids: readonly Id[],
  byId: ReadonlyMap<Id, { readonly firstName: string | null; readonly lastName: string | null }>,
): string {
  return ids
    .map((id) => {
      const contact = byId.get(id);
      const name = `${contact?.firstName ?? ''} ${contact?.lastName ?? ''}`.trim();
      return `${name === '' ? 'a contact without a name' : name} (${String(id)})`;
    })
    .join(', ');
}
