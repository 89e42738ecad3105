import type { FastifyInstance } from 'fastify';
import { html } from '../html.ts';
import type { PageTools } from '../web-app.ts';
import type { WebServices } from '../web-context.ts';
import { listLimit, MAX_AUDIT_LISTED } from '../../operations/list-limit.ts';

/** Every admin action, newest first: who, what, on what. */
export function registerAuditPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  app.get('/audit', { config: { access: 'viewer' } }, async (request, reply) => {
    const limit = listLimit((request.query as { limit?: unknown }).limit, 200, MAX_AUDIT_LISTED);
    const entries = await services.store.listAudit(limit);
    return tools.send(
      request,
      reply,
      'Audit log',
      html`<div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th class="hide-narrow">Details</th>
              </tr>
            </thead>
            <tbody>
              ${entries.map(
                (e) =>
                  html`<tr>
                    <td data-label="When">${e.at.replace('T', ' ').slice(0, 19)}</td>
                    <td data-label="Who">${e.actor}</td>
                    <td data-label="Action"><code>${e.action}</code></td>
                    <td data-label="Target">${e.target}</td>
                    <td class="hide-narrow">
                      <code>${Object.keys(e.details).length === 0 ? '' : JSON.stringify(e.details)}</code>
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${entries.length === limit ? html`<p><a href="/audit?limit=${Math.min(MAX_AUDIT_LISTED, limit * 5)}">Older entries</a></p>` : ''}`,
    );
  });
}
