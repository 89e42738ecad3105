export type OperationErrorCode = 'NotFound' | 'Validation' | 'Conflict';

/** One reason an operation was refused, named by the field or choice it is about. */
export interface OperationProblem {
  readonly key: string;
  readonly message: string;
}

/** An operator's action refused: the CLI prints the message, the pages show each problem beside its field. */
export class OperationError extends Error {
  constructor(
    readonly code: OperationErrorCode,
    message: string,
    readonly problems: readonly OperationProblem[] = [],
  ) {
    super(message);
    this.name = 'OperationError';
  }
}
