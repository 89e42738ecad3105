// One size of the planner benchmark, in its own process so that memory figures are its own.
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { resolveSettings } from '../../src/domain/settings.ts';
import { normalizeDirectoryUser } from '../../src/normalize/directory-user.ts';
import type { DocContactFields, DocContactPatch, DocEmail, DocPhone } from '../../src/domain/doc-contact.ts';
import type { NormalizedUser } from '../../src/domain/normalized-user.ts';
import type { DocAction, FieldDiff, PlannedAction, PsaAction } from '../../src/domain/plan.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { generateTenant, type GeneratedTenant } from './generate.ts';

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n <= 0) throw new Error('usage: plan-once.ts N');

const settings = resolveSettings({});
const options = { splitDisplayName: settings.names.splitDisplayName, defaultRegion: settings.phones.defaultRegion };

function inputOf(tenant: GeneratedTenant, users: readonly NormalizedUser[]): TenantSyncInput {
  return {
    tenantId: 'bench',
    targets: { doc: itglueProfile, psa: bmsProfile },
    settings,
    users,
    groupMemberIds: null,
    organizationPhone: null,
    doc: {
      contacts: tenant.contacts,
      locations: [{ id: '10', name: 'HQ', primary: true }],
      contactTypes: [{ id: '1', name: 'Employee' }],
    },
    psa: {
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
 * The lower bound of any planner that hands back this plan: building the plan's objects, each by its literal as the
 * planner does, with no logic at all (the finished plan is copied, its strings shared), in the same heap.
 */
const copyEmail = (e: DocEmail): DocEmail => ({ value: e.value, primary: e.primary, label: e.label });
const copyPhone = (p: DocPhone): DocPhone => ({
  value: p.value,
  extension: p.extension,
  primary: p.primary,
  label: p.label,
});
const copyDiff = (d: FieldDiff): FieldDiff => ({ field: d.field, old: d.old, new: d.new });
const copyDocFields = (f: DocContactFields): DocContactFields => ({
  firstName: f.firstName,
  lastName: f.lastName,
  title: f.title,
  contactTypeId: f.contactTypeId,
  locationId: f.locationId,
  emails: f.emails.map(copyEmail),
  phones: f.phones.map(copyPhone),
});
const copyPatch = (p: DocContactPatch): DocContactPatch => ({
  ...p,
  ...(p.emails === undefined ? {} : { emails: p.emails.map(copyEmail) }),
  ...(p.phones === undefined ? {} : { phones: p.phones.map(copyPhone) }),
});
const copyPsaFields = (f: PsaContactFields): PsaContactFields => ({
  firstName: f.firstName,
  lastName: f.lastName,
  jobTitle: f.jobTitle,
  emailAddress: f.emailAddress,
  emailTypeId: f.emailTypeId,
  phoneNumber: f.phoneNumber,
  phoneTypeId: f.phoneTypeId,
  mobilePhone: null,
  locationId: f.locationId,
  isActive: f.isActive,
});
function copyDocAction(a: DocAction): DocAction {
  switch (a.kind) {
    case 'create':
      return { kind: 'create', fields: copyDocFields(a.fields) };
    case 'update':
    case 'inactivate':
      return { kind: a.kind, contactId: a.contactId, patch: copyPatch(a.patch), diffs: a.diffs.map(copyDiff) };
    case 'disputed':
      return { kind: 'disputed', candidateIds: [...a.candidateIds] };
    case 'unchanged':
      return { kind: 'unchanged', contactId: a.contactId };
    case 'mirrored':
      return { kind: 'mirrored', contactId: a.contactId, psaContactId: a.psaContactId };
    case 'none':
    case 'held':
      return { kind: a.kind, contactId: a.contactId };
  }
}
function copyPsaAction(a: PsaAction): PsaAction {
  switch (a.kind) {
    case 'create':
      return { kind: 'create', fields: copyPsaFields(a.fields) };
    case 'link':
      return {
        kind: 'link',
        contactId: a.contactId,
        fields: copyPsaFields(a.fields),
        diffs: a.diffs.map(copyDiff),
        write: a.write,
      };
    case 'update':
      return { kind: 'update', contactId: a.contactId, fields: copyPsaFields(a.fields), diffs: a.diffs.map(copyDiff) };
    case 'inactivate':
      return { kind: 'inactivate', contactId: a.contactId, diffs: a.diffs.map(copyDiff) };
    case 'held':
      return { kind: 'held' };
    case 'disputed':
      return { kind: 'disputed', candidateIds: [...a.candidateIds] };
    case 'unchanged':
      return { kind: 'unchanged', contactId: a.contactId };
    case 'disabled':
      return { kind: 'disabled', contactId: a.contactId };
    case 'none':
      return { kind: 'none', contactId: a.contactId };
  }
}
const copyAction = (a: PlannedAction): PlannedAction => ({
  userId: a.userId,
  userPrincipalName: a.userPrincipalName,
  displayName: a.displayName,
  outcome: a.outcome,
  rule: a.rule,
  doc: copyDocAction(a.doc),
  psa: copyPsaAction(a.psa),
  reasons: a.reasons.map((r) =>
    r.field === undefined ? { code: r.code, message: r.message } : { code: r.code, message: r.message, field: r.field },
  ),
  link:
    a.link === null
      ? null
      : {
          rule: a.link.rule,
          ownedEmails: [...a.link.ownedEmails],
          ownedPhones: a.link.ownedPhones.map((p) => ({ key: p.key, label: p.label, placeholder: p.placeholder })),
        },
});
for (let i = 0; i < Math.min(2_000, plan.actions.length); i++) copyAction(plan.actions[i]!);
collect();
cpu = process.cpuUsage();
const floor = plan.actions.map(copyAction);
const floorCpuMs = cpuMs(cpu);
collect();
const heapWithFloor = process.memoryUsage().heapUsed;
if (floor.length !== plan.actions.length) throw new Error('the copy lost actions');

const rules: Record<string, number> = {};
for (const action of plan.actions) {
  const key = `${action.outcome}/${action.rule ?? 'new'}/${action.psa.kind}`;
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
    floorHeapMb: Math.round((heapWithFloor - heapBefore) / 2 ** 20 - planHeapMb),
    cpuToFloor: Math.round((planCpuMs / floorCpuMs) * 100) / 100,
    normalizeCpuMs: Math.round(normalizeCpuMs),
    normalizeWallMs: Math.round(normalizeWallMs),
    actions: rules,
  }),
);
