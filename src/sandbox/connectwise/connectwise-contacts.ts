import type { ConnectwiseSiteSeed, ConnectwiseTypeSeed } from './connectwise-seed.ts';

/**
 * ConnectWise contacts as the simulator holds and checks them: the fields a contact takes, their lengths (the
 * OpenAPI clients' "Max length"), communication items typed by the database's communication types, and the refusals
 * in ConnectWise's error shape (`{code, message, errors: [{code, message, resource, field}]}`).
 */

export interface FieldProblem {
  readonly code: string;
  readonly message: string;
  readonly field: string;
}

/** A refusal as ConnectWise answers it. */
export class ConnectwiseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.problems.length === 0
        ? {}
        : {
            errors: this.problems.map((p) => ({
              code: p.code,
              message: p.message,
              resource: 'contact',
              field: p.field,
            })),
          }),
    };
  }
}

export const invalid = (problems: readonly FieldProblem[]): ConnectwiseError =>
  new ConnectwiseError(400, 'InvalidObject', 'contact object is invalid', problems);

export type CommunicationKind = 'Email' | 'Phone' | 'Fax';

export interface ItemRecord {
  readonly id: number;
  readonly type: { readonly id: number; readonly name: string };
  readonly communicationType: CommunicationKind;
  readonly value: string;
  readonly extension: string | null;
  readonly defaultFlag: boolean;
}

export interface ContactRecord {
  readonly id: number;
  readonly companyId: number | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly siteId: number | null;
  readonly inactiveFlag: boolean;
  readonly communicationItems: readonly ItemRecord[];
}

/** Lengths of the contact's text fields (firstName and lastName 30, title 50; an item's value 250, extension 15). */
export const LIMITS = { firstName: 30, lastName: 30, title: 50, value: 250, extension: 15 } as const;

/** What a contact's checks need of its database. */
export interface ContactContext {
  readonly types: ReadonlyMap<number, ConnectwiseTypeSeed>;
  readonly sitesOf: (companyId: number) => readonly ConnectwiseSiteSeed[] | null;
}

export function kindOf(type: ConnectwiseTypeSeed): CommunicationKind {
  return type.emailFlag ? 'Email' : type.faxFlag ? 'Fax' : 'Phone';
}

const EMAIL = /^[^\s@"]+@[^\s@"]+\.[^\s@"]+$/;

function text(value: unknown, field: string, problems: FieldProblem[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    problems.push({ code: 'InvalidValue', message: `The ${field} field must be a string.`, field });
    return null;
  }
  return value;
}

function idOfReference(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (value === undefined) return undefined;
  if (typeof value === 'object' && typeof (value as { id?: unknown }).id === 'number')
    return (value as { id: number }).id;
  return Number.NaN;
}

/** One communication item from a request body (create, the sub-resource's POST, a patched array). */
export function itemOf(
  raw: unknown,
  at: string,
  id: number,
  context: ContactContext,
  problems: FieldProblem[],
): ItemRecord | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ code: 'InvalidValue', message: `${at} is not a communication item.`, field: at });
    return null;
  }
  const body = raw as Record<string, unknown>;
  const typeId = idOfReference(body.type);
  const byName =
    typeof body.type === 'object' && body.type !== null && typeof (body.type as { name?: unknown }).name === 'string'
      ? [...context.types.values()].find(
          (t) => t.description.toLowerCase() === (body.type as { name: string }).name.toLowerCase(),
        )
      : undefined;
  const type = typeId === undefined || Number.isNaN(typeId) ? byName : context.types.get(typeId ?? -1);
  if (type === undefined) {
    problems.push({ code: 'InvalidValue', message: `${at}.type is not a communication type.`, field: `${at}.type` });
    return null;
  }
  const kind = kindOf(type);
  if (body.communicationType !== undefined && body.communicationType !== null && body.communicationType !== kind)
    problems.push({
      code: 'InvalidValue',
      message: `${at}.communicationType is ${String(body.communicationType)}, but the type "${type.description}" is ${kind}.`,
      field: `${at}.communicationType`,
    });
  const value = text(body.value, `${at}.value`, problems);
  if (value === null || value.trim() === '')
    problems.push({ code: 'Required', message: `The ${at}.value field is required.`, field: `${at}.value` });
  else if (value.length > LIMITS.value)
    problems.push({
      code: 'InvalidValue',
      message: `${at}.value takes at most ${LIMITS.value} characters.`,
      field: `${at}.value`,
    });
  else if (kind === 'Email' && !EMAIL.test(value))
    problems.push({ code: 'InvalidEmail', message: `"${value}" is not a valid email address.`, field: `${at}.value` });
  const extension = text(body.extension, `${at}.extension`, problems);
  if (extension !== null && extension.length > LIMITS.extension)
    problems.push({
      code: 'InvalidValue',
      message: `${at}.extension takes at most ${LIMITS.extension} characters.`,
      field: `${at}.extension`,
    });
  return {
    id,
    type: { id: type.id, name: type.description },
    communicationType: kind,
    value: value ?? '',
    extension,
    defaultFlag: body.defaultFlag === true,
  };
}

/** One default item per kind: an item made default makes the others of its kind not. */
export function oneDefaultPerKind(items: readonly ItemRecord[], preferred: ItemRecord | null): ItemRecord[] {
  const winners = new Map<CommunicationKind, number>();
  for (const item of items) if (item.defaultFlag) winners.set(item.communicationType, item.id);
  if (preferred?.defaultFlag === true) winners.set(preferred.communicationType, preferred.id);
  return items.map((item) => ({ ...item, defaultFlag: winners.get(item.communicationType) === item.id }));
}

/** The contact's own checks, on the record a write would leave: a refused write changes nothing. */
export function checkContact(contact: ContactRecord, context: ContactContext, problems: FieldProblem[]): void {
  if (contact.firstName === null || contact.firstName.trim() === '')
    problems.push({ code: 'Required', message: 'The firstName field is required.', field: 'firstName' });
  for (const field of ['firstName', 'lastName', 'title'] as const) {
    const value = contact[field];
    if (value !== null && value.length > LIMITS[field])
      problems.push({ code: 'InvalidValue', message: `${field} takes at most ${LIMITS[field]} characters.`, field });
  }
  if (contact.siteId !== null) {
    const sites = contact.companyId === null ? null : context.sitesOf(contact.companyId);
    if (sites === null || !sites.some((s) => s.id === contact.siteId))
      problems.push({
        code: 'InvalidValue',
        message: `site ${contact.siteId} is not a site of the contact's company.`,
        field: 'site',
      });
  }
}

/** The fields a create or a patch may set, by the body's key (others are read-only or unknown). */
export const WRITABLE = ['firstName', 'lastName', 'title', 'company', 'site', 'inactiveFlag', 'communicationItems'];

/** A key's value applied to a contact (create body or patch), its problems noted. */
export function withField(
  contact: ContactRecord,
  key: string,
  value: unknown,
  context: ContactContext,
  nextItemId: () => number,
  problems: FieldProblem[],
): ContactRecord {
  switch (key) {
    case 'firstName':
    case 'lastName':
    case 'title':
      return { ...contact, [key]: text(value, key, problems) };
    case 'inactiveFlag':
      if (typeof value !== 'boolean') {
        problems.push({ code: 'InvalidValue', message: 'inactiveFlag is true or false.', field: 'inactiveFlag' });
        return contact;
      }
      return { ...contact, inactiveFlag: value };
    case 'company': {
      const id = idOfReference(value);
      if (id === undefined || Number.isNaN(id) || (id !== null && context.sitesOf(id) === null)) {
        problems.push({
          code: 'InvalidValue',
          message: 'company is not a company of this database.',
          field: 'company',
        });
        return contact;
      }
      return { ...contact, companyId: id };
    }
    case 'site': {
      const id = idOfReference(value);
      if (id === undefined || Number.isNaN(id)) {
        problems.push({ code: 'InvalidValue', message: 'site is a reference: {"id": n}.', field: 'site' });
        return contact;
      }
      return { ...contact, siteId: id };
    }
    case 'communicationItems': {
      if (!Array.isArray(value)) {
        problems.push({ code: 'InvalidValue', message: 'communicationItems is a list.', field: 'communicationItems' });
        return contact;
      }
      const items = value.flatMap((raw, i) => {
        const item = itemOf(raw, `communicationItems[${i}]`, nextItemId(), context, problems);
        return item === null ? [] : [item];
      });
      return { ...contact, communicationItems: oneDefaultPerKind(items, null) };
    }
    default:
      throw new ConnectwiseError(400, 'InvalidObject', `${key} cannot be written.`, [
        { code: 'ReadOnly', message: `${key} cannot be written.`, field: key },
      ]);
  }
}

/** A JSON Patch operation as ConnectWise takes it: `{op, path, value}`, the path with or without its leading `/`. */
export interface PatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  /** the path's segments (`site/id` → ['site', 'id']) */
  readonly path: readonly string[];
  readonly value: unknown;
}

/** A JSON Patch body: an array of operations (ConnectWise refuses an object). */
export function patchOf(body: unknown): PatchOperation[] {
  if (!Array.isArray(body))
    throw new ConnectwiseError(400, 'InvalidObject', 'A PATCH takes a JSON Patch array: [{"op", "path", "value"}].');
  return body.map((raw, i) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    if (!['add', 'replace', 'remove'].includes(String(entry.op)) || typeof entry.path !== 'string')
      throw new ConnectwiseError(
        400,
        'InvalidObject',
        `Operation ${i} is not {"op": "replace", "path": ..., "value": ...}.`,
      );
    return {
      op: entry.op as PatchOperation['op'],
      path: entry.path.replace(/^\//, '').split('/'),
      value: entry.op === 'remove' ? null : entry.value,
    };
  });
}

/** The value a patch sets at a path: `site/id` sets the reference `site`. */
export function patchedValue(operation: PatchOperation): { key: string; value: unknown } {
  const [key, sub] = operation.path;
  if (key === undefined || key === '') throw new ConnectwiseError(400, 'InvalidObject', 'A patch path is empty.');
  if (sub === undefined) return { key, value: operation.value };
  if (sub === 'id' && (key === 'site' || key === 'company') && operation.path.length === 2)
    return { key, value: operation.value === null ? null : { id: operation.value } };
  throw new ConnectwiseError(400, 'InvalidObject', `The path ${operation.path.join('/')} cannot be patched.`, [
    { code: 'InvalidValue', message: `The path ${operation.path.join('/')} cannot be patched.`, field: key },
  ]);
}

/** A contact as ConnectWise answers it: references with names, `_info`, and no key whose value is null. */
export function contactWire(
  contact: ContactRecord,
  company: { id: number; identifier: string; name: string } | null,
  site: ConnectwiseSiteSeed | null,
  apiBase: string,
): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: contact.id,
    firstName: contact.firstName,
    lastName: contact.lastName,
    company: company === null ? null : { id: company.id, identifier: company.identifier, name: company.name },
    site: site === null ? null : { id: site.id, name: site.name },
    title: contact.title,
    inactiveFlag: contact.inactiveFlag,
    communicationItems: contact.communicationItems.map(itemWire),
    _info: { communications_href: `${apiBase}/company/contacts/${contact.id}/communications` },
  };
  return withoutNulls(wire);
}

export function itemWire(item: ItemRecord): Record<string, unknown> {
  return withoutNulls({ ...item, type: { id: item.type.id, name: item.type.name } });
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}
