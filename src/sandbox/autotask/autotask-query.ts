import { AutotaskError, fieldNamed, type FieldInfo } from './autotask-entities.ts';

/**
 * Autotask's query language (REST_Basic_Query_Calls, REST_Advanced_Query_Features): `Filter` is a list of conditions
 * that must all hold, each `{op, field, value}` (with `udf: true` for a user-defined field) or a group `{op: "and" |
 * "or", items: [...]}`; `IncludeFields` picks the fields returned; `MaxRecords` the page size (at most 500). Keys and
 * operators are read ignoring case, as Autotask's model binding does; text compares ignoring case, as Autotask's
 * database does.
 */

export const OPERATORS = [
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginsWith',
  'endsWith',
  'contains',
  'exist',
  'notExist',
  'in',
  'notIn',
] as const;
type Operator = (typeof OPERATORS)[number];

export type Condition =
  | { readonly op: 'and' | 'or'; readonly items: readonly Condition[] }
  | { readonly op: Operator; readonly field: FieldInfo; readonly udf: false; readonly value: unknown }
  | { readonly op: Operator; readonly field: string; readonly udf: true; readonly value: unknown };

export interface Query {
  readonly filter: readonly Condition[];
  /** the fields asked for, by their own names; null: every field */
  readonly includeFields: readonly FieldInfo[] | null;
  readonly maxRecords: number | null;
}

/** A record as a query reads it: fields by their own names, user-defined fields as `{name, value}`. */
export type QueryRecord = Readonly<Record<string, unknown>> & {
  readonly userDefinedFields?: readonly { name: string; value: string | null }[];
};

/** A key of a JSON object read ignoring case. */
export function keyOf(body: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function condition(raw: unknown, entity: string, fields: readonly FieldInfo[], at: string): Condition {
  if (!isObject(raw)) throw new AutotaskError(`${at}: a condition must be an object with op.`);
  const opText = keyOf(raw, 'op');
  const op = typeof opText === 'string' ? OPERATORS.find((o) => o.toLowerCase() === opText.toLowerCase()) : undefined;
  const lower = typeof opText === 'string' ? opText.toLowerCase() : '';
  if (lower === 'and' || lower === 'or') {
    const items = keyOf(raw, 'items');
    if (!Array.isArray(items) || items.length === 0)
      throw new AutotaskError(`${at}: an "${lower}" group needs its conditions in items.`);
    return {
      op: lower,
      items: items.map((item, i) => condition(item, entity, fields, `${at}.items[${i}]`)),
    };
  }
  if (op === undefined)
    throw new AutotaskError(`${at}.op: "${String(opText)}" is not an operator of Autotask queries.`);
  const name = keyOf(raw, 'field');
  if (typeof name !== 'string' || name === '') throw new AutotaskError(`${at}.field: a field is required.`);
  const value = keyOf(raw, 'value');
  if (op !== 'exist' && op !== 'notExist' && value === undefined)
    throw new AutotaskError(`${at}.value: the operator ${op} needs a value.`);
  if ((op === 'in' || op === 'notIn') && !Array.isArray(value))
    throw new AutotaskError(`${at}.value: the operator ${op} needs a list of values.`);
  if (keyOf(raw, 'udf') === true) return { op, field: name, udf: true, value };
  const info = fieldNamed(fields, name);
  if (info === undefined) throw new AutotaskError(`Unable to find ${name} in the ${entity} entity.`);
  if (!info.isQueryable) throw new AutotaskError(`${at}.field: ${info.name} cannot be queried.`);
  for (const v of Array.isArray(value) ? value : [value])
    if (op !== 'exist' && op !== 'notExist' && normalized(v, info.dataType) === undefined)
      throw new AutotaskError(`${at}.value: ${JSON.stringify(v)} is not a valid ${info.dataType} for ${info.name}.`);
  return { op, field: info, udf: false, value };
}

/** Reads a query body; refuses, naming the point, what Autotask would refuse. */
export function parseQuery(body: unknown, entity: string, fields: readonly FieldInfo[]): Query {
  if (!isObject(body)) throw new AutotaskError('The query must be a JSON object with Filter.');
  const filter = keyOf(body, 'filter');
  if (!Array.isArray(filter) || filter.length === 0)
    throw new AutotaskError(
      'Filter: a query needs at least one condition (to read every record: {"op": "exist", "field": "id"}).',
    );
  const include = keyOf(body, 'includeFields');
  let includeFields: FieldInfo[] | null = null;
  if (include !== undefined && include !== null) {
    if (!Array.isArray(include)) throw new AutotaskError('IncludeFields must be a list of field names.');
    includeFields = include.map((name) => {
      const info = typeof name === 'string' ? fieldNamed(fields, name) : undefined;
      if (info === undefined) throw new AutotaskError(`Unable to find ${String(name)} in the ${entity} entity.`);
      return info;
    });
    if (includeFields.length === 0) includeFields = null;
  }
  const max = keyOf(body, 'maxRecords');
  if (max !== undefined && max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1))
    throw new AutotaskError('MaxRecords must be a whole number from 1 to 500.');
  return {
    filter: filter.map((c, i) => condition(c, entity, fields, `Filter[${i}]`)),
    includeFields,
    maxRecords: typeof max === 'number' ? max : null,
  };
}

/** A value as compared: text lowercased, numbers, booleans, times in ms; null for no value; undefined if invalid. */
function normalized(value: unknown, type: FieldInfo['dataType']): string | number | boolean | null | undefined {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' ? String(value).toLowerCase() : undefined;
    case 'integer': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0) return value === 1;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return undefined;
    case 'datetime': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? undefined : ms;
    }
  }
}

function compare(op: Operator, actual: unknown, wanted: unknown, type: FieldInfo['dataType']): boolean {
  const a = normalized(actual === '' ? null : actual, type);
  if (op === 'exist') return a !== null && a !== undefined;
  if (op === 'notExist') return a === null || a === undefined;
  // As in SQL, which Autotask's queries become: a record without a value matches no comparison, noteq and notIn too.
  if (a === null || a === undefined) return false;
  if (op === 'in' || op === 'notIn') {
    const found = (wanted as unknown[]).some((w) => normalized(w, type) === a);
    return op === 'in' ? found : !found;
  }
  const w = normalized(wanted, type);
  if (w === null || w === undefined) return false;
  switch (op) {
    case 'eq':
      return a === w;
    case 'noteq':
      return a !== w;
    case 'gt':
      return a > w;
    case 'gte':
      return a >= w;
    case 'lt':
      return a < w;
    case 'lte':
      return a <= w;
    case 'beginsWith':
      return String(a).startsWith(String(w));
    case 'endsWith':
      return String(a).endsWith(String(w));
    case 'contains':
      return String(a).includes(String(w));
  }
}

function holds(record: QueryRecord, c: Condition): boolean {
  if ('items' in c)
    return c.op === 'and' ? c.items.every((item) => holds(record, item)) : c.items.some((item) => holds(record, item));
  if (c.udf) {
    const udf = record.userDefinedFields?.find((u) => u.name.toLowerCase() === c.field.toLowerCase());
    return compare(c.op, udf?.value ?? null, c.value, 'string');
  }
  return compare(c.op, record[c.field.name], c.value, c.field.dataType);
}

/** Whether a record meets every condition of the filter. */
export function matches(record: QueryRecord, filter: readonly Condition[]): boolean {
  return filter.every((c) => holds(record, c));
}

/** A record with the fields asked for only (every field when none is named). */
export function projected(record: QueryRecord, includeFields: readonly FieldInfo[] | null): Record<string, unknown> {
  if (includeFields === null) return { ...record };
  return Object.fromEntries(includeFields.map((f) => [f.name, record[f.name] ?? null]));
}
