/** A contact as a technician knows it: "First Last <email> (id)", each part left out when the contact has none. */
export function contactLabel(contact: {
  readonly id: string | number;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email?: string | null;
}): string {
  const first = contact.firstName?.trim() ?? '';
  const last = contact.lastName?.trim() ?? '';
  const email = contact.email?.trim() ?? '';
  const parts: string[] = [];
  if (first !== '') parts.push(first);
  if (last !== '') parts.push(last);
  if (email !== '') parts.push(`<${email}>`);
  const named = parts.join(' ');
  return named === '' ? `contact ${String(contact.id)}` : `${named} (${String(contact.id)})`;
}
