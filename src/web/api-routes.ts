import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Targets } from '../domain/target-profile.ts';
import { ADMIN_ROUTES } from './api/admin-routes.ts';
import type { ApiRoute } from './api/api-route.ts';
import { contactRoutes } from './api/contact-routes.ts';
import { mappingRoutes } from './api/mapping-routes.ts';
import { runRoutes } from './api/run-routes.ts';
import { tenantRoutes } from './api/tenant-routes.ts';
import type { WebServices } from './web-context.ts';

/** Every route of the REST API, its keys and words those of the installation's targets. */
export function apiRoutes(targets: Targets): readonly ApiRoute[] {
  return [
    ...tenantRoutes(targets),
    ...mappingRoutes(targets),
    ...contactRoutes(targets),
    ...runRoutes(targets),
    ...ADMIN_ROUTES,
  ];
}

/** The OpenAPI 3.1 document of the REST API, made from the route table. */
export function openApiDocument(version: string, routes: readonly ApiRoute[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    }));
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      description: route.access === 'admin' ? 'Needs the admin role.' : 'Any signed-in role.',
      ...(pathParams.length + queryParams.length === 0 ? {} : { parameters: [...pathParams, ...queryParams] }),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } },
            },
          }),
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: {} } } },
        400: {
          description: 'Invalid input; the message names the field',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        401: { description: 'No valid API token or session' },
        403: { description: 'The role does not allow this, or a session request without its CSRF token' },
        404: { description: 'Not found' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'contactsync REST API',
      version,
      description:
        'Every action of the web UI. Authenticate with `Authorization: Bearer TOKEN` (tokens are made with `contactsync token add NAME --role viewer|admin`).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                problems: {
                  type: 'array',
                  items: { type: 'object', properties: { key: { type: 'string' }, message: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}

export function registerApiRoutes(app: FastifyInstance, services: WebServices, version = '0.0.0'): void {
  const routes = apiRoutes(services.targets);
  const document = openApiDocument(version, routes);
  app.get('/api/openapi.json', { config: { access: 'public' } }, async () => document);
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ':$1'),
      config: { access: route.access },
      handler: (request) => route.handler(request, services),
    });
  }
}
