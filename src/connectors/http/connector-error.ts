/** What went wrong talking to an API, as a code a caller can branch on. */
type ConnectorErrorCode =
  /** the API's rate limit, still hit after the retries */
  | 'RateLimited'
  | 'NotFound'
  /** the API refused the data (a field is missing or invalid) */
  | 'Validation'
  /** credentials are wrong, expired or lack a permission or consent */
  | 'Auth'
  /** a 5xx, a timeout, a reset connection or a garbled answer, still failing after the retries */
  | 'Transient'
  /** the API answered in a shape the connector does not understand */
  | 'Protocol';

/** A field-level problem reported by an API for one record. */
interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly service: string;
  readonly status: number | null;
  /** the API's own error code, when it gives one (Graph's `error.code`, Entra's `error`) */
  readonly apiCode: string | null;
  readonly problems: readonly FieldProblem[];
  /** a write whose answer was lost: it may or may not have happened */
  readonly outcomeUnknown: boolean;

  constructor(options: {
    code: ConnectorErrorCode;
    service: string;
    message: string;
    status?: number | null;
    apiCode?: string | null;
    problems?: readonly FieldProblem[];
    outcomeUnknown?: boolean;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.code = options.code;
    this.service = options.service;
    this.status = options.status ?? null;
    this.apiCode = options.apiCode ?? null;
    this.problems = options.problems ?? [];
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

export function isConnectorError(error: unknown, code?: ConnectorErrorCode): error is ConnectorError {
  return error instanceof ConnectorError && (code === undefined || error.code === code);
}
