import type { RequiredField } from '../../domain/target-profile.ts';
import type { ConnectwiseType } from './wire.ts';

/** The config's settings naming the communication types contactsync writes. */
export type TypeSetting = 'emailType' | 'phoneType' | 'mobileType';
export type TypeNames = Readonly<Record<TypeSetting, string>>;

export const DEFAULT_TYPE_NAMES: TypeNames = { emailType: 'Email', phoneType: 'Direct', mobileType: 'Cell' };

const SETTINGS: readonly { setting: TypeSetting; email: boolean; what: string }[] = [
  { setting: 'emailType', email: true, what: 'the email' },
  { setting: 'phoneType', email: false, what: 'the office phone' },
  { setting: 'mobileType', email: false, what: 'the mobile phone' },
];

const kindWord = (email: boolean) => (email ? 'email' : 'phone');

/** The types of one kind: emails (`emailFlag`) or phones (`phoneFlag`). */
export const typesOfKind = (all: readonly ConnectwiseType[], email: boolean): ConnectwiseType[] =>
  all.filter((t) => (email ? t.emailFlag === true : t.phoneFlag === true));

/** The names of one kind of type, quoted for a message (`"Email", "Work"`), or `none`. */
export const namesOfKind = (all: readonly ConnectwiseType[], email: boolean): string =>
  typesOfKind(all, email)
    .map((t) => JSON.stringify(t.description))
    .join(', ') || 'none';

/** The type of the kind with this name (case aside), or undefined. */
const named = (all: readonly ConnectwiseType[], name: string, email: boolean) =>
  typesOfKind(all, email).find((t) => t.description.toLowerCase() === name.toLowerCase());

/**
 * The names `init` writes, of types the database has: each default when it has it, else for the mobile phone a phone
 * type called mobile or cell, else its default-flagged type of the kind (for the mobile phone, one the office phone
 * does not take), else the first of the kind; null where the database has no type of the kind.
 */
export function chosenTypeNames(all: readonly ConnectwiseType[]): Record<TypeSetting, string | null> {
  const pick = (setting: TypeSetting, email: boolean, taken: string | null): string | null => {
    const fallback = DEFAULT_TYPE_NAMES[setting];
    if (named(all, fallback, email) !== undefined) return fallback;
    const kind = typesOfKind(all, email);
    const free = kind.filter((t) => t.description !== taken);
    const from = free.length > 0 ? free : kind;
    const chosen =
      (setting === 'mobileType' ? from.find((t) => /mobile|cell/i.test(t.description)) : undefined) ??
      from.find((t) => t.defaultFlag === true) ??
      from[0];
    return chosen?.description ?? null;
  };
  const emailType = pick('emailType', true, null);
  const phoneType = pick('phoneType', false, null);
  return { emailType, phoneType, mobileType: pick('mobileType', false, phoneType) };
}

/**
 * The configured types the database lacks, as fields every new contact would need: a create with an item of such a
 * type is refused, so the sync holds new contacts with which setting to change and the names the database has.
 */
export function missingTypeHolds(all: readonly ConnectwiseType[], names: TypeNames): RequiredField[] {
  return SETTINGS.filter(({ setting, email }) => named(all, names[setting], email) === undefined).map(
    ({ setting, email, what }) => ({
      field: `connectwise.${setting}`,
      label: `a communication type for ${what}`,
      fix: `this ConnectWise has no ${kindWord(email)} type named ${JSON.stringify(names[setting])}; set connectwise.${setting} in the config to one of its ${kindWord(email)} types (${namesOfKind(all, email)})`,
    }),
  );
}
