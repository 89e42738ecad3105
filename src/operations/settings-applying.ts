import type { SettingsProblem } from '../domain/settings.ts';
import { psaFactsOf, presentTargets, type TargetProfile, type Targets } from '../domain/target-profile.ts';

/** The targets present by name, for a sentence (one alone, or the platform and the PSA). */
function installation(targets: Targets): string {
  const names = presentTargets(targets).map((target) => target.words.name);
  return names.length === 1 ? `${names[0]} alone` : names.join(' and ');
}

/**
 * The settings keys that mean nothing to the targets present, each with why (and what applies instead): a
 * documentation platform's setting without one, a PSA's without one, the type lists of a PSA that has none, the leaver
 * contact type of a platform that archives its leavers. Pages and the CLI do not offer them; a save setting one is
 * refused.
 */
export function settingsNotApplying(targets: Targets): ReadonlyMap<string, string> {
  const { doc, psa } = targets;
  const keys = new Map<string, string>();
  const has = installation(targets);
  if (doc === null) {
    const why = `a documentation platform's setting, and this installation has ${has}`;
    keys.set('contactType', why);
    keys.set('psa.leaverContactType', why);
  } else {
    if (doc.contactTypes === false) keys.set('contactType', `${doc.words.name} has no contact types`);
    if (doc.leaver !== 'leaver-type')
      keys.set('psa.leaverContactType', `${doc.words.name} archives leavers rather than giving them a contact type`);
  }
  if (psa === null) {
    const why = `a PSA's setting, and this installation has ${has}`;
    for (const key of ['psa.autoPush', 'psa.emailType', 'psa.phoneType', 'psa.leavers']) keys.set(key, why);
  } else if (!psaFactsOf(psa).typed) {
    const namedIn = psaFactsOf(psa).typesNamedIn;
    const why =
      namedIn === undefined
        ? `${psa.words.name} has no email or phone types: ${untypedFields(psa)}`
        : `${psa.words.name} types emails and phones by ${namedIn}`;
    keys.set('psa.emailType', why);
    keys.set('psa.phoneType', why);
  }
  if (doc === null || psa === null)
    keys.set(
      'phones.blankReplacementEverywhere',
      `it needs a documentation platform and a PSA, and this installation has ${has}`,
    );
  return keys;
}

/** Where a PSA without typed lists takes the email and phones, in its own field names. */
function untypedFields(psa: TargetProfile): string {
  const label = (field: string, otherwise: string) => psa.fieldLabels[field] ?? otherwise;
  return psaFactsOf(psa).phoneSlots
    ? `the primary email goes in its ${label('emailAddress', 'email')} field, the office phone in ${label('phoneNumber', 'phone')} and the mobile phone in ${label('mobilePhone', 'mobile phone')}`
    : 'the primary email and phone go in its own fields';
}

/** What applies instead of the type settings, for a PSA without typed lists; null for one with them. */
export function untypedPsaNote(psa: TargetProfile): string | null {
  return psaFactsOf(psa).typed ? null : `${settingsNotApplying({ doc: null, psa }).get('psa.emailType')}.`;
}

/**
 * The keys a save sets (among `changed`, with a value in the new overrides) that mean nothing to the targets present,
 * each refused with why. A key unset, or kept as it was, is not held against the save.
 */
export function notApplyingProblems(
  targets: Targets,
  overrides: unknown,
  changed: readonly string[],
): SettingsProblem[] {
  const notApplying = settingsNotApplying(targets);
  return changed.flatMap((key) => {
    const why = notApplying.get(key);
    if (why === undefined || valueAt(overrides, key) === undefined) return [];
    return [{ key, message: `not used here: ${why}.` }];
  });
}

function valueAt(settings: unknown, key: string): unknown {
  let node = settings;
  for (const part of key.split('.'))
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}
