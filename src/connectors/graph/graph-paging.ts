import { ConnectorError } from '../http/connector-error.ts';

/**
 * The most items one read is taken to hold. Entra ID keeps at most 300,000 objects in a tenant unless Microsoft
 * raises the quota; a read past a million is a server that never ends its pages.
 */
const MAX_ITEMS_PER_READ = 1_000_000;

/**
 * Empty pages a read may meet (CONTRACTS.md: "a page may be empty"); every other page holds an item, so a read never
 * needs more pages than its items and these.
 */
const EMPTY_PAGES_ALLOWED = 10;

/** Whether a link leads to the Graph at `origin` (scheme, host and port), where the tenant's token may go. */
export function leadsTo(origin: string, link: string): boolean {
  try {
    return new URL(link).origin === origin;
  } catch {
    return false;
  }
}

/**
 * One paged read of Graph. Each `@odata.nextLink` goes back with the tenant's bearer token, so the read follows it
 * only to the Graph it started from, never twice (a loop), and for no more pages than the items read so far can
 * need; otherwise it stops with an error naming the tenant and what was being read.
 */
export class GraphPaging {
  private readonly seen = new Set<string>();
  private pages = 0;
  private emptyPages = 0;
  private items = 0;

  constructor(
    private readonly origin: string,
    private readonly tenantId: string,
    private readonly what: string,
    first: string,
  ) {
    this.seen.add(first);
  }

  private stop(message: string): never {
    throw new ConnectorError({
      code: 'Protocol',
      service: 'graph',
      message: `Graph ${message} while reading ${this.what} in tenant ${this.tenantId}: stopped.`,
    });
  }

  /** Counts a page read; returns its next link once checked, or undefined at the last page. */
  follow(next: string | undefined, itemsOnPage: number): string | undefined {
    this.pages++;
    this.items += itemsOnPage;
    if (itemsOnPage === 0) this.emptyPages++;
    if (next === undefined) return undefined;
    if (!leadsTo(this.origin, next))
      this.stop(
        `gave a next page on another server (${safeOrigin(next)}, not ${this.origin}), where the tenant's token must not go,`,
      );
    if (this.seen.has(next)) this.stop('gave the same next page twice, a loop that would never end,');
    this.seen.add(next);
    if (this.items > MAX_ITEMS_PER_READ) this.stop(`went past ${MAX_ITEMS_PER_READ} items`);
    if (this.emptyPages > EMPTY_PAGES_ALLOWED)
      this.stop(`gave ${this.pages} pages for ${this.items} items, more than a read can need,`);
    return next;
  }
}

function safeOrigin(link: string): string {
  try {
    return new URL(link).origin;
  } catch {
    return 'a link that is not a URL';
  }
}
