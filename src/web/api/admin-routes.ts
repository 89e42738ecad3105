import { z } from 'zod';
import { auditLine } from '../../operations/audit-text.ts';
import { listLimit, listOffset, MAX_AUDIT_LISTED, MAX_SKIPPED } from '../../operations/list-limit.ts';
import { tenantNamed } from '../../operations/operator-actions.ts';
import { apiAuditEntry } from '../api-shapes.ts';
import { actorOf } from '../web-context.ts';
import { bodyOf, type ApiRoute } from './api-route.ts';

const alertTestBody = z.object({ channel: z.string().min(1).describe('the name (or id) of an alert channel') });
const alertsBody = z
  .record(z.string(), z.unknown())
  .describe(
    'the alert settings, the shape of the config file\'s "alerts" block: intervalMinutes, baseUrl, channels (a channel\'s url or smtp.password left out keeps the saved one)',
  );

/** Where alerts go, and the audit log. */
export const ADMIN_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/alerts',
    summary: 'Where alerts go: the channels (webhook addresses and passwords masked) and the interval',
    access: 'viewer',
    handler: async (_request, { alerts }) => alerts.view(),
  },
  {
    method: 'PUT',
    path: '/api/alerts',
    summary: 'Replace the alert settings (validated; secrets left out are kept)',
    access: 'admin',
    body: alertsBody,
    handler: async (request, { alerts }) => {
      await alerts.save(bodyOf(alertsBody, request), actorOf(request.identity!));
      return alerts.view();
    },
  },
  {
    method: 'POST',
    path: '/api/alerts/test',
    summary: 'Send a test alert to one channel now; a failure answers 502 with what the channel said',
    access: 'admin',
    body: alertTestBody,
    handler: async (request, { alerts }) => ({
      message: await alerts.test(bodyOf(alertTestBody, request).channel, actorOf(request.identity!)),
    }),
  },
  {
    method: 'POST',
    path: '/api/alerts/send',
    summary: 'Send the alerts that are due now (each channel: at most one message per kind per interval)',
    access: 'admin',
    handler: async (_request, { alerts }) => alerts.dispatch(),
  },
  {
    method: 'GET',
    path: '/api/audit',
    summary: 'The audit log, newest first, each entry also in words (what, tenant and person by name)',
    access: 'viewer',
    query: {
      limit: `how many: 1 to ${MAX_AUDIT_LISTED} (default 100)`,
      offset: `how many to skip (paging): 0 to ${MAX_SKIPPED}`,
      tenant: 'a tenant id or name',
      user: "a person's object id",
      actor: 'who (web:NAME, api:TOKEN, cli:USER)',
      action: 'an action (contact.unlink) or its family (contact)',
    },
    handler: async (request, { store, targets }) => {
      const q = request.query as Record<string, string | undefined>;
      const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
      const entries = await store.listAudit({
        limit: listLimit(q.limit, 100, MAX_AUDIT_LISTED),
        offset: listOffset(q.offset),
        ...(q.tenant === undefined ? {} : { tenantId: (await tenantNamed(store, q.tenant)).id }),
        ...(q.user === undefined ? {} : { userId: q.user }),
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.action === undefined ? {} : { action: q.action }),
      });
      return entries.map((entry) => apiAuditEntry(entry, auditLine(entry, names, targets)));
    },
  },
];
