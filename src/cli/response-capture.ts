import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedExchange } from '../connectors/http/http-client.ts';

/**
 * `contactsync doctor --capture DIR`: each answer the doctor's read-only calls received, one JSON file per endpoint
 * (the first page of a list), so that an operator can hand the real shapes over. Structure and key case are kept;
 * secrets, names, email addresses, phone numbers and other free text become placeholders. The format (one object
 * `{service, method, path, query, status, body}` per file) is described in test/fixtures/captures/README.md.
 */

export interface Capture {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  readonly body: unknown;
}

const SECRET = /token|password|secret|api-?key|authorization|mfa/i;
const EMAIL_KEY = /e-?mail/i;
const PHONE_KEY = /phone|fax|mobile/i;
/** a name, or a short name built from one (ConnectWise's company `identifier`, `ContosoLtd`) */
const NAME_KEY = /name|identifier/i;
const TEXT_KEY = /title|notes|address|city|postal|street|region|country|description/i;
/** Keys whose names are structure, not people: labels and types. */
const KEPT_KEY = /label|type|kind|status/i;
const PHONE_LIKE = /^\+?[\d\s().-]{7,}$/;

function redactText(key: string, value: string): string {
  // Times are kept whole: their format (a zone or none) is part of the shape.
  if (/expire|date|time|-at$/i.test(key)) return value;
  if (SECRET.test(key)) return '<secret>';
  if (value.includes('@') || EMAIL_KEY.test(key)) return '<email>';
  if (/id$/i.test(key)) return value;
  if (PHONE_KEY.test(key) || (PHONE_LIKE.test(value) && (value.match(/\d/g)?.length ?? 0) >= 7)) return '<phone>';
  if (KEPT_KEY.test(key)) return value;
  if (NAME_KEY.test(key)) return '<name>';
  if (TEXT_KEY.test(key)) return '<text>';
  return value;
}

/** A value with everything personal or secret replaced, its structure and key case kept. */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return redactText(key, value);
  if (Array.isArray(value)) return value.map((item) => redact(item, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
}

/** The endpoint an answer belongs to: numbers in the path become `{n}`, so that one file holds one endpoint. */
function endpointOf(service: string, method: string, path: string): string {
  return `${service} ${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{n}')}`;
}

function fileName(endpoint: string): string {
  return `${endpoint
    .toLowerCase()
    .replace(/\{n\}/g, 'n')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.json`;
}

/** Records answers into `dir`: the first of each endpoint. */
export function responseRecorder(dir: string): { record: (exchange: RecordedExchange) => void; files: () => string[] } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const seen = new Map<string, string>();
  return {
    record(exchange) {
      const url = new URL(exchange.url);
      const endpoint = endpointOf(exchange.service, exchange.method, url.pathname);
      if (seen.has(endpoint)) return;
      const capture: Capture = {
        service: exchange.service,
        method: exchange.method,
        path: url.pathname,
        query: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, redactText(k, v)])),
        status: exchange.status,
        body: redact(exchange.body),
      };
      const file = fileName(endpoint);
      writeFileSync(join(dir, file), `${JSON.stringify(capture, null, 2)}\n`, { mode: 0o600 });
      seen.set(endpoint, file);
    },
    files: () => [...seen.values()],
  };
}
