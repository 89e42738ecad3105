import type { Settings, SettingsProblem } from '../domain/settings.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Targets } from '../domain/target-profile.ts';
import { heldFromName, inWords, leadingTarget, targetNames, withArticle } from './target-words.ts';
import { settingsNotApplying, untypedPsaNote } from '../operations/settings-applying.ts';

type FieldKind =
  | { readonly type: 'boolean' }
  | { readonly type: 'choice'; readonly options: readonly string[] }
  | { readonly type: 'text'; readonly nullable: boolean }
  | { readonly type: 'number'; readonly step: string }
  | { readonly type: 'list' };

interface SettingField {
  readonly key: string;
  readonly label: string;
  readonly help: string;
  readonly kind: FieldKind;
}

interface SettingGroup {
  readonly legend: string;
  readonly fields: readonly SettingField[];
  /** what applies in place of settings the targets present do not read */
  readonly note?: string;
}

/** "A location": the first words of a sentence. */
const capitalized = (words: string): string => `${words[0]!.toUpperCase()}${words.slice(1)}`;

/**
 * Every key of the sync settings for the targets present, grouped as DESIGN's table groups them, each with what it
 * does in the targets' own words.
 */
export function settingGroups(targets: Targets): readonly SettingGroup[] {
  const notApplying = settingsNotApplying(targets);
  return allGroups(targets).map((group) => ({
    ...group,
    fields: group.fields.filter((field) => !notApplying.has(field.key)),
  }));
}

function allGroups(targets: Targets): readonly SettingGroup[] {
  const { doc, psa } = targets;
  const psaNote = psa === null ? null : untypedPsaNote(psa);
  // A PSA that takes a contact without a phone holds no one for the lack of it.
  const psaNeedsPhone = psa?.requiredFields.some((required) => required.field === 'phoneNumber') ?? false;
  const leading = leadingTarget(targets);
  const { customer, place } = leading.words;
  const either = targetNames(targets, 'or');
  return [
    {
      legend: 'Who is synced (scope)',
      fields: [
        {
          key: 'scope.requireEnabled',
          label: 'Only enabled accounts',
          help: 'Users whose Microsoft 365 sign-in is blocked are left out.',
          kind: { type: 'boolean' },
        },
        {
          key: 'scope.includeGuests',
          label: 'Include guests',
          help: 'Guest (B2B) users are synced too.',
          kind: { type: 'boolean' },
        },
        {
          key: 'scope.requireLicense',
          label: 'Only licensed users',
          help: 'Users without a Microsoft 365 license (shared mailboxes, service accounts) are left out.',
          kind: { type: 'boolean' },
        },
        {
          key: 'scope.groupIds',
          label: 'Only members of these groups',
          help: 'Entra group object ids, one per line; members at any depth count. Empty: everyone.',
          kind: { type: 'list' },
        },
        {
          key: 'scope.upnDomains',
          label: 'Only these sign-in domains',
          help: 'Domains such as contoso.com, one per line. Empty: every domain.',
          kind: { type: 'list' },
        },
        {
          key: 'scope.excludeUpnPatterns',
          label: 'Leave out sign-in names matching',
          help: 'Patterns with * such as admin-*@* or *svc*, one per line.',
          kind: { type: 'list' },
        },
      ],
    },
    {
      legend: 'Names and email',
      fields: [
        {
          key: 'names.splitDisplayName',
          label: 'Split the display name',
          help: 'When first or last name is missing, take them from the display name.',
          kind: { type: 'boolean' },
        },
        {
          key: 'primaryEmail',
          label: 'Primary email',
          help: 'primarySmtp: the primary SMTP address (else mail, else the sign-in name); upn: always the sign-in name.',
          kind: { type: 'choice', options: ['primarySmtp', 'upn'] },
        },
      ],
    },
    {
      legend: 'Phones',
      fields: [
        {
          key: 'phones.setPrimary',
          label: 'Set a primary phone',
          help: `Mark one Microsoft phone as primary${doc === null ? '' : ` in ${doc.words.name}`}${psa === null || !psaNeedsPhone ? '' : `, as ${psa.words.name} needs one`}.`,
          kind: { type: 'boolean' },
        },
        {
          key: 'phones.primaryType',
          label: 'Primary phone',
          help: 'office: the first business phone, else the mobile; mobile: the mobile first.',
          kind: { type: 'choice', options: ['office', 'mobile'] },
        },
        {
          key: 'phones.blankReplacement',
          label: 'When a user has no phone',
          help: `Empty: ${psa !== null && !psaNeedsPhone ? `no phone is written (${psa.words.name} does not require one)` : `hold the contact from ${heldFromName(targets)}`}. "tenantMain": the customer's main number. Or a literal number such as 000-000-0000.`,
          kind: { type: 'text', nullable: true },
        },
        ...(doc === null || psa === null
          ? []
          : [
              {
                key: 'phones.blankReplacementEverywhere',
                label: `Write that phone into ${doc.words.name} too`,
                help: `Off: the replacement goes only to ${psa.words.name}${psaNeedsPhone ? ', which requires a phone,' : ''} and ${doc.words.name} keeps the truth (no phone). On: ${doc.words.name} gets it as the primary phone too.`,
                kind: { type: 'boolean' } as const,
              },
            ]),
        {
          key: 'phones.defaultRegion',
          label: 'Default phone region',
          help: 'Two-letter country code for numbers without a country code, when the user has no usage location or country.',
          kind: { type: 'text', nullable: false },
        },
      ],
    },
    {
      legend:
        doc === null || doc.contactTypes === false ? capitalized(place) : `${capitalized(place)} and contact type`,
      fields: [
        {
          key: 'location.strategy',
          label: capitalized(place),
          help: `default: the ${place} named below (or the ${customer}'s primary one); officeLocation: the ${place} named like the user's office, else the default.`,
          kind: { type: 'choice', options: ['default', 'officeLocation'] },
        },
        {
          key: 'location.default',
          label: `Default ${place} name`,
          help: defaultPlaceHelp(targets),
          kind: { type: 'text', nullable: true },
        },
        ...(doc === null
          ? []
          : [
              {
                key: 'contactType',
                label: `${doc.words.name} contact type`,
                help: 'A contact type by name, such as Employee. Empty: none.',
                kind: { type: 'text', nullable: true } as const,
              },
            ]),
      ],
    },
    ...(psa === null
      ? []
      : [
          {
            legend: psa.words.fullName,
            ...(psaNote === null ? {} : { note: psaNote }),
            fields: [
              {
                key: 'psa.autoPush',
                label: `Push contacts to ${psa.words.name}`,
                help: `Create and update ${psa.words.name} contacts.${doc === null ? '' : ` Off: ${doc.words.name} only.`}`,
                kind: { type: 'boolean' } as const,
              },
              {
                key: 'psa.emailType',
                label: `${psa.words.name} email type`,
                help: `The email type of pushed contacts, by name; or its ${psa.words.name} id (a number) when ${psa.words.name} cannot list its types.`,
                kind: { type: 'text', nullable: false } as const,
              },
              {
                key: 'psa.phoneType',
                label: `${psa.words.name} phone type`,
                help: `The phone type of pushed contacts, by name; or its ${psa.words.name} id (a number) when ${psa.words.name} cannot list its types.`,
                kind: { type: 'text', nullable: false } as const,
              },
              {
                key: 'psa.leavers',
                label: 'Leavers',
                help: `inactivate: a user who leaves Microsoft 365 is made inactive in ${psa.words.name}; ignore: left as is.`,
                kind: { type: 'choice', options: ['inactivate', 'ignore'] } as const,
              },
              ...(doc === null
                ? []
                : [
                    {
                      key: 'psa.leaverContactType',
                      label: 'Leaver contact type',
                      help: `${doc.words.name} contact type given to leavers, by name. Empty: unchanged.`,
                      kind: { type: 'text', nullable: true } as const,
                    },
                  ]),
            ],
          },
        ]),
    {
      legend: 'Safety and timing',
      fields: [
        {
          key: 'deletionGuard.minCount',
          label: 'Deletion guard: at least',
          help: 'A run that would inactivate this many contacts or more ...',
          kind: { type: 'number', step: '1' },
        },
        {
          key: 'deletionGuard.maxFraction',
          label: 'Deletion guard: and more than',
          help: '... and more than this fraction of them (0 to 1) stops and waits for approval.',
          kind: { type: 'number', step: '0.01' },
        },
        {
          key: 'blankNeverOverwrites',
          label: 'Blank never overwrites',
          help: `A field empty in Microsoft 365 never empties it in ${either}.`,
          kind: { type: 'boolean' },
        },
        {
          key: 'pollSeconds',
          label: 'Poll every (seconds)',
          help: 'How often Microsoft 365 is asked for changes (one request when nothing changed).',
          kind: { type: 'number', step: '1' },
        },
      ],
    },
  ];
}

function valueAt(settings: unknown, key: string): unknown {
  let node = settings;
  for (const part of key.split('.'))
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

function setAt(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

/** A form's raw values (strings as posted, or the effective settings' values when redisplaying). */
export type FormValues = Record<string, unknown>;

/**
 * The tenant's overrides a posted form means: every key whose value differs from the global setting (the others
 * follow the global settings), plus the problems found before validation (a number that is not one).
 */
export function overridesFromForm(
  body: FormValues,
  global: Settings,
  targets: Targets,
): { overrides: Record<string, unknown>; problems: SettingsProblem[] } {
  const overrides: Record<string, unknown> = {};
  const problems: SettingsProblem[] = [];
  for (const field of settingGroups(targets).flatMap((g) => g.fields)) {
    const raw = body[field.key];
    const text = typeof raw === 'string' ? raw.trim() : '';
    let value: unknown;
    switch (field.kind.type) {
      case 'boolean':
        value = raw === 'on' || raw === 'true';
        break;
      case 'choice':
        value = text;
        break;
      case 'text':
        value = field.kind.nullable && text === '' ? null : text;
        break;
      case 'number':
        value = Number(text);
        if (text === '' || !Number.isFinite(value)) {
          problems.push({ key: field.key, message: 'must be a number' });
          continue;
        }
        break;
      case 'list':
        value = text
          .split(/[\r\n,]+/)
          .map((line) => line.trim())
          .filter((line) => line !== '');
        break;
    }
    if (JSON.stringify(value) !== JSON.stringify(valueAt(global, field.key))) setAt(overrides, field.key, value);
  }
  return { overrides, problems };
}

function displayValue(field: SettingField, value: unknown): string {
  if (field.kind.type === 'list')
    return Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * What the default place names, in the words of every target present: the leading target's place by name, and the
 * PSA's place of that name behind a documentation platform (else the PSA's main one).
 */
function defaultPlaceHelp(targets: Targets): string {
  const leading = leadingTarget(targets);
  const { customer, place } = leading.words;
  const psa = targets.doc === null ? null : targets.psa;
  const psaPlace =
    psa === null
      ? ''
      : `; ${psa.words.name} takes the ${psa.words.place} of that name, else the ${psa.words.customer}'s main ${psa.words.place}`;
  const places = [...new Set([place, ...(psa === null ? [] : [psa.words.place])])].map((words) => `${words}s`);
  return `${capitalized(withArticle(`${leading.words.name} ${place}`))} of the ${customer}, by name${psaPlace}. Empty: its primary ${place}. ${capitalized(inWords(places))} are never created.`;
}

/** The settings form: each key with its help, its value, whether it is the tenant's own, and its error if any. */
/** What an empty named setting means, as its dropdown says it. */
function emptyChoice(key: string, targets: Targets): string {
  const { customer, place } = leadingTarget(targets).words;
  if (key === 'location.default') return `(the ${customer}'s primary ${place})`;
  return key === 'psa.leaverContactType' ? '(unchanged)' : '(none)';
}

export function settingsForm(options: {
  readonly action: string;
  readonly csrf: string;
  readonly values: Settings | FormValues;
  readonly fromForm: boolean;
  readonly global: Settings;
  readonly overrides: unknown;
  readonly problems: readonly SettingsProblem[];
  readonly readOnly: boolean;
  /** the targets present: their settings, in their words */
  readonly targets: Targets;
  /** the names a named setting may take, as the targets hold them now: such a field is a dropdown */
  readonly choices?: Readonly<Record<string, readonly string[] | null>>;
}): SafeHtml {
  const errors = new Map<string, string>();
  for (const problem of options.problems)
    errors.set(
      problem.key,
      errors.has(problem.key) ? `${errors.get(problem.key)}; ${problem.message}` : problem.message,
    );
  const control = (field: SettingField): SafeHtml => {
    const id = `setting-${field.key.replace(/\./g, '-')}`;
    const raw = options.fromForm ? (options.values as FormValues)[field.key] : valueAt(options.values, field.key);
    const disabled = options.readOnly ? html` disabled` : '';
    const described = html` aria-describedby="${id}-help${errors.has(field.key) ? html` ${id}-error` : ''}"`;
    switch (field.kind.type) {
      case 'boolean': {
        const checked = options.fromForm ? raw === 'on' || raw === 'true' : raw === true;
        return html`<label for="${id}"
          ><input
            type="checkbox"
            id="${id}"
            name="${field.key}"
            ${checked ? html` checked` : ''}${disabled}${described}
          />
          ${field.label}</label
        >`;
      }
      case 'choice': {
        const current = String(raw ?? '');
        return html`<label for="${id}">${field.label}</label
          ><select id="${id}" name="${field.key}" ${disabled}${described}>
            ${field.kind.options.map((o) => html`<option${o === current ? html` selected` : ''}>${o}</option>`)}
          </select>`;
      }
      case 'list':
        return html`<label for="${id}">${field.label}</label
          ><textarea id="${id}" name="${field.key}" ${disabled}${described}>
${options.fromForm ? String(raw ?? '') : displayValue(field, raw)}</textarea>`;
      case 'number':
        return html`<label for="${id}">${field.label}</label
          ><input
            type="number"
            step="${field.kind.step}"
            id="${id}"
            name="${field.key}"
            value="${options.fromForm ? String(raw ?? '') : displayValue(field, raw)}"
            ${disabled}${described}
          />`;
      case 'text': {
        const names = options.choices?.[field.key] ?? null;
        if (names !== null) {
          const current = options.fromForm ? String(raw ?? '') : displayValue(field, raw);
          const known = current === '' || names.some((name) => name.toLowerCase() === current.toLowerCase());
          return html`<label for="${id}">${field.label}</label
            ><select id="${id}" name="${field.key}" ${disabled}${described}>
              ${field.kind.nullable ? html`<option value="" ${current === '' ? html` selected` : ''}>${emptyChoice(field.key, options.targets)}</option>` : ''}
              ${known ? '' : html`<option value="${current}" selected>${current} (not found)</option>`}
              ${names.map((name) => html`<option value="${name}" ${name.toLowerCase() === current.toLowerCase() ? html` selected` : ''}>${name}</option>`)}
            </select>`;
        }
        return html`<label for="${id}">${field.label}</label
          ><input
            type="text"
            id="${id}"
            name="${field.key}"
            value="${options.fromForm ? String(raw ?? '') : displayValue(field, raw)}"
            ${disabled}${described}
          />`;
      }
    }
  };
  return html`<form class="settings" method="post" action="${options.action}" novalidate>
    <input type="hidden" name="_csrf" value="${options.csrf}" />
    ${settingGroups(options.targets).map(
      (group) =>
        html`<fieldset>
          <legend>${group.legend}</legend>
          ${group.note === undefined ? '' : html`<p class="muted" data-note>${group.note}</p>`}
          ${group.fields.map((field) => {
            const id = `setting-${field.key.replace(/\./g, '-')}`;
            const own = valueAt(options.overrides, field.key) !== undefined;
            const error = errors.get(field.key);
            return html`<div class="field${error === undefined ? '' : ' invalid'}" data-key="${field.key}">
              ${control(field)}
              <p class="help" id="${id}-help">
                ${field.help}
                <span class="muted"
                  >${own ? `Set for this tenant (global: ${displayValue(field, valueAt(options.global, field.key)).replace(/\n/g, ', ') || 'empty'}).` : 'Follows the global setting.'}</span
                >
              </p>
              ${error === undefined ? '' : html`<p class="error" id="${id}-error" role="alert">${error}</p>`}
            </div>`;
          })}
        </fieldset>`,
    )}
    ${options.readOnly ? html`<p class="muted">Viewers see the settings; an admin changes them.</p>` : html`<p><button type="submit">Save settings</button> <span class="muted">A key equal to the global setting follows it.</span></p>`}
  </form>`;
}
