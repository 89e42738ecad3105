import type { SimRequest, SimResponse } from '../sim-server.ts';
import { json } from '../sim-server.ts';
import { ConditionError, parseConditions, pathsOf, satisfies, type Condition } from './connectwise-conditions.ts';
import { ConnectwiseError } from './connectwise-contacts.ts';

/**
 * ConnectWise's lists (its pagination guide): `page` and `pageSize` (25 unless given, at most 1,000), a `Link` header
 * with `rel="next"` / `"last"` (and `"prev"` / `"first"` past the first page); or, with the header
 * `pagination-type: forward-only`, pages in id order followed by the `Link` `rel="next"` alone, whose `pageId` is the
 * last id read (no `page`, no `orderBy`). `conditions` narrow a list, `childConditions` test a child list's items,
 * `orderBy` sorts (`name asc`), `fields` picks the keys of each record.
 */

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

export interface ListSpec {
  /** the fields a condition may name (the first segment of its path) */
  readonly fields: readonly string[];
  /** the child list `childConditions` may test (`communicationItems`), if the resource has one */
  readonly childList?: string;
  /** the simulator's own cap (the seed's `pageSizeCap`) */
  readonly pageSizeCap: number;
  /** where the API is served, for the links */
  readonly origin: string;
}

function refused(message: string): ConnectwiseError {
  return new ConnectwiseError(400, 'InvalidObject', message);
}

function condition(source: string | null, spec: ListSpec, child: boolean): Condition | null {
  if (source === null || source.trim() === '') return null;
  let parsed: Condition;
  try {
    parsed = parseConditions(source);
  } catch (error) {
    if (error instanceof ConditionError) throw refused(error.message);
    throw error;
  }
  for (const path of pathsOf(parsed)) {
    const head = path[0]!.toLowerCase();
    if (child) {
      if (spec.childList === undefined || head !== spec.childList.toLowerCase() || path.length !== 2)
        throw refused(
          `childConditions name fields of ${spec.childList ?? 'a child list'}: ${path.join('/')} is not one.`,
        );
    } else if (spec.childList !== undefined && head === spec.childList.toLowerCase()) {
      throw refused(`${spec.childList} is a list: its items are tested with childConditions, not conditions.`);
    } else if (!spec.fields.some((f) => f.toLowerCase() === head)) {
      throw refused(`Cannot filter on ${path.join('/')}: the resource has no such field.`);
    }
  }
  return parsed;
}

function positiveInt(value: string | null, name: string, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw refused(`${name} must be a positive whole number.`);
  return n;
}

function ordered(records: Record<string, unknown>[], orderBy: string | null): Record<string, unknown>[] {
  if (orderBy === null || orderBy.trim() === '') return records;
  const [field, direction = 'asc'] = orderBy.trim().split(/\s+/);
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  const key = (r: Record<string, unknown>) => {
    const v = r[field!];
    return typeof v === 'string' ? v.toLowerCase() : (v as number | undefined);
  };
  return [...records].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -sign : sign;
  });
}

function picked(record: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (fields === null || fields.trim() === '') return record;
  const keys = new Set(fields.split(',').map((f) => f.trim().split('/')[0]!.toLowerCase()));
  return Object.fromEntries(Object.entries(record).filter(([key]) => keys.has(key.toLowerCase())));
}

function link(request: SimRequest, spec: ListSpec, changes: Record<string, string>, rel: string): string {
  const query = new URLSearchParams(request.query);
  for (const [key, value] of Object.entries(changes)) query.set(key, value);
  return `<${spec.origin}${request.path}?${query.toString()}>; rel="${rel}"`;
}

/** One page of a list: the records (in wire shape) that match the request's conditions, with the `Link` header. */
export function listPage(request: SimRequest, records: Record<string, unknown>[], spec: ListSpec): SimResponse {
  const q = request.query;
  const where = condition(q.get('conditions'), spec, false);
  const childWhere = condition(q.get('childConditions'), spec, true);
  const asked = positiveInt(q.get('pageSize'), 'pageSize', DEFAULT_PAGE_SIZE);
  const size = Math.min(asked, MAX_PAGE_SIZE, spec.pageSizeCap);
  const matching = records.filter((record) => {
    if (where !== null && !satisfies(record, where)) return false;
    if (childWhere === null) return true;
    const items = record[spec.childList!];
    return Array.isArray(items) && items.some((item) => satisfies({ [spec.childList!]: item }, childWhere));
  });
  const forwardOnly = String(request.headers['pagination-type'] ?? '').toLowerCase() === 'forward-only';
  if (forwardOnly) {
    if (q.get('page') !== null) throw refused('Forward-only pagination takes pageId, not page.');
    if (q.get('orderBy') !== null) throw refused('Forward-only pagination is in id order: orderBy is not allowed.');
    const after = q.get('pageId') === null ? 0 : Number(q.get('pageId'));
    if (!Number.isInteger(after)) throw refused('pageId must be a record id.');
    const rest = matching.filter((r) => (r.id as number) > after).sort((a, b) => (a.id as number) - (b.id as number));
    const page = rest.slice(0, size);
    const headers: Record<string, string> =
      rest.length > size ? { link: link(request, spec, { pageId: String(page.at(-1)!.id) }, 'next') } : {};
    return json(
      200,
      page.map((r) => picked(r, q.get('fields'))),
      headers,
    );
  }
  if (q.get('pageId') !== null) throw refused('pageId is for forward-only pagination (the pagination-type header).');
  const number = positiveInt(q.get('page'), 'page', 1);
  const sorted = ordered(matching, q.get('orderBy'));
  const page = sorted.slice((number - 1) * size, number * size);
  const last = Math.max(1, Math.ceil(sorted.length / size));
  const links = [
    ...(number < last
      ? [link(request, spec, { page: String(number + 1) }, 'next'), link(request, spec, { page: String(last) }, 'last')]
      : []),
    ...(number > 1
      ? [link(request, spec, { page: String(number - 1) }, 'prev'), link(request, spec, { page: '1' }, 'first')]
      : []),
  ];
  return json(
    200,
    page.map((r) => picked(r, q.get('fields'))),
    links.length === 0 ? {} : { link: links.join(', ') },
  );
}

/** `/count`: how many records the conditions match. */
export function countOf(request: SimRequest, records: Record<string, unknown>[], spec: ListSpec): SimResponse {
  const where = condition(request.query.get('conditions'), spec, false);
  return json(200, { count: records.filter((r) => where === null || satisfies(r, where)).length });
}
