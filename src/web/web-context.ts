import type { AlertService } from '../alerts/alert-service.ts';
import type { DirectorySource, DocStore, Psa } from '../domain/ports.ts';
import type { LinkSettings } from '../operations/deep-links.ts';
import type { LiveSystems } from '../operations/settings-check.ts';
import type { WebRole } from '../domain/web-user.ts';
import type { StateStore } from '../store/state-store.ts';
import type { SyncRunner } from '../run/sync-runner.ts';
import type { TenantJobQueue } from '../jobs/tenant-job-queue.ts';
import type { DeliveryMode } from '../jobs/delivery-mode.ts';
import type { NoticeReceiver } from '../jobs/notice-receiver.ts';
import type { SchedulerHeartbeat } from './health-routes.ts';
import type { LiveReadLimits } from './live-read-limits.ts';
import type { Targets } from '../domain/target-profile.ts';

/** What the web app works with: the state, and on demand the sync and the readers of the targets. */
export interface WebServices {
  readonly store: StateStore;
  /** the targets this installation writes to */
  readonly targets: Targets;
  /** where alerts go (the Alerts page and its test button) */
  readonly alerts: AlertService;
  /** throws a readable error when the config has no credentials for the APIs */
  apis(): {
    readonly runner: SyncRunner;
    readonly doc: DocStore | null;
    readonly psa: Psa | null;
    /** Microsoft 365, for checks of settings that name its groups */
    readonly directory?: DirectorySource;
  };
  /** finds the customer tenants (the config's list, or GDAP) and maps them by name; says what it found */
  discover(actor: string): Promise<string>;
  /** the job queue in scale-out (PostgreSQL), for its depth and its failed jobs; absent in the embedded mode */
  readonly queue?: Pick<TenantJobQueue, 'counts' | 'failed' | 'snapshot'> | null;
  /** where the targets live on the web, for links into them; no link into the documentation platform without it */
  readonly links?: LinkSettings;
  /** handles Graph's change notifications posted to this process; absent: they are acknowledged and left alone */
  readonly notices?: NoticeReceiver | null;
  /** how each tenant hears of changes (pushed or polled) and why; absent: every tenant polls */
  deliveryModes?(): Promise<ReadonlyMap<string, DeliveryMode>>;
  /** how much pages and read-only routes may read the APIs on demand per minute, and how long a read is shared */
  readonly liveReadLimits?: LiveReadLimits;
  /** the scheduler running in this process (`serve --daemon`), for `/readyz`; absent: none here */
  readonly heartbeat?: SchedulerHeartbeat | null;
}

/** Who made a request: a person signed in with a session cookie, or a REST API token. */
export interface Identity {
  readonly kind: 'session' | 'token';
  readonly name: string;
  readonly role: WebRole;
  /** the SHA-256 of the session cookie (binds CSRF tokens to the session); null for API tokens */
  readonly sessionHash: string | null;
}

/** Who may use a route: anyone, any signed-in person or token, or admins only. */
export type Access = 'public' | 'viewer' | 'admin';

export interface Notice {
  readonly kind: 'ok' | 'bad';
  readonly text: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** false for the routes machines post to without a form (Graph's notifications) */
    csrf?: boolean;
  }
}

/**
 * The readers a tenant's mapping needs: each target's customer records; without a documentation platform, one that
 * has none, so that the PSA's alone are offered.
 */
export function mappingSystemsOf(services: WebServices): {
  readonly doc: Pick<DocStore, 'listOrganizations'>;
  readonly psa: Psa | null;
} {
  const apis = services.apis();
  return { doc: apis.doc ?? { listOrganizations: async () => [] }, psa: apis.psa };
}

/** The name written to the audit log for an action done over the web. */
export function actorOf(identity: Identity): string {
  return identity.kind === 'session' ? `web:${identity.name}` : `api:${identity.name}`;
}

/**
 * The live systems settings are checked against when saved; null when the APIs are not configured (the settings are
 * then checked as without the APIs).
 */
export function liveSystemsOf(services: WebServices): LiveSystems | null {
  try {
    const apis = services.apis();
    if (apis.doc === null && apis.psa === null) return null;
    return {
      doc: apis.doc,
      psa: apis.psa,
      ...(apis.directory === undefined ? {} : { directory: apis.directory }),
    };
  } catch {
    return null;
  }
}
