import { AutotaskError, type FieldInfo } from './autotask-entities.ts';
import { keyOf, matches, parseQuery, projected, type Query, type QueryRecord } from './autotask-query.ts';

/**
 * One page of a query's answer: `{items, pageDetails: {count, requestCount, prevPageUrl, nextPageUrl}}`, records in
 * id order. The page links are GETs of `{Entity}/query/next` and `/prev` carrying the search and a cursor (Autotask's
 * own links carry `paging` and `search` the same way), absolute, on the address the client called.
 */

/** Autotask's largest page, and the size of a page when `MaxRecords` is not given. */
export const MAX_PAGE = 500;

export interface Paging {
  readonly pageSize: number;
  /** the next page: records after this id */
  readonly afterId?: number;
  /** the previous page: the last records before this id */
  readonly beforeId?: number;
}

export interface PageRequest {
  readonly entity: string;
  readonly fields: readonly FieldInfo[];
  /** the query body (`Filter`, `IncludeFields`, `MaxRecords`) */
  readonly search: unknown;
  readonly paging: Paging | null;
  /** `http://host:port/atservicesrest/v1.0/` */
  readonly apiBase: string;
  /** the silent cap on a page (the seed's `pageSizeCap`, at most 500) */
  readonly pageSizeCap: number;
}

/** The JSON of a `search` or `paging` parameter. */
export function jsonParameter(value: string | null, name: string): unknown {
  if (value === null) throw new AutotaskError(`${name}: the parameter is required.`);
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new AutotaskError(`${name}: the parameter is not valid JSON.`);
  }
}

export function pagingOf(value: unknown): Paging {
  const size = value !== null && typeof value === 'object' ? keyOf(value as Record<string, unknown>, 'pageSize') : null;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new AutotaskError('paging: not a page.');
  const { afterId, beforeId } = value as { afterId?: unknown; beforeId?: unknown };
  return {
    pageSize: size,
    ...(typeof afterId === 'number' ? { afterId } : {}),
    ...(typeof beforeId === 'number' ? { beforeId } : {}),
  };
}

function link(request: PageRequest, direction: 'next' | 'prev', paging: Paging): string {
  const params = new URLSearchParams({ paging: JSON.stringify(paging), search: JSON.stringify(request.search) });
  return `${request.apiBase}${request.entity}/query/${direction}?${params.toString()}`;
}

/** The records that meet the query, in id order. */
export function matching(records: Iterable<QueryRecord>, query: Query): QueryRecord[] {
  const found: QueryRecord[] = [];
  for (const record of records) if (matches(record, query.filter)) found.push(record);
  return found.sort((a, b) => (a.id as number) - (b.id as number));
}

/** The query of a request, read strictly. */
export function queryOf(request: PageRequest): Query {
  return parseQuery(request.search, request.entity, request.fields);
}

/**
 * A page of the records that meet the query. A result of more than 500 records is refused when `IncludeFields` leaves
 * out `id` (Autotask pages by id).
 */
export function page(request: PageRequest, query: Query, found: readonly QueryRecord[]): Record<string, unknown> {
  if (found.length > MAX_PAGE && query.includeFields !== null && !query.includeFields.some((f) => f.name === 'id'))
    throw new AutotaskError(
      `IncludeFields: the result has more than ${MAX_PAGE} records (${found.length}); include id to page through it.`,
    );
  const requestCount = request.paging?.pageSize ?? Math.min(query.maxRecords ?? MAX_PAGE, MAX_PAGE);
  const size = Math.min(requestCount, request.pageSizeCap);
  const paging = request.paging;
  let start = 0;
  if (paging?.afterId !== undefined) start = found.findIndex((r) => (r.id as number) > paging.afterId!);
  else if (paging?.beforeId !== undefined) {
    const before = found.findIndex((r) => (r.id as number) >= paging.beforeId!);
    start = Math.max(0, (before === -1 ? found.length : before) - size);
  }
  if (start === -1) start = found.length;
  const items = found.slice(start, start + size);
  const first = items[0]?.id as number | undefined;
  const last = items.at(-1)?.id as number | undefined;
  return {
    items: items.map((record) => projected(record, query.includeFields)),
    pageDetails: {
      count: items.length,
      requestCount,
      prevPageUrl:
        start > 0 && first !== undefined ? link(request, 'prev', { pageSize: requestCount, beforeId: first }) : null,
      nextPageUrl:
        start + size < found.length && last !== undefined
          ? link(request, 'next', { pageSize: requestCount, afterId: last })
          : null,
    },
  };
}
