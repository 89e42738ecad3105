/** One entry of the audit log; `tenantId` and `userId` say what it is about, when it is about a tenant or a person. */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: Record<string, unknown>;
  readonly tenantId: string | null;
  readonly userId: string | null;
}

export interface AuditFilter {
  readonly limit?: number;
  readonly offset?: number;
  readonly tenantId?: string;
  /** with `tenantId`: only entries recorded about the tenant, not those whose target merely reads as its id */
  readonly aboutTenantOnly?: boolean;
  readonly userId?: string;
  readonly actor?: string;
  /** an action (`contact.unlink`) or its family (`contact`) */
  readonly action?: string;
}
