import { z } from 'zod';
import type { TargetProfile, Targets } from '../../domain/target-profile.ts';
import { tenantNamed } from '../../operations/operator-actions.ts';
import { mappingCandidates, mapTenant } from '../../operations/tenant-mapping.ts';
import { apiTenant } from '../api-shapes.ts';
import { customerLabel, inWords, withArticle } from '../target-words.ts';
import { actorOf, mappingSystemsOf } from '../web-context.ts';
import { bodyOf, params, type ApiRoute } from './api-route.ts';

/** Whether a body names the target's customer record, by name or by id (null included). */
function namesCustomer(target: TargetProfile, body: Record<string, unknown>): boolean {
  return body[target.id] !== undefined || body[target.customerIdKey] !== undefined;
}

/**
 * The body of a mapping: per target present, its customer record by name or id under the target's id, or by id
 * under the target's customer key (`<id>` or its `customerIdKey`); with a documentation platform, the PSA's may
 * be null (the documentation platform alone).
 */
function mappingBody(targets: Targets) {
  const { doc, psa } = targets;
  const docAlone = doc === null ? '' : `; null: ${doc.words.name} only`;
  const nullable = <T extends z.ZodType>(schema: T) => (doc === null ? schema : schema.nullable());
  const shape: Record<string, z.ZodType> = {
    ...(doc === null
      ? {}
      : {
          [doc.id]: z
            .string()
            .min(1)
            .optional()
            .describe(`the ${customerLabel(doc)}, by name or id`),
          [doc.customerIdKey]: z
            .string()
            .min(1)
            .optional()
            .describe(`the ${customerLabel(doc)} id (or give ${doc.id})`),
        }),
    ...(psa === null
      ? {}
      : {
          [psa.id]: nullable(z.string().min(1))
            .optional()
            .describe(`the ${customerLabel(psa)} by name or id${docAlone}`),
          [psa.customerIdKey]: nullable(z.number().int())
            .optional()
            .describe(`the ${customerLabel(psa)} id${docAlone}`),
        }),
  };
  let body: z.ZodType<Record<string, unknown>> = z.object({
    ...shape,
    force: z
      .string()
      .optional()
      .describe(
        `why the tenant is mapped onto ${withArticle(
          inWords(
            [doc, psa].flatMap((t) => (t === null ? [] : [t.words.customer])),
            'or',
          ),
        )} another tenant uses; refused without it`,
      ),
    confirmNames: z.boolean().optional().describe("the names differ from the tenant's, and they are the same customer"),
  });
  for (const target of [doc, psa])
    if (target !== null)
      body = body.refine((b) => namesCustomer(target, b), {
        message: `give the ${customerLabel(target)}: ${target.id} (a name or id${target === psa && doc !== null ? `, or null for ${doc.words.name} only` : ''}) or ${target.customerIdKey}`,
        path: [target.id],
      });
  return body;
}

/** The customer record a body names for one target: by name or id, by id, or null (none). */
function chosenOf(target: TargetProfile | null, body: Record<string, unknown>): string | null {
  if (target === null) return null;
  const named = body[target.id];
  if (named !== undefined) return named as string | null;
  const id = body[target.customerIdKey];
  return id === null || id === undefined ? null : String(id);
}

/** A tenant's mapping onto each target's customer record, and the records it can be mapped to. */
export function mappingRoutes(targets: Targets): ApiRoute[] {
  const { doc, psa } = targets;
  const body = mappingBody(targets);
  const customers = [doc, psa].flatMap((t) => (t === null ? [] : [customerLabel(t)]));
  return [
    {
      method: 'PUT',
      path: '/api/tenants/{id}/mapping',
      summary: `Map the tenant to ${inWords(customers.map(withArticle))}${doc !== null && psa !== null ? ` (null: ${doc.words.name} only)` : ''}; refused with 409 when another tenant uses them (unless force) or the names differ (unless confirmNames)`,
      access: 'admin',
      body,
      handler: async (request, services) => {
        const { store } = services;
        const tenant = await tenantNamed(store, params(request).id!);
        const given = bodyOf(body, request);
        const message = await mapTenant(
          store,
          mappingSystemsOf(services),
          services.targets,
          tenant,
          { doc: chosenOf(doc, given) ?? '', psa: chosenOf(psa, given) },
          {
            force: typeof given.force === 'string' ? given.force : null,
            confirmNames: given.confirmNames === true,
          },
          { force: 'send "force" with the reason', confirm: 'send "confirmNames": true' },
          actorOf(request.identity!),
        );
        const mapped = await store.getTenant(tenant.id);
        return { message, tenant: mapped === null ? null : apiTenant(mapped, targets) };
      },
    },
    {
      method: 'GET',
      path: '/api/tenants/{id}/mapping/candidates',
      summary: `The ${inWords(customers.map((c) => `${c}s`))} the tenant can be mapped to, the closest names first`,
      access: 'admin',
      handler: async (request, services) =>
        mappingCandidates(
          services.store,
          mappingSystemsOf(services),
          await tenantNamed(services.store, params(request).id!),
        ),
    },
  ];
}
