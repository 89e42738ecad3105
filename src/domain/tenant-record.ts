/** A customer's Microsoft 365 tenant, what it is mapped to in each target, and where its sync stands. */
export interface TenantRecord {
  readonly id: string;
  readonly displayName: string;
  readonly docCustomerId: string | null;
  readonly psaCustomerId: number | null;
  /** the names the customers had in the documentation platform and the PSA when the tenant was mapped */
  readonly docCustomerName: string | null;
  readonly psaCustomerName: string | null;
  /** why the tenant is unmapped, or mapped to the documentation platform alone; null when there is nothing to say */
  readonly mappingNote: string | null;
  readonly mapping: 'auto' | 'manual' | 'unmapped';
  readonly status: string;
  readonly approveInactivations: boolean;
  readonly dirty: boolean;
}
