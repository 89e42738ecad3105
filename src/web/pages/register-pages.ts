import type { FastifyInstance } from 'fastify';
import type { PageTools } from '../page-tools.ts';
import type { WebServices } from '../web-context.ts';
import { registerAlertsPage } from './alerts-page.ts';
import { registerAttentionPage } from './attention-page.ts';
import { registerAuditPage } from './audit-page.ts';
import { registerConflictsPage } from './conflicts-page.ts';
import { registerContactPages } from './contact-page.ts';
import { registerContactsListPage } from './contacts-list-page.ts';
import { registerDashboard } from './dashboard-page.ts';
import { registerMappingPage } from './mapping-page.ts';
import { registerTenantPages } from './tenant-page.ts';
import { registerUsersPage } from './users-page.ts';

export function registerPages(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  registerDashboard(app, services, tools);
  registerTenantPages(app, services, tools);
  registerMappingPage(app, services, tools);
  registerConflictsPage(app, services, tools);
  registerContactsListPage(app, services, tools);
  registerContactPages(app, services, tools);
  registerAuditPage(app, services, tools);
  registerAlertsPage(app, services, tools);
  registerUsersPage(app, services, tools);
  registerAttentionPage(app, services, tools);
}
