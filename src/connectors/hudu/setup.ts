import { isConnectorError } from '../http/connector-error.ts';
import {
  doctorCheck,
  notReached,
  QUICK_CHECK,
  type CheckResult,
  type DoctorCheck,
  type DoctorInput,
  type TargetSetup,
} from '../target-setup.ts';
import { findLayout, peopleLayout, type FieldLabels, type PeopleLayout } from './asset-mapping.ts';
import { connectHudu, huduBlockOf, type HuduBlock } from './connect.ts';
import { DEFAULT_LAYOUT, MAPPED_FIELDS, type LayoutWire, type MappedField } from './wire.ts';

const URL_ENV = 'CONTACTSYNC_HUDU_URL';

const baseUrlQuestion = {
  env: URL_ENV,
  question: "Hudu's address (https://MSP.huducloud.com, or your own server's)",
  check: (a: string) => {
    try {
      const url = new URL(a);
      return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'give the https:// address of Hudu';
    } catch {
      return 'give the https:// address you open Hudu at, such as https://msp.huducloud.com';
    }
  },
  keep: (a: string) => a.trim().replace(/\/+$/, ''),
};

const apiKeyQuestion = {
  env: 'CONTACTSYNC_HUDU_API_KEY',
  question: 'Hudu API key (typing is hidden)',
  secret: true,
  check: (a: string) => (/^\S{8,}$/.test(a) ? null : 'paste the key from Hudu (Admin, API keys)'),
};

/** What each mapped field holds, in words. */
const FIELD_WORDS: Readonly<Record<MappedField, string>> = {
  title: 'job title',
  phone: 'office phone',
  mobile: 'mobile phone',
  otherEmails: 'other emails',
  location: 'location',
};

async function checkKey(block: HuduBlock): Promise<CheckResult> {
  try {
    await connectHudu(block, QUICK_CHECK).listLayouts();
    return { ok: true, message: `Hudu at ${block.baseUrl} accepted the key.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message: `Hudu at ${block.baseUrl} refused the key: check the key, and that the address is your Hudu's. (${error.message.split('\n')[0]})`,
      };
    return notReached('Hudu', error);
  }
}

/** The people layout's check: found, each mapped field found by its label, and the required fields. */
export function layoutChecks(layouts: readonly LayoutWire[], name: string, configured: FieldLabels): DoctorCheck[] {
  const found = findLayout(layouts, name);
  if (found === null)
    return [
      {
        name: 'Hudu layout',
        state: 'fail',
        detail: `no asset layout named "${name}" (setting hudu.layout); the layouts are ${layouts.map((l) => JSON.stringify(l.name)).join(', ') || 'none'}`,
      },
    ];
  const { layout, missing } = peopleLayout(found, configured);
  const fields = MAPPED_FIELDS.map((field) => {
    const label = layout.mapped[field];
    return `${FIELD_WORDS[field]} → ${label === null ? 'none (not written)' : JSON.stringify(label)}`;
  });
  const checks: DoctorCheck[] = [
    {
      name: 'Hudu layout',
      state: missing.length === 0 ? 'ok' : 'fail',
      detail:
        missing.length === 0
          ? `"${layout.name}" (id ${layout.id}): ${fields.join(', ')}`
          : `"${layout.name}" has no field ${missing.map((m) => `"${m.label}" (hudu.fields.${m.field})`).join(', ')}; its fields are ${layout.labels.map((l) => JSON.stringify(l)).join(', ') || 'none'}`,
    },
  ];
  checks.push(requiredCheck(layout));
  return checks;
}

/** The layout's required fields: those contactsync does not fill hold every new person from Hudu. */
function requiredCheck(layout: PeopleLayout): DoctorCheck {
  if (layout.required.length === 0)
    return { name: 'Hudu required fields', state: 'ok', detail: `layout "${layout.name}" requires none` };
  const filled = Object.values(layout.mapped).filter((label): label is string => label !== null);
  const unfilled = layout.required.filter((label) => !filled.includes(label));
  const listed = layout.required.map((label) => JSON.stringify(label)).join(', ');
  return unfilled.length === 0
    ? {
        name: 'Hudu required fields',
        state: 'ok',
        detail: `${listed}: contactsync fills them; a person Microsoft 365 has no value for is held from Hudu with the reason`,
      }
    : {
        name: 'Hudu required fields',
        state: 'warn',
        detail: `${listed}; contactsync fills no ${unfilled.map((l) => JSON.stringify(l)).join(', ')}: every new person is held from Hudu until the layout makes it optional or hudu.fields maps it`,
      };
}

async function doctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const block = huduBlockOf(input.block);
  const hudu = connectHudu(block, input.transport);
  let layouts: LayoutWire[] = [];
  const checks = [
    await doctorCheck('Hudu', async () => {
      layouts = await hudu.listLayouts();
      // contactsync creates, replaces and archives assets: none is a destructive action (those are deletions).
      return `API key accepted at ${block.baseUrl}; no destructive scope is needed (contactsync archives leavers, never deletes)`;
    }),
  ];
  if (checks[0]!.state === 'ok')
    checks.push(...layoutChecks(layouts, block.layout ?? DEFAULT_LAYOUT, (block.fields ?? {}) as FieldLabels));
  for (const tenant of input.mapped)
    checks.push(
      await doctorCheck(
        `Hudu people of ${tenant.displayName}`,
        async () => `${(await hudu.listContacts(tenant.customerId)).length} read (the key's scope covers the company)`,
      ),
    );
  return checks;
}

/** The block `init`'s answers make. */
function blockOfAnswers(a: Readonly<Record<string, string | undefined>>, baseUrl: string | undefined): HuduBlock {
  return { baseUrl: baseUrl ?? a.huduBaseUrl ?? '', apiKey: a.huduApiKey };
}

/** Hudu as `init`, `config set-secret` and `doctor` set it up and check it. */
export const huduSetup: TargetSetup = {
  questions: { huduBaseUrl: baseUrlQuestion, huduApiKey: apiKeyQuestion },
  helpEnv: [URL_ENV, apiKeyQuestion.env],
  urlEnv: URL_ENV,
  signIn: async (a, baseUrl) =>
    a.huduApiKey === undefined || (baseUrl ?? a.huduBaseUrl) === undefined
      ? null
      : checkKey(blockOfAnswers(a, baseUrl)),
  retry: ['huduBaseUrl', 'huduApiKey'],
  configBlock: (a, seal, baseUrl) => ({
    comment: `Hudu: its address and an API key (no destructive scope needed); "layout" (default "${DEFAULT_LAYOUT}") and "fields" name where people are kept.`,
    block: { baseUrl: (baseUrl ?? a.huduBaseUrl)?.replace(/\/+$/, ''), apiKey: seal(a.huduApiKey) },
  }),
  summary: (a, mask) => `Hudu key ${mask(a.huduApiKey)} (${a.huduBaseUrl ?? ''})`,
  secret: {
    field: 'apiKey',
    what: 'the Hudu API key',
    question: apiKeyQuestion,
    live: (block, value) => checkKey({ ...huduBlockOf(block), apiKey: value }),
  },
  doctorHelp: 'check the Hudu people layout, its fields and its required fields',
  doctor,
};
