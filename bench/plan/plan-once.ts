// One size of the planner benchmark, in its own process so that memory figures are its own.
import { resolveSettings } from '../../src/domain/settings.ts';
import { normalizeDirectoryUser } from '../../src/normalize/directory-user.ts';
import { planTenantSync } from '../../src/sync/plan.ts';
import { generateTenant } from './generate.ts';

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n <= 0) throw new Error('usage: plan-once.ts N');

const settings = resolveSettings({});
const tenant = generateTenant(n);

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

// The normalize stage runs once per user read (delta rounds bring only changed users); it is measured on its own.
let cpu = process.cpuUsage();
let wall = performance.now();
const options = { splitDisplayName: settings.names.splitDisplayName, defaultRegion: settings.phones.defaultRegion };
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
const plan = planTenantSync({
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
});
const planCpuMs = cpuMs(cpu);
const planWallMs = performance.now() - wall;
collect();
const planHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

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
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    planHeapMb: Math.round(planHeapMb),
    normalizeCpuMs: Math.round(normalizeCpuMs),
    normalizeWallMs: Math.round(normalizeWallMs),
    actions: rules,
  }),
);
