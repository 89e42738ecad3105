import type { SecretBox } from '../config/secret-box.ts';
import { foldName } from '../normalize/name.ts';
import { conflictSummary } from '../operations/conflict-summary.ts';
import { OperationError } from '../operations/operation-error.ts';
import type { RunFacts } from '../run/run-alerts.ts';
import { AlertStore, type AlertItem } from '../store/alert-store.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import type { AlertKind } from '../domain/alert-kind.ts';
import type { Targets } from '../domain/target-profile.ts';
import { alertTitle, heldFrom } from './alert-kinds.ts';
import { alertLinkBase, type AlertLinkBase } from './alert-link-base.ts';
import type { AlertLine, AlertMessage } from './alert-messages.ts';
import { sendAlert } from './alert-senders.ts';
import { alertsSchema, type AlertChannel, type AlertsConfig } from '../config/alert-channels.ts';
import {
  maskedChannel,
  NO_ALERTS,
  openChannel,
  sealChannel,
  type StoredAlerts,
  type StoredChannel,
} from './alert-settings.ts';

const SCOPE = 'alerts';
/** one-time events (failures) are forgotten after this long; items that still wait are kept */
const KEEP_MS = 30 * 24 * 3600_000;

interface AlertServiceOptions {
  readonly store: StateStore;
  /** the targets of the installation, named in messages as users read them */
  readonly targets: Targets;
  readonly box: SecretBox;
  /** the web UI's address for links when the alert settings name none (web.publicUrl, else its host and port) */
  readonly baseUrl: () => string;
  /** whether baseUrl is where a web UI of this process listens (true when not given), not only what the config names */
  readonly listening?: () => boolean;
  /** the configured public address of the web UI (web.publicUrl), null when none is: links may not open elsewhere */
  readonly publicUrl?: () => string | null;
  readonly send?: (channel: AlertChannel, message: AlertMessage) => Promise<void>;
  readonly now?: () => Date;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

interface DispatchReport {
  readonly sent: readonly { readonly channel: string; readonly kind: AlertKind; readonly items: number }[];
  readonly failed: readonly { readonly channel: string; readonly kind: AlertKind; readonly error: string }[];
}

/**
 * Alerts: records what waits for a person after each run (in the state store, shared by every process), and sends
 * each channel at most one message per kind and customer per interval, listing every new item with a link to it.
 */
export class AlertService {
  private readonly events: AlertStore;

  constructor(private readonly options: AlertServiceOptions) {
    this.events = new AlertStore(options.store.db);
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.options.log?.(level, message, fields);
  }

  async settings(): Promise<StoredAlerts> {
    return ((await this.options.store.latestSettings(SCOPE))?.json as StoredAlerts | undefined) ?? NO_ALERTS;
  }

  /**
   * The settings as people may see them: webhook addresses and passwords masked; `baseUrl` is where links point,
   * `savedBaseUrl` the address the alert settings give (null: none), `linkWarning` why links may not open elsewhere.
   */
  async view(): Promise<{
    intervalMinutes: number;
    baseUrl: string;
    savedBaseUrl: string | null;
    linkWarning: string | null;
    channels: Record<string, unknown>[];
  }> {
    const stored = await this.settings();
    const target = this.target(stored);
    return {
      intervalMinutes: stored.intervalMinutes,
      baseUrl: target.base,
      savedBaseUrl: stored.baseUrl ?? null,
      linkWarning: target.warning,
      channels: stored.channels.map((c) => maskedChannel(c, this.options.box)),
    };
  }

  /** Where links in alerts and exports point, and why they may not open from another desk. */
  async linkTarget(): Promise<AlertLinkBase> {
    return this.target(await this.settings());
  }

  private target(settings: StoredAlerts): AlertLinkBase {
    return alertLinkBase(
      settings.baseUrl ?? null,
      this.options.publicUrl?.() ?? null,
      this.options.baseUrl(),
      this.options.listening?.() ?? true,
    );
  }

  /** Applies the config file's `alerts` block when it changed since it was last applied. */
  async applyConfig(config: AlertsConfig): Promise<void> {
    const current = await this.settings();
    const { box } = this.options;
    const applied = current.fromConfig;
    if (applied !== undefined && JSON.stringify(openAll(applied, box)) === JSON.stringify(config)) return;
    await this.store(config, current, { ...config, channels: config.channels.map((c) => sealChannel(c, box)) });
    await this.options.store.audit('config file', 'alerts.config', SCOPE, {
      channels: config.channels.map((c) => c.name),
    });
  }

  /**
   * Saves alert settings given by a person (web UI, REST API). A channel's webhook address or SMTP password left out
   * keeps the one saved; every problem is reported at once by its key.
   */
  async save(input: unknown, actor: string): Promise<StoredAlerts> {
    const current = await this.settings();
    const filled = this.withKeptSecrets(input, current);
    const parsed = alertsSchema.safeParse(filled);
    if (!parsed.success)
      throw new OperationError(
        'Validation',
        `The alert settings were not saved: ${parsed.error.issues.map((i) => `${where(i.path, filled)}: ${i.message}`).join('; ')}.`,
      );
    await this.checkTenantNames(parsed.data, current);
    const saved = await this.store(parsed.data, current, current.fromConfig);
    await this.options.store.audit(actor, 'alerts.save', SCOPE, {
      intervalMinutes: saved.intervalMinutes,
      channels: saved.channels.map((c) => c.name),
    });
    return saved;
  }

  /**
   * A channel's tenant that is no tenant (a typo) would silently leave the channel without its customer's alerts: a
   * name given anew must name a tenant. Names a channel had already are kept, so that a customer that is gone does not
   * block saving the other channels.
   */
  private async checkTenantNames(config: AlertsConfig, current: StoredAlerts): Promise<void> {
    const tenants = await this.options.store.listTenants();
    const problems: string[] = [];
    for (const channel of config.channels) {
      const before = current.channels.find((c) => foldName(c.name) === foldName(channel.name));
      const had = new Set((before?.tenants ?? []).map(foldName));
      const unknown = channel.tenants.filter(
        (name) => !had.has(foldName(name)) && tenantsOf({ ...channel, tenants: [name] }, tenants)?.length === 0,
      );
      if (unknown.length > 0)
        problems.push(
          `channel "${channel.name}" tenants: no tenant is called ${unknown.map((n) => `"${n}"`).join(', ')}`,
        );
    }
    if (problems.length === 0) return;
    const names = tenants.map((t) => t.displayName).sort((a, b) => a.localeCompare(b));
    const known =
      names.length === 0
        ? 'there are no tenants yet (find them with contactsync tenants discover)'
        : `the tenants are ${names.slice(0, 20).join(', ')}${names.length > 20 ? ` and ${names.length - 20} more` : ''}`;
    throw new OperationError(
      'Validation',
      `The alert settings were not saved: ${problems.join('; ')}; ${known}. Give tenant names or ids as listed.`,
    );
  }

  private withKeptSecrets(input: unknown, current: StoredAlerts): unknown {
    if (typeof input !== 'object' || input === null) return input;
    const body = input as { channels?: unknown };
    if (!Array.isArray(body.channels)) return input;
    const channels = body.channels.map((raw: unknown) => {
      if (typeof raw !== 'object' || raw === null) return raw;
      const { id, ...channel } = raw as Record<string, unknown> & { id?: unknown };
      const before =
        current.channels.find((c) => c.id === id) ??
        current.channels.find((c) => foldName(c.name) === foldName(String(channel.name ?? '')));
      if (before === undefined) return channel;
      const open = openChannel(before, this.options.box);
      if (channel.type !== open.type) return channel;
      if (open.type !== 'email') return { ...channel, url: blank(channel.url) ? open.url : channel.url };
      const smtp = (channel.smtp ?? {}) as Record<string, unknown>;
      // The saved password goes only to the server and user it was given for: a person who cannot see it must not
      // be able to send it elsewhere (or in clear) by changing the rest.
      const sameServer =
        smtp.host === open.smtp.host &&
        (smtp.port ?? 587) === open.smtp.port &&
        (blank(smtp.user) ? undefined : smtp.user) === open.smtp.user &&
        (smtp.allowPlainAuth === true) === (open.smtp.allowPlainAuth === true);
      if (blank(smtp.password) && open.smtp.password !== undefined && !sameServer)
        throw new OperationError(
          'Validation',
          `The alert settings were not saved: channel "${open.name}" smtp password: the SMTP server, port, user or plain authentication changed, so enter the password again (the saved one is sent only to the server it was given for).`,
        );
      return {
        ...channel,
        smtp: {
          ...smtp,
          ...(blank(smtp.password) && open.smtp.password !== undefined ? { password: open.smtp.password } : {}),
        },
      };
    });
    return { ...body, channels };
  }

  private async store(
    config: AlertsConfig,
    current: StoredAlerts,
    fromConfig: AlertsConfig | undefined,
  ): Promise<StoredAlerts> {
    const at = this.now().toISOString();
    const channels: StoredChannel[] = config.channels.map((channel) => {
      const before = current.channels.find((c) => foldName(c.name) === foldName(channel.name));
      return {
        ...sealChannel(channel, this.options.box),
        id: before?.id ?? crypto.randomUUID(),
        createdAt: before?.createdAt ?? at,
      };
    });
    const next: StoredAlerts = {
      intervalMinutes: config.intervalMinutes,
      ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
      channels,
      ...(fromConfig === undefined ? {} : { fromConfig }),
    };
    await this.options.store.saveSettings(SCOPE, next);
    return next;
  }

  /** Records what a run left waiting for a person; never throws (an alert problem must not fail a sync). */
  async record(tenant: TenantRecord, facts: RunFacts): Promise<void> {
    try {
      await this.recordNow(tenant, facts);
    } catch (error) {
      this.log('error', 'alerts: recording failed', { tenantId: tenant.id, error: (error as Error).message });
    }
  }

  private async recordNow(tenant: TenantRecord, facts: RunFacts): Promise<void> {
    const at = this.now().toISOString();
    const tenantPath = `/tenants/${encodeURIComponent(tenant.id)}`;
    const runPath = facts.runId === null ? tenantPath : `/runs/${encodeURIComponent(facts.runId)}`;
    const userPath = (userId: string) => `/contacts/${encodeURIComponent(tenant.id)}/${encodeURIComponent(userId)}`;
    const { store } = this.options;
    if (facts.complete && (facts.status === 'ok' || facts.status === 'needs approval')) {
      const held: AlertItem[] = facts.users
        .filter((u) => u.outcome === 'held')
        .map((u) => ({
          key: u.userId,
          subject: u.userPrincipalName,
          detail: u.reasons.map((r) => r.message).join(' ') || `held from ${heldFrom(this.options.targets)}`,
          path: userPath(u.userId),
        }));
      await this.events.refresh(tenant.id, 'held', held, at);
      const conflicts = await store.listConflicts({ tenantId: tenant.id, status: 'open' });
      await this.events.refresh(
        tenant.id,
        'conflict',
        conflicts.map((c) => ({
          key: c.id,
          subject: c.userPrincipalName,
          detail: conflictSummary(c, this.options.targets),
          path: `/conflicts?tenant=${encodeURIComponent(tenant.id)}#conflict-${c.id}`,
        })),
        at,
      );
      const pending = facts.users.filter((u) => u.outcome === 'pending-approval').length;
      await this.events.refresh(
        tenant.id,
        'guard-halt',
        facts.status === 'needs approval'
          ? [
              {
                key: 'deletion-guard',
                subject: tenant.displayName,
                detail: `the deletion guard held back ${pending} inactivation${pending === 1 ? '' : 's'}: approve them or find out why so many left`,
                path: `${tenantPath}#approval`,
              },
            ]
          : [],
        at,
      );
    }
    const failedUsers = facts.users.filter((u) => u.outcome === 'failed');
    if (facts.status === 'failed' || failedUsers.length > 0) {
      const first = failedUsers[0];
      await this.events.add(
        tenant.id,
        'failed',
        [
          {
            key: facts.runId ?? `${at}:${tenant.id}`,
            subject: tenant.displayName,
            detail:
              facts.status === 'failed'
                ? `the sync failed: ${facts.error ?? 'see the run'}`
                : `${failedUsers.length} user${failedUsers.length === 1 ? '' : 's'} failed${first === undefined ? '' : `, first ${first.userPrincipalName}: ${first.reasons.map((r) => r.message).join(' ')}`}`,
            path: runPath,
          },
        ],
        at,
      );
    }
    const mismatches = facts.users.flatMap((u) => u.reasons.filter((r) => r.code === 'contract-mismatch'));
    const runMismatch = facts.error !== null && /contract[- ]mismatch/i.test(facts.error) ? facts.error : null;
    if (mismatches.length > 0 || runMismatch !== null)
      await this.events.add(
        tenant.id,
        'contract-mismatch',
        [
          {
            key: `${facts.runId ?? at}:contract`,
            subject: tenant.displayName,
            detail: runMismatch ?? mismatches[0]!.message,
            path: runPath,
          },
        ],
        at,
      );
  }

  /**
   * Sends what is due: for each channel and kind with new items, one message, unless one went out within the
   * interval (any process of the installation may have sent it). Failures are reported and tried again later.
   */
  async dispatch(): Promise<DispatchReport> {
    const settings = await this.settings();
    const sent: { channel: string; kind: AlertKind; items: number }[] = [];
    const failed: { channel: string; kind: AlertKind; error: string }[] = [];
    if (settings.channels.length === 0) return { sent, failed };
    const now = this.now();
    const at = now.toISOString();
    const cutoff = new Date(now.getTime() - settings.intervalMinutes * 60_000).toISOString();
    const tenants = await this.options.store.listTenants();
    const names = new Map(tenants.map((t) => [t.id, t.displayName]));
    for (const stored of settings.channels) {
      const tenantIds = tenantsOf(stored, tenants);
      for (const kind of stored.kinds) {
        // What still waits is announced to a channel added after it arose (its first message is a digest of what is
        // open); a one-time event is news only to the channels that existed when it happened.
        const since = STANDING_KINDS.has(kind) ? '' : stored.createdAt;
        const waiting = await this.events.pending(stored.id, kind, since, tenantIds);
        if (waiting.length === 0) continue;
        // One message per kind per interval for each customer: one customer's message never holds back another's.
        const claims = new Map<string, { previous: string | null }>();
        for (const tenantId of new Set(waiting.map((e) => e.tenantId))) {
          const claim = await this.events.claim(stored.id, batchKey(kind, tenantId), at, cutoff);
          if (claim !== undefined) claims.set(tenantId, claim);
        }
        const releaseAll = async () => {
          for (const [tenantId, claim] of claims)
            await this.events.release(stored.id, batchKey(kind, tenantId), at, claim.previous);
        };
        if (claims.size === 0) continue;
        const events = (await this.events.pending(stored.id, kind, since, [...claims.keys()])).filter((e) =>
          claims.has(e.tenantId),
        );
        if (events.length === 0) {
          await releaseAll();
          continue;
        }
        const message: AlertMessage = {
          kind,
          title: alertTitle(
            this.options.targets,
            kind,
            events.length,
            events.map((e) => names.get(e.tenantId) ?? e.tenantId),
          ),
          lines: events.map((e) => ({
            tenant: names.get(e.tenantId) ?? e.tenantId,
            subject: e.subject,
            detail: e.detail,
            url: this.link(settings, e.path),
          })),
          url: this.link(settings, `/attention?kind=${kind}`),
          sentAt: at,
        };
        try {
          await (this.options.send ?? sendAlert)(openChannel(stored, this.options.box), message);
          await this.events.delivered(
            stored.id,
            events.map((e) => e.id),
            at,
          );
          sent.push({ channel: stored.name, kind, items: events.length });
          this.log('info', 'alert sent', { channel: stored.name, kind, items: events.length });
        } catch (error) {
          await releaseAll();
          failed.push({ channel: stored.name, kind, error: (error as Error).message });
          this.log('warn', 'alert not sent', { channel: stored.name, kind, error: (error as Error).message });
        }
      }
    }
    await this.events.prune(new Date(now.getTime() - KEEP_MS).toISOString(), ['failed', 'contract-mismatch']);
    return { sent, failed };
  }

  /** Sends a test message to one channel now (by name or id); throws with the channel's answer when it fails. */
  async test(name: string, actor: string): Promise<string> {
    const settings = await this.settings();
    const stored =
      settings.channels.find((c) => c.id === name) ??
      settings.channels.find((c) => foldName(c.name) === foldName(name));
    if (stored === undefined)
      throw new OperationError(
        'NotFound',
        settings.channels.length === 0
          ? 'No alert channel is set up: add one on the Alerts page, or in the "alerts" block of the config file.'
          : `No alert channel "${name}". The channels are: ${settings.channels.map((c) => c.name).join(', ')}.`,
      );
    const tenants = await this.options.store.listTenants();
    const ids = tenantsOf(stored, tenants);
    const line: AlertLine = {
      tenant: 'test',
      subject: 'Test alert',
      detail: `this channel gets ${stored.kinds.join(', ')} for ${
        ids === null
          ? 'every tenant'
          : tenants
              .filter((t) => ids.includes(t.id))
              .map((t) => t.displayName)
              .join(', ') || 'no tenant known yet'
      }; sent by ${actor}`,
      url: this.link(settings, '/attention'),
    };
    await (this.options.send ?? sendAlert)(openChannel(stored, this.options.box), {
      kind: 'test',
      title: 'test alert',
      lines: [line],
      url: this.link(settings, '/attention'),
      sentAt: this.now().toISOString(),
    });
    await this.options.store.audit(actor, 'alerts.test', stored.name);
    return `Sent a test alert to "${stored.name}".`;
  }

  /** The web UI's address that links (in alerts, in exports) start with. */
  async linkBase(): Promise<string> {
    return (await this.linkTarget()).base;
  }

  private link(settings: StoredAlerts, path: string): string {
    return `${this.target(settings).base}${path}`;
  }
}

/** Kinds that are items still waiting (forgotten once settled), as opposed to one-time events such as a failed run. */
const STANDING_KINDS: ReadonlySet<AlertKind> = new Set(['conflict', 'held', 'guard-halt']);

/** The batch clock of one kind for one customer: each customer's messages keep their own interval. */
function batchKey(kind: AlertKind, tenantId: string): string {
  return `${kind}:${tenantId}`;
}

/** `channel "Helpdesk" url` for `channels.1.url`: the key of a problem, with the channel named. */
function where(path: readonly PropertyKey[], input: unknown): string {
  if (path[0] === 'channels' && typeof path[1] === 'number') {
    const channels = (input as { channels?: { name?: unknown }[] }).channels ?? [];
    const name = channels[path[1]]?.name;
    const label =
      typeof name === 'string' && name.trim() !== '' ? `channel "${name.trim()}"` : `channel ${path[1] + 1}`;
    return [label, ...path.slice(2).map(String)].join(' ');
  }
  return path.map(String).join('.') || 'alerts';
}

function openAll(config: AlertsConfig, box: SecretBox): AlertsConfig {
  return { ...config, channels: config.channels.map((c) => openChannel(c, box)) };
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The tenants a channel is for (ids), or null for every tenant; names match ignoring case, accents and spaces. */
function tenantsOf(channel: AlertChannel, tenants: readonly TenantRecord[]): string[] | null {
  if (channel.tenants.length === 0) return null;
  const wanted = new Set(channel.tenants.map(foldName));
  return tenants.filter((t) => wanted.has(foldName(t.displayName)) || wanted.has(foldName(t.id))).map((t) => t.id);
}
