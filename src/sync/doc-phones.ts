import type { DocPhone } from '../domain/doc-contact.ts';
import type { Link, OwnedPhone } from '../domain/link.ts';
import type { NormalizedPhone, NormalizedUser } from '../domain/normalized-user.ts';
import { docPhoneDigits as docPhoneValue, regionCallingCode, storedPhoneKey } from '../normalize/phone.ts';
import type { DocFieldContext, PrimaryPhone } from './doc-field-context.ts';
import { byCodeUnits, byKey, sameEntries, sortShort, trimmed } from './trimmed-list.ts';

export const OFFICE_PHONE_LABEL = 'Work';
export const MOBILE_PHONE_LABEL = 'Mobile';

interface WantedPhone {
  readonly phone: NormalizedPhone;
  readonly label: string;
}

/** The contact's phones after the merge: Microsoft's, those a person added, and the primary the PSA gets. */
export function choosePhones(
  user: NormalizedUser,
  existing: readonly DocPhone[],
  link: Link | null,
  context: DocFieldContext,
) {
  const { settings } = context;
  const office: WantedPhone | null =
    user.officePhone === null ? null : { phone: user.officePhone, label: OFFICE_PHONE_LABEL };
  const mobile: WantedPhone | null =
    user.mobilePhone === null ? null : { phone: user.mobilePhone, label: MOBILE_PHONE_LABEL };
  const wanted: WantedPhone[] = [];
  if (office !== null) wanted.push(office);
  if (mobile !== null) wanted.push(mobile);
  const previouslyOwned = link?.ownedPhones ?? [];
  const isWanted = (key: string): boolean => wanted.some((w) => w.phone.e164 === key);

  // Stored digits are compared in E.164. Digits equal to a wanted number's, with or without the region's calling
  // code in front, are that number (national significant numbers never start with a trunk prefix); digits that are
  // a wanted number's E.164 are what contactsync wrote. A phone added by hand is parsed only when its last digits
  // say it could be a wanted number; otherwise its digits are its key (it is kept as it is either way).
  const callingCode = existing.length === 0 ? '' : regionCallingCode(user.phoneRegion);
  const keys: string[] = [];
  const keyOf = (phone: DocPhone): string => {
    const national = callingCode + phone.value;
    for (const w of wanted)
      if (phone.value === w.phone.digits || phone.value === w.phone.national || national === w.phone.digits)
        return w.phone.e164;
    const international = `+${phone.value}`;
    for (const p of previouslyOwned) if (p.key === phone.value || p.key === international) return p.key;
    // A phone contactsync wrote in its national form (a placeholder such as the tenant's main number) reads back so.
    if (previouslyOwned.length > 0) {
      const inRegion = storedPhoneKey(phone.value, context.region);
      for (const p of previouslyOwned) if (p.key === inRegion) return p.key;
    }
    const couldBeWanted = wanted.some((w) => phone.value.length >= 6 && w.phone.digits.endsWith(phone.value.slice(-6)));
    return couldBeWanted ? storedPhoneKey(phone.value, user.phoneRegion) : phone.value;
  };

  const kept: DocPhone[] = [];
  const ownedPhones: OwnedPhone[] = [];
  // A placeholder written earlier is kept where it stands if it is still needed, so that nothing moves needlessly.
  let placeholder: { phone: DocPhone; key: string; at: number } | null = null;
  const seen: string[] = [];
  const existingKeys: string[] = [];
  for (const phone of existing) {
    const key = keyOf(phone);
    existingKeys.push(key);
    if (seen.includes(key)) continue;
    seen.push(key);
    const mine = previouslyOwned.find((p) => p.key === key);
    if (mine !== undefined && !isWanted(key)) {
      if (mine.placeholder) {
        placeholder = { phone, key, at: kept.length };
        continue;
      }
      // Blank (or invalid) in Microsoft 365 never erases the phone written before, when the setting says so.
      const keep = settings.blankNeverOverwrites && !wanted.some((w) => w.label === mine.label);
      if (!keep) continue;
      ownedPhones.push(mine);
    }
    kept.push(phone);
    keys.push(key);
  }
  for (const w of wanted) {
    ownedPhones.push({ key: w.phone.e164, label: w.label, placeholder: false });
    if (!seen.includes(w.phone.e164)) {
      seen.push(w.phone.e164);
      kept.push({
        value: docPhoneValue(w.phone, context.callingCode),
        extension: w.phone.extension,
        primary: false,
        label: w.label,
      });
      keys.push(w.phone.e164);
    }
  }

  const microsoftPrimary = settings.phones.setPrimary
    ? settings.phones.primaryType === 'office'
      ? (office ?? mobile)
      : (mobile ?? office)
    : null;
  let primaryKey: string | null = microsoftPrimary?.phone.e164 ?? null;
  if (primaryKey === null) {
    const existingPrimary = kept.findIndex((phone) => phone.primary);
    if (existingPrimary >= 0) primaryKey = keys[existingPrimary]!;
  }
  const replacement = context.replacementPhone;
  // The placeholder is for the targets that require a phone: the documentation platform gets it only when the setting
  // says everywhere.
  // One written there before is left where it stands (nothing the contact holds goes without a rule).
  const replaced = primaryKey === null && replacement !== null;
  if (replaced && (placeholder?.key === replacement.key || settings.phones.blankReplacementEverywhere)) {
    primaryKey = replacement.key;
    if (placeholder?.key === replacement.key) {
      kept.splice(placeholder.at, 0, placeholder.phone);
      keys.splice(placeholder.at, 0, placeholder.key);
    } else {
      kept.push({ value: replacement.digits, extension: null, primary: true, label: OFFICE_PHONE_LABEL });
      keys.push(replacement.key);
    }
    ownedPhones.push({ key: replacement.key, label: OFFICE_PHONE_LABEL, placeholder: true });
  }
  const phones = kept.map((phone, i) =>
    phone.primary === (keys[i] === primaryKey) ? phone : { ...phone, primary: keys[i] === primaryKey },
  );

  let primaryPhone: PrimaryPhone | null =
    replaced && primaryKey === null ? { key: replacement.key, psaValue: replacement.psaValue } : null;
  if (primaryKey !== null) {
    const fromMicrosoft = wanted.find((w) => w.phone.e164 === primaryKey);
    if (fromMicrosoft !== undefined) {
      primaryPhone = { key: primaryKey, psaValue: psaPhoneValue(fromMicrosoft.phone) };
    } else if (replacement !== null && replacement.key === primaryKey) {
      primaryPhone = { key: primaryKey, psaValue: replacement.psaValue };
    } else {
      // A phone added by hand: the PSA gets its E.164 form when it is a valid number.
      primaryPhone = {
        key: primaryKey,
        psaValue: primaryKey.startsWith('+') ? primaryKey : storedPhoneKey(primaryKey, user.phoneRegion),
      };
    }
  }
  sortShort(ownedPhones, byKey);
  return {
    phones,
    keys,
    existingKeys,
    primaryPhone,
    ownedPhones: trimmed(ownedPhones),
    changed: !sameEntries(existing, phones),
  };
}

/** A Microsoft phone in the form a PSA receives: E.164, with its extension after ` x`. */
export function psaPhoneValue(phone: NormalizedPhone): string {
  return phone.extension === null ? phone.e164 : `${phone.e164} x${phone.extension}`;
}

/** The user's Microsoft 365 phones by kind, in the form a PSA receives (E.164, with ` x` and the extension). */
export interface MicrosoftPhones {
  readonly office: string | null;
  readonly mobile: string | null;
}

/** The user's phones by kind, as a PSA receives them. */
export function microsoftPhonesOf(user: NormalizedUser): MicrosoftPhones {
  return {
    office: user.officePhone === null ? null : psaPhoneValue(user.officePhone),
    // one number given as both is the office phone
    mobile:
      user.mobilePhone === null || user.mobilePhone.e164 === user.officePhone?.e164
        ? null
        : psaPhoneValue(user.mobilePhone),
  };
}

/** A phone as the documentation platform stores it: digits, in the national form within the tenant's region. */
export { docPhoneValue };

export function describePhones(phones: readonly DocPhone[], keys: readonly string[]): string {
  return sortShort(
    phones.map(
      (p, i) =>
        `${keys[i]}${p.extension === null ? '' : ` x${p.extension}`} (${p.label}${p.primary ? ', primary' : ''})`,
    ),
    byCodeUnits,
  ).join('; ');
}
