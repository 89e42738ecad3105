// One size of the planner benchmark, in its own process so that memory figures are its own.
import { resolveSettings } from '../../src/domain/settings.ts';
import { normalizeDirectoryUser } from '../../src/normalize/directory-user.ts';
import type { NormalizedUser } from '../../src/domain/normalized-user.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { generateTenant, type GeneratedTenant } from './generate.ts';

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n <= 0) throw new Error('usage: plan-once.ts N');

const settings = resolveSettings({});
const options = { splitDisplayName: settings.names.splitDisplayName, defaultRegion: settings.phones.defaultRegion };

function inputOf(tenant: GeneratedTenant, users: readonly NormalizedUser[]): TenantSyncInput {
  return {
    tenantId: 'bench',
    settings,
    users,
    groupMemberIds: null,
    organizationPhone: null,
    itglue: {
      contacts: tenant.contacts,
      locations: [{ id: '10', name: 'HQ', primary: true }],
      contactTypes: [{ id: '1', name: 'Employee' }],
    },
    bms: {
      contacts: tenant.psaContacts,
      locations: [{ id: 11, name: 'HQ', isMain: true }],
      emailTypes: [{ id: 1, name: 'Work' }],
      phoneTypes: [{ id: 1, name: 'Office' }],
    },
    links: [],
    decisions: [],
    approveInactivations: false,
  };
}

const tenant = generateTenant(n);

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

// The normalize stage runs once per user read (delta rounds bring only changed users); it is measured on its own.
let cpu = process.cpuUsage();
let wall = performance.now();
const users = tenant.users.map((user) => normalizeDirectoryUser(user, options));
const normalizeCpuMs = cpuMs(cpu);
const normalizeWallMs = performance.now() - wall;

// The heap the plan itself keeps, measured between two full collections (run with --expose-gc).
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');
collect();
const heapBefore = process.memoryUsage().heapUsed;
cpu = process.cpuUsage();
wall = performance.now();
const plan = planTenantSync(inputOf(tenant, users));
const planCpuMs = cpuMs(cpu);
const planWallMs = performance.now() - wall;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
collect();
const planHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

/**
 * The lower bound of any planner that hands back this plan: building the plan's objects with no logic at all. The
 * finished plan is copied object by object (its strings shared, so the bound is low), in the same heap.
 */
function copyOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyOf(value[i]);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = copyOf((value as Record<string, unknown>)[key]);
  return copy;
}
for (let i = 0; i < Math.min(2_000, plan.actions.length); i++) copyOf(plan.actions[i]);
collect();
cpu = process.cpuUsage();
const floor = plan.actions.map(copyOf);
const floorCpuMs = cpuMs(cpu);
if (floor.length !== plan.actions.length) throw new Error('the copy lost actions');

const rules: Record<string, number> = {};
for (const action of plan.actions) {
  const key = `${action.outcome}/${action.rule ?? 'new'}/${action.bms.kind}`;
  rules[key] = (rules[key] ?? 0) + 1;
}
console.log(
  JSON.stringify({
    bench: 'plan',
    n,
    cpuMs: Math.round(planCpuMs),
    wallMs: Math.round(planWallMs),
    peakRssMb: Math.round(peakRssMb),
    planHeapMb: Math.round(planHeapMb),
    floorCpuMs: Math.round(floorCpuMs),
    cpuToFloor: Math.round((planCpuMs / floorCpuMs) * 100) / 100,
    normalizeCpuMs: Math.round(normalizeCpuMs),
    normalizeWallMs: Math.round(normalizeWallMs),
    actions: rules,
  }),
);
