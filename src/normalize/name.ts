/** Personal names: cleaned for writing, folded for comparing. */

import { withoutControlCharacters } from './control-characters.ts';

const SPACES = /\s+/g;
const MARKS = /\p{M}+/gu;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
// Printable ASCII words separated by single spaces: already normal.
const CLEAN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

// Tabs and line breaks (NEL and the Unicode separators among them): in a one-line value, they separate words.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * One line of text as a person reads it (a name, a job title): tabs and line breaks made spaces, every other control
 * character removed (a bell, an escape sequence's ESC, a bidi override), NFC, runs of spaces collapsed, trimmed.
 * Returns null when nothing is left.
 */
export function normalizeName(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (CLEAN_ASCII.test(raw)) return raw;
  // Controls go before composing: one between a letter and its accent would otherwise keep them apart.
  const value = withoutControlCharacters(raw.replace(BREAKS, ' ')).normalize('NFC').replace(SPACES, ' ').trim();
  return value === '' ? null : value;
}

/** A comparison form that ignores case, accents and repeated spaces: "  José  DE la Peña" and "jose de la pena" fold alike. */
export function foldName(value: string): string {
  if (PLAIN_ASCII.test(value)) return value.toLowerCase().replace(SPACES, ' ').trim();
  return value.normalize('NFD').replace(MARKS, '').normalize('NFC').toLowerCase().replace(SPACES, ' ').trim();
}

/** The key on which two people are "the same name": first name and last name folded. Null without a first name. */
export function personNameKey(firstName: string | null, lastName: string | null): string | null {
  if (firstName === null) return null;
  const first = foldName(firstName);
  if (first === '') return null;
  return `${first}\u0000${lastName === null ? '' : foldName(lastName)}`;
}

interface SplitName {
  readonly firstName: string | null;
  readonly lastName: string | null;
}

/**
 * First and last name from a display name: "Last, First" when there is one comma, otherwise the last word is the
 * last name ("Mary Ann Smith" → "Mary Ann" / "Smith"). One word is a first name only.
 */
export function splitDisplayName(displayName: string | null): SplitName {
  const name = normalizeName(displayName);
  if (name === null) return { firstName: null, lastName: null };
  const commaParts = name.split(',');
  if (commaParts.length === 2) {
    const last = normalizeName(commaParts[0]);
    const first = normalizeName(commaParts[1]);
    if (first !== null && last !== null) return { firstName: first, lastName: last };
  }
  const space = name.lastIndexOf(' ');
  if (space < 0) return { firstName: name, lastName: null };
  return { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}

/** A part of a name as the directory has it, spaces collapsed; null when nothing readable is left. */
function kept(value: string | null): string | null {
  return normalizeName(value) === null ? null : value!.trim().replace(/ {2,}/g, ' ');
}

/**
 * The person's name as a page or a line shows it: the display name, else the given name and surname (Graph often has
 * no display name for an account made by a script), else null. The text is kept as Microsoft 365 has it, control
 * characters included, so that the terminal writer shows them escaped and the page escapes them: what a person reads
 * is what the directory holds.
 */
export function shownPersonName(user: {
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly surname: string | null;
}): string | null {
  const display = kept(user.displayName);
  if (display !== null) return display;
  const parts = [kept(user.givenName), kept(user.surname)].filter((part) => part !== null);
  return parts.length === 0 ? null : parts.join(' ');
}
