/** A contact as a technician knows it: "First Last <email> (id)", each part left out when the contact has none. */
export function contactLabel(contact: {
  readonly id: string | number;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email?: string | null;
}): string {
  const name = [contact.firstName, contact.lastName]
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '')
    .join(' ');
  const email = contact.email?.trim() ?? '';
  const named = [name, email === '' ? '' : `<${email}>`].filter((part) => part !== '').join(' ');
  return named === '' ? `contact ${String(contact.id)}` : `${named} (${String(contact.id)})`;
}
