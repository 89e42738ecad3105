/** How often pages and the API may read the vendors' APIs on demand, and how long one read is shared. */
export interface LiveReadLimits {
  /** units of fresh reads in any minute, for the whole process (a preview costs several, others 1; shared: 0) */
  readonly perMinute: number;
  /** how long a read about a tenant is shared by everyone who asks, unless a run or a change comes in between */
  readonly cacheSeconds: number;
}

export const LIVE_READ_LIMITS: LiveReadLimits = { perMinute: 30, cacheSeconds: 30 };
