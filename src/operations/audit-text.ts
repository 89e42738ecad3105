import { targetOfId } from '../domain/target-of-id.ts';
import { presentTargets, type Targets } from '../domain/target-profile.ts';
import type { AuditEntry } from '../domain/audit-entry.ts';
import { settingValueText, type SettingValueChange } from './setting-value-changes.ts';

/** An audit entry as a technician reads it: who did what, on which tenant and which person, by name. */
interface AuditLine {
  readonly at: string;
  readonly who: string;
  /** one sentence, without the tenant and the person (they have their own columns) */
  readonly what: string;
  readonly tenant: { readonly id: string; readonly name: string } | null;
  readonly person: { readonly id: string; readonly name: string } | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function named(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && 'name' in value) return String((value as { name: unknown }).name);
  return String(value);
}

/** What a tenant was mapped to, target by target: `<documentation platform> "Contoso", <PSA> none`. */
function mappedText(d: AuditEntry['details'], targets: Targets): string {
  const { doc, psa } = targets;
  const psaName = psa === null ? null : named(d[psa.id]);
  return [
    doc === null ? null : `${doc.words.name} "${named(d[doc.id]) ?? '?'}"`,
    psa === null ? null : `${psa.words.name} ${psaName === null ? 'none' : `"${psaName}"`}`,
  ]
    .filter((part): part is string => part !== null)
    .join(', ');
}

/** The contacts a person was unlinked from: `<documentation platform> contact 12 and <PSA> contact 7`. */
function unlinkedText(d: AuditEntry['details'], targets: Targets): string {
  return presentTargets(targets)
    .filter((target) => d[target.id] !== null && d[target.id] !== undefined)
    .map((target) => `${target.words.name} contact ${String(d[target.id])}`)
    .join(' and ');
}

/** The sentence of each action; an action this does not know is said with its details as "key: value" pairs. */
function sentence(entry: AuditEntry, targets: Targets): string {
  const d = entry.details;
  const sideId = d.side ?? d.system;
  const side = targetOfId(targets, sideId)?.words.name ?? '';
  switch (entry.action) {
    case 'tenant.map': {
      const shared = Array.isArray(d.sharedWith) ? (d.sharedWith as unknown[]).map(String) : [];
      return `mapped to ${mappedText(d, targets)}${shared.length === 0 ? '' : `, shared with ${shared.join(' and ')} because: ${str(d.reason) ?? '(no reason)'}`}${d.namesConfirmed === true ? ' (names confirmed)' : ''}`;
    }
    case 'tenant.unmap':
      return 'unmapped';
    case 'tenant.settings': {
      // Entries written before values were recorded name the keys alone.
      const values = (typeof d.values === 'object' && d.values !== null ? d.values : {}) as Record<
        string,
        SettingValueChange | undefined
      >;
      const keys = Array.isArray(d.changes) ? (d.changes as unknown[]).map(String) : [];
      const said = keys.map((key) => {
        const change = values[key];
        return change === undefined ? key : `${key} ${settingValueText(change.old)} → ${settingValueText(change.new)}`;
      });
      return `changed the settings${said.length > 0 ? ` ${said.join(', ')}` : ''}${d.version === undefined ? '' : ` (version ${String(d.version)})`}`;
    }
    case 'tenant.approve':
      return 'approved the inactivations the deletion guard held back';
    case 'tenant.sync':
      return `synced now${str(d.status) === null ? '' : ` (${String(d.status)})`}`;
    case 'tenants.sync':
      return `synced every tenant${d.tenants === undefined ? '' : ` (${String(d.tenants)})`}`;
    case 'tenants.discover':
      return `looked for customer tenants${d.found === undefined ? '' : `: ${String(d.found)} found`}`;
    case 'conflict.resolve': {
      const choice =
        d.resolution === 'link'
          ? `linked to ${side} contact ${String(d.target)}`
          : d.resolution === 'create'
            ? `a new ${side} contact`
            : targets.psa !== null && sideId === targets.psa.id
              ? `left out of ${side}`
              : 'left out of the sync';
      return `settled the ${side} conflict: ${choice}`;
    }
    case 'contact.enable':
      return Array.isArray(d.reopened) ? 'enabled sync, bringing them back into the sync' : 'enabled sync';
    case 'contact.disable':
      return `disabled sync with ${presentTargets(d.leg === 'all' ? targets : { doc: null, psa: targets.psa })
        .map((target) => target.words.name)
        .join(' and ')}`;
    case 'contact.sync-now':
      return `ran Sync now${str(d.outcome) === null ? '' : ` (${String(d.outcome)})`}`;
    case 'contact.reopen':
      return `took back the decision (was: ${str(d.was) ?? 'a decision'})`;
    case 'contact.unlink':
      return `unlinked from ${unlinkedText(d, targets)}`;
    case 'contact.relink':
      return `linked by hand to ${side} contact ${String(d.contact)}${d.previous === null || d.previous === undefined ? '' : ` (was ${String(d.previous)})`}`;
    case 'user.add':
      return `added the login ${entry.target}${str(d.role) === null ? '' : ` (${String(d.role)})`}`;
    case 'user.role':
      return `made the login ${entry.target} ${str(d.role) ?? 'another role'}`;
    case 'user.passwd':
      return `set a new password for the login ${entry.target}`;
    case 'user.remove':
      return `removed the login ${entry.target}`;
    case 'token.add':
      return `added the API token "${str(d.name) ?? entry.target}"${str(d.role) === null ? '' : ` (${String(d.role)})`}`;
    case 'token.revoke':
      return `revoked the API token ${entry.target}`;
    case 'login':
      return d.via === 'microsoft'
        ? `signed in with Microsoft as ${str(d.name) ?? entry.target} (${str(d.role) ?? 'viewer'})`
        : 'signed in';
    case 'login.failed':
      return d.via === 'microsoft'
        ? 'signed in with Microsoft, but is in neither allowed group: refused'
        : 'failed to sign in';
    default: {
      const pairs = Object.entries(d)
        .filter(([key]) => key !== 'tenant' && key !== 'user')
        .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
      return `${entry.action}${entry.target === '' ? '' : ` ${entry.target}`}${pairs.length === 0 ? '' : ` (${pairs.join(', ')})`}`;
    }
  }
}

/**
 * An entry in words. Entries written before tenants and persons were recorded with them name their tenant by its id
 * as the target: `tenants` gives its name. Entries name targets by id: `targets` gives their names.
 */
export function auditLine(entry: AuditEntry, tenants: ReadonlyMap<string, string>, targets: Targets): AuditLine {
  // A sign-in's target is the name typed, which anyone may make a tenant's id: it never names a tenant.
  const signIn = entry.action.startsWith('login.');
  const tenantId = entry.tenantId ?? (!signIn && tenants.has(entry.target) ? entry.target : null);
  const tenantName = str(entry.details.tenant) ?? (tenantId === null ? null : (tenants.get(tenantId) ?? null));
  const personName = str(entry.details.user);
  return {
    at: entry.at,
    who: entry.actor,
    what: sentence(entry, targets),
    tenant: tenantId === null ? null : { id: tenantId, name: tenantName ?? tenantId },
    person: entry.userId === null ? null : { id: entry.userId, name: personName ?? entry.userId },
  };
}
