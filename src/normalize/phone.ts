import {
  getCountryCallingCode,
  parsePhoneNumberFromString,
  isSupportedCountry,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import type { NormalizedPhone } from '../domain/normalized-user.ts';

type PhoneResult =
  | { readonly ok: true; readonly phone: NormalizedPhone }
  | { readonly ok: false; readonly message: string };

function toPhone(parsed: PhoneNumber): NormalizedPhone {
  return {
    e164: parsed.number,
    digits: parsed.number.slice(1),
    // The extension is kept apart, as the documentation platform keeps it.
    national: parsed.format('NATIONAL', { formatExtension: (number) => number }).replace(/\D/g, ''),
    callingCode: parsed.countryCallingCode,
    extension: parsed.ext ?? null,
  };
}

/**
 * The digits the documentation platform is given for a phone: its national form when it is in the tenant's country
 * (the platform shows `4155552156` as `(415) 555-2156`), else with its country calling code in front.
 */
export function docPhoneDigits(phone: NormalizedPhone, tenantCallingCode: string): string {
  return phone.callingCode === tenantCallingCode ? phone.national : phone.digits;
}

/** A usable phone region from an ISO code, or null (Graph's `country` is free text and often not a code). */
export function phoneRegion(code: string | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  const upper = code.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(upper) && isSupportedCountry(upper) ? upper : null;
}

/**
 * A phone number to E.164 in the given region, extension kept. An invalid number is reported, never guessed.
 * Returns null for a blank value.
 */
export function normalizePhone(raw: string | null | undefined, region: string): PhoneResult | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.trim();
  if (value === '') return null;
  const parsed = parsePhoneNumberFromString(value, region as CountryCode);
  if (parsed === undefined || !parsed.isValid()) {
    return { ok: false, message: `"${value}" is not a valid phone number in region ${region}` };
  }
  return { ok: true, phone: toPhone(parsed) };
}

/**
 * The comparison key of a phone stored as digits (the documentation platform's form): E.164 when the digits are a valid number,
 * read first in the region and then as an international number; otherwise the digits themselves.
 */
export function storedPhoneKey(digits: string, region: string): string {
  const plain = digits.replace(/\D/g, '');
  if (plain === '') return '';
  const national = parsePhoneNumberFromString(plain, region as CountryCode);
  if (national?.isValid()) return national.number;
  const international = parsePhoneNumberFromString(`+${plain}`);
  if (international?.isValid()) return international.number;
  return plain;
}

/**
 * A phone as a person typed it in international form (`+1 206 555 0100`), in E.164 (`+12065550100`): the same number
 * whatever its spaces and dashes. Any other value is returned as it is.
 */
export function internationalPhoneKey(value: string): string {
  const parsed = value.trim().startsWith('+') ? parsePhoneNumberFromString(value.trim()) : undefined;
  return parsed?.isValid() ? parsed.number : value;
}

/** The country calling code of a region, as digits ("1" for US, "44" for GB). */
export function regionCallingCode(region: string): string {
  return getCountryCallingCode(region as CountryCode);
}
