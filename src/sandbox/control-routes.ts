import { z } from 'zod';
import { graphUserSeedSchema, type GraphUserSeed } from './tenant-seed.ts';
import { json, type SimRequest, type SimResponse } from './sim-server.ts';
import type { RunningSimulators, ServerName } from './running-simulators.ts';
import { SIMULATED_TARGETS } from './simulator-registry.ts';

/**
 * The simulators' own control routes (DESIGN.md, "The simulators on their own"), on the Graph simulator's port: no
 * credentials, JSON in and out, never delayed, faulted or counted as requests to an API.
 */

const fraction = z.number().min(0).max(1).default(0);

const faultsSchema = z
  .strictObject({
    // Graph's, or a target's id
    api: z.enum(['graph', ...SIMULATED_TARGETS.map((target): ServerName => target.id)]),
    error500: fraction,
    throttle429: fraction,
    timeout: fraction,
    latencyMs: z.number().int().min(0).max(600_000).default(0),
  })
  .refine(
    (f) => f.error500 + f.throttle429 + f.timeout <= 1,
    'error500, throttle429 and timeout add up to more than 1',
  );

function problem(status: number, message: string, problems?: readonly string[]): SimResponse {
  return json(status, { error: message, ...(problems === undefined ? {} : { problems }) });
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
}

function bodyOf(request: SimRequest): { ok: true; value: unknown } | { ok: false; response: SimResponse } {
  try {
    return { ok: true, value: JSON.parse(request.body === '' ? 'null' : request.body) };
  } catch {
    return { ok: false, response: problem(400, 'The body is not JSON.') };
  }
}

export function registerControlRoutes(sims: RunningSimulators): void {
  const route = (method: string, template: string, handler: (request: SimRequest) => SimResponse) =>
    sims.graph.server.route(method, template, handler, { control: true });
  const tenantUsers = (tenantId: string): GraphUserSeed[] | null => {
    try {
      return sims.graph.users(tenantId);
    } catch {
      return null;
    }
  };

  route('GET', '/_sim/state', () => json(200, { ...sims.dump(), requests: sims.requestCounts() }));

  route('POST', '/_sim/tenants/{tenantId}/users', (request) => {
    const tenantId = request.params.tenantId!;
    const users = tenantUsers(tenantId);
    if (users === null) return problem(404, `No tenant ${tenantId} in the simulated Microsoft 365.`);
    const body = bodyOf(request);
    if (!body.ok) return body.response;
    const parsed = graphUserSeedSchema.safeParse(body.value);
    if (!parsed.success) return problem(400, 'The user is not a Graph user.', issues(parsed.error));
    const user = parsed.data;
    if (users.some((u) => u.id === user.id) || sims.graph.deletedUsers(tenantId).some((u) => u.id === user.id))
      return problem(409, `Tenant ${tenantId} already has a user ${user.id}.`);
    sims.graph.addUser(tenantId, user);
    return json(201, user);
  });

  route('PATCH', '/_sim/tenants/{tenantId}/users/{id}', (request) => {
    const { tenantId, id } = request.params as { tenantId: string; id: string };
    const users = tenantUsers(tenantId);
    if (users === null) return problem(404, `No tenant ${tenantId} in the simulated Microsoft 365.`);
    const current = users.find((u) => u.id === id);
    if (current === undefined) return problem(404, `Tenant ${tenantId} has no user ${id}.`);
    const body = bodyOf(request);
    if (!body.ok) return body.response;
    if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value))
      return problem(400, 'Give the properties to change as a JSON object.');
    const { id: _id, ...changes } = body.value as Record<string, unknown>;
    const parsed = graphUserSeedSchema.safeParse({ ...current, ...changes });
    if (!parsed.success) return problem(400, 'The changes do not make a Graph user.', issues(parsed.error));
    const given = Object.fromEntries(
      Object.keys(changes).map((key) => [key, (parsed.data as Record<string, unknown>)[key]]),
    ) as Partial<GraphUserSeed>;
    sims.graph.updateUser(tenantId, id, given);
    return json(
      200,
      sims.graph.users(tenantId).find((u) => u.id === id),
    );
  });

  route('DELETE', '/_sim/tenants/{tenantId}/users/{id}', (request) => {
    const { tenantId, id } = request.params as { tenantId: string; id: string };
    const users = tenantUsers(tenantId);
    if (users === null) return problem(404, `No tenant ${tenantId} in the simulated Microsoft 365.`);
    if (!users.some((u) => u.id === id)) return problem(404, `Tenant ${tenantId} has no user ${id}.`);
    // Soft: restorable, and `@removed` with reason "changed" in delta, as Graph shows a deleted user.
    sims.graph.deleteUser(tenantId, id);
    return json(200, { id, deleted: 'soft' });
  });

  route('POST', '/_sim/faults', (request) => {
    const body = bodyOf(request);
    if (!body.ok) return body.response;
    const parsed = faultsSchema.safeParse(body.value);
    if (!parsed.success) return problem(400, 'Not a fault setting.', issues(parsed.error));
    const { api, latencyMs, ...faults } = parsed.data;
    if (!sims.started(api)) return problem(404, `The seed has no ${api}: its simulator is not running.`);
    sims.setFaults(api, faults);
    sims.setLatency(api, latencyMs);
    return json(200, parsed.data);
  });
}
