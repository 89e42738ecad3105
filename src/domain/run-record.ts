/** One run of a tenant's sync: when, how it ended, and what it counted. */
export interface RunRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: string;
  readonly counts: Record<string, number> | null;
  readonly error: string | null;
}
