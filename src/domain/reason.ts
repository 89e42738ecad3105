/** Why something happened or did not, in a form a program can branch on and a technician can read. */
export interface Reason {
  readonly code: string;
  readonly message: string;
  /** the field the reason is about, when there is one */
  readonly field?: string;
}

export function reason(code: string, message: string, field?: string): Reason {
  return field === undefined ? { code, message } : { code, message, field };
}
