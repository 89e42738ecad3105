import { CrossOriginRedirect, fetchWithCredential } from '../http/credential-fetch.ts';
import { BMS_CONTACT_BODY_FIELDS, BMS_ENDPOINTS, BMS_SWAGGER_PATHS, type BmsEndpoint } from './wire.ts';

/**
 * Checks the connector's guesses against the Swagger (OpenAPI) document BMS publishes: every path the connector calls
 * and every body field of a contact write that the document lacks. Reads Swagger 2.0 and OpenAPI 3 documents.
 */

/** One point the document lacks. */
export interface MissingPoint {
  readonly what: string;
  readonly evidence: 'confirmed' | 'guess';
}

export type SwaggerReport =
  | { readonly readable: true; readonly url: string; readonly missing: readonly MissingPoint[] }
  | { readonly readable: false; readonly tried: readonly string[] };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `/v2/crm/contacts/{id}` and `/V2/CRM/Contacts/{contactId}/` compare equal. */
function pathKey(path: string): string {
  return path
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** The document's operations, keyed `METHOD path`, with the base path of Swagger 2 or the server of OpenAPI 3. */
function operations(document: Json): Map<string, Json> {
  const servers = Array.isArray(document.servers) ? document.servers : [];
  const serverUrl = isObject(servers[0]) && typeof servers[0].url === 'string' ? servers[0].url : '';
  const base = typeof document.basePath === 'string' ? document.basePath : serverUrl.replace(/^[a-z]+:\/\/[^/]+/i, '');
  const found = new Map<string, Json>();
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation)) continue;
      const full = `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
      found.set(`${method.toUpperCase()} ${pathKey(full)}`, operation);
    }
  }
  return found;
}

/** A schema with `$ref` followed and `allOf` merged. */
function resolved(document: Json, schema: unknown, depth = 0): Json | null {
  if (!isObject(schema) || depth > 20) return null;
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>(
        (node, part) => (isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        document,
      );
    return resolved(document, target, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => resolved(document, part, depth + 1)).filter((p) => p !== null);
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => (isObject(p.properties) ? p.properties : {}))),
    };
  }
  return schema;
}

function bodySchema(document: Json, operation: Json): Json | null {
  const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
  const body = parameters.find((p) => isObject(p) && p.in === 'body');
  if (isObject(body)) return resolved(document, body.schema);
  const content = isObject(operation.requestBody) ? operation.requestBody.content : undefined;
  if (!isObject(content)) return null;
  const media = Object.entries(content).find(([type]) => type.includes('json')) ?? Object.entries(content)[0];
  return media !== undefined && isObject(media[1]) ? resolved(document, media[1].schema) : null;
}

/** Whether a dotted field (`emails[].emailAddress`) is in a schema, property names compared ignoring case. */
function hasField(document: Json, schema: Json | null, field: string): boolean {
  let node: Json | null = schema;
  for (const part of field.split('.')) {
    const list = part.endsWith('[]');
    const name = (list ? part.slice(0, -2) : part).toLowerCase();
    const properties = node !== null && isObject(node.properties) ? node.properties : {};
    const key = Object.keys(properties).find((k) => k.toLowerCase() === name);
    if (key === undefined) return false;
    node = resolved(document, properties[key]);
    if (list) node = node === null ? null : resolved(document, node.items);
  }
  return true;
}

/** Every path and contact body field the connector uses that the document lacks. */
export function missingFromSwagger(document: Json): MissingPoint[] {
  const known = operations(document);
  const missing: MissingPoint[] = [];
  const operationOf = (endpoint: BmsEndpoint) => known.get(`${endpoint.method} ${pathKey(endpoint.path)}`);
  for (const endpoint of Object.values(BMS_ENDPOINTS)) {
    if (operationOf(endpoint) === undefined)
      missing.push({ what: `${endpoint.method} ${endpoint.path}`, evidence: endpoint.evidence });
  }
  for (const endpoint of [BMS_ENDPOINTS.createContact, BMS_ENDPOINTS.updateContact]) {
    const operation = operationOf(endpoint);
    if (operation === undefined) continue;
    const schema = bodySchema(document, operation);
    for (const { field, evidence } of BMS_CONTACT_BODY_FIELDS) {
      if (field === 'isActive' && endpoint === BMS_ENDPOINTS.createContact) continue;
      if (!hasField(document, schema, field))
        missing.push({ what: `body field ${field} of ${endpoint.method} ${endpoint.path}`, evidence });
    }
  }
  return missing;
}

/**
 * Fetches BMS's Swagger document under `baseUrl` and checks the connector against it. A redirect to another origin is
 * not followed (no credential is sent, yet another host's document would be checked as BMS's): it is told instead.
 */
export async function checkBmsSwagger(baseUrl: string): Promise<SwaggerReport> {
  const tried: string[] = [];
  for (const path of BMS_SWAGGER_PATHS) {
    const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
    try {
      const response = await fetchWithCredential(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(15_000),
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.ok && isObject(body) && isObject(body.paths))
        return { readable: true, url, missing: missingFromSwagger(body) };
      tried.push(`${url} (${response.ok ? 'not a Swagger document' : `status ${response.status}`})`);
    } catch (error) {
      if (error instanceof CrossOriginRedirect) {
        tried.push(`${url} (a redirect (${error.status}) to ${error.to}, another address: not followed)`);
        continue;
      }
      const cause =
        (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      tried.push(`${url} (${cause})`);
    }
  }
  return { readable: false, tried };
}
