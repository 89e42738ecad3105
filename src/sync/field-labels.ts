import type { FieldDiff } from '../domain/plan.ts';
import { presentTargets, type TargetProfile, type Targets } from '../domain/target-profile.ts';

/** The names behind the ids a change may hold: documentation contact types; PSA email and phone types and locations. */
export interface DiffNames {
  readonly contactTypes: ReadonlyMap<string, string>;
  readonly emailTypes: ReadonlyMap<string, string>;
  readonly phoneTypes: ReadonlyMap<string, string>;
  readonly psaLocations: ReadonlyMap<string, string>;
}

export function diffNames(lists: {
  readonly contactTypes: readonly { readonly id: string; readonly name: string }[];
  readonly emailTypes: readonly { readonly id: number; readonly name: string }[];
  readonly phoneTypes: readonly { readonly id: number; readonly name: string }[];
  readonly psaLocations: readonly { readonly id: number; readonly name: string }[];
}): DiffNames {
  return {
    contactTypes: named(lists.contactTypes),
    emailTypes: named(lists.emailTypes),
    phoneTypes: named(lists.phoneTypes),
    psaLocations: named(lists.psaLocations),
  };
}

function named(items: readonly { readonly id: string | number; readonly name: string }[]): Map<string, string> {
  return new Map(items.map((item) => [String(item.id), item.name]));
}

function yesNo(value: string | null): string | null {
  return value === null ? null : value === 'true' ? 'yes' : 'no';
}

function nameOf(names: ReadonlyMap<string, string>, value: string | null): string | null {
  return value === null ? null : (names.get(value) ?? value);
}

/** The ids a target's change may hold, by field, and the names they stand for. */
function lookupOf(
  target: Pick<TargetProfile, 'role'>,
  field: string,
  names: DiffNames,
): ReadonlyMap<string, string> | null {
  if (target.role === 'documentation') return field === 'contact-type-id' ? names.contactTypes : null;
  if (field === 'emailTypeId') return names.emailTypes;
  if (field === 'phoneTypeId') return names.phoneTypes;
  if (field === 'locationId') return names.psaLocations;
  return null;
}

/** The change with its target, and with names where it held ids (the PSA's email type 1 is "Work"). */
export function namedDiff(target: Pick<TargetProfile, 'id' | 'role'>, diff: FieldDiff, names: DiffNames): FieldDiff {
  const system = target.id;
  const lookup = lookupOf(target, diff.field, names);
  if (lookup !== null)
    return { system, field: diff.field, old: nameOf(lookup, diff.old), new: nameOf(lookup, diff.new) };
  if (target.role === 'psa' && diff.field === 'isActive') {
    return { system, field: diff.field, old: yesNo(diff.old), new: yesNo(diff.new) };
  }
  return { system, ...diff };
}

/**
 * "<PSA> · Email type" or "Phones": the field in words, with its target's name when the change carries one. A change of
 * a target the installation no longer has is shown by the target's id.
 */
export function fieldLabel(diff: FieldDiff, targets: Targets): string {
  if (diff.system === undefined) return diff.field;
  const target = presentTargets(targets).find((t) => t.id === diff.system);
  if (target === undefined) return `${diff.system} · ${diff.field}`;
  return `${target.words.name} · ${target.fieldLabels[diff.field] ?? diff.field}`;
}

/** A side of a change as shown: ∅ for nothing, whether the field was absent or an empty list (a contact with no email). */
export function shownValue(value: string | null): string {
  return value === null || value === '' ? '∅' : value;
}

/** "<PSA> · Email type: ∅ → Work": one change as a technician reads it. */
export function describeDiff(diff: FieldDiff, targets: Targets): string {
  return `${fieldLabel(diff, targets)}: ${shownValue(diff.old)} → ${shownValue(diff.new)}`;
}
