import { z } from 'zod';
import type { Targets } from '../../domain/target-profile.ts';
import { actOnAttention } from '../../operations/attention-actions.ts';
import { ATTENTION_KINDS, attentionItems, countByKind, type AttentionKind } from '../../operations/attention.ts';
import { listLimit, MAX_RUNS_LISTED } from '../../operations/list-limit.ts';
import { OperationError, tenantNamed } from '../../operations/operator-actions.ts';
import { reportedUser } from '../../sync/report.ts';
import { apiRun } from '../api-shapes.ts';
import { actorOf } from '../web-context.ts';
import { bodyOf, params, type ApiRoute } from './api-route.ts';

const attentionBody = z.object({
  action: z.enum(['create', 'ignore', 'approve', 'retry']),
  items: z.array(z.string().min(1)).min(1).describe('ids of items from GET /api/attention'),
});

/** The runs, the workers' job queue, and what waits for a person. */
export function runRoutes(targets: Targets): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/runs',
      summary: 'The latest runs, newest first',
      access: 'viewer',
      query: { tenant: 'a tenant id', limit: `how many: 1 to ${MAX_RUNS_LISTED} (default 50)` },
      handler: async (request, { store }) => {
        const q = request.query as { tenant?: string; limit?: unknown };
        return (await store.listRuns(q.tenant, listLimit(q.limit, 50, MAX_RUNS_LISTED))).map(apiRun);
      },
    },
    {
      method: 'GET',
      path: '/api/runs/{id}',
      summary: 'One run with its per-user results',
      access: 'viewer',
      handler: async (request, { store }) => {
        const run = await store.getRun(params(request).id!);
        if (run === null) throw new OperationError('NotFound', `No run ${params(request).id}.`);
        return { run: apiRun(run), users: (await store.resultsOfRun(run.id)).map((u) => reportedUser(u, targets)) };
      },
    },
    {
      method: 'GET',
      path: '/api/jobs',
      summary: 'The job queue of the workers (scale-out): jobs by state, and the jobs that failed for good with why',
      access: 'viewer',
      handler: async (_request, services) => {
        if (!services.queue) return { scaleOut: false, counts: [], failed: [] };
        return { scaleOut: true, ...(await services.queue.snapshot()) };
      },
    },
    {
      method: 'GET',
      path: '/api/attention',
      summary:
        'Needs attention: every item across tenants that waits for a person (conflict, held, guard-halt, failed, contract-mismatch), grouped by kind and customer; /attention.csv gives the same as CSV',
      access: 'viewer',
      query: { kind: 'only items of this kind', tenant: 'only this tenant (id or name)' },
      handler: async (request, { store }) => {
        const q = request.query as { kind?: string; tenant?: string };
        if (q.kind !== undefined && !(ATTENTION_KINDS as readonly string[]).includes(q.kind))
          throw new OperationError('Validation', `kind is one of ${ATTENTION_KINDS.join(', ')}.`);
        const tenant = q.tenant === undefined ? null : await tenantNamed(store, q.tenant);
        const items = await attentionItems(store, targets, {
          ...(q.kind === undefined ? {} : { kind: q.kind as AttentionKind }),
          ...(tenant === null ? {} : { tenantId: tenant.id }),
        });
        return { counts: countByKind(items), items };
      },
    },
    {
      method: 'POST',
      path: '/api/attention/actions',
      summary:
        'One decision for many items (their ids from GET /api/attention): create (a contact for each dispute), ignore (leave them out), approve (halts) or retry (sync again); each tenant touched is synced',
      access: 'admin',
      body: attentionBody,
      handler: async (request, services) => {
        const body = bodyOf(attentionBody, request);
        return {
          message: await actOnAttention(
            services.store,
            services.apis().runner,
            services.targets,
            body.items,
            body.action,
            actorOf(request.identity!),
          ),
        };
      },
    },
  ];
}
