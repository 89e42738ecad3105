import { foldName } from './name.ts';

/** Legal-form words that say nothing about which customer a name means ("Contoso Ltd" is "Contoso Inc."). */
const LEGAL_FORMS = new Set([
  'ltd',
  'limited',
  'inc',
  'incorporated',
  'llc',
  'llp',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'co',
  'corp',
  'corporation',
  'company',
  'sa',
  'sarl',
  'bv',
  'nv',
  'pty',
  'srl',
  'spa',
  'ab',
  'as',
  'oy',
  'the',
  'and',
]);

function words(name: string): string[] {
  return foldName(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const padded = ` ${text} `;
  for (let i = 0; i < padded.length - 1; i++) {
    const gram = padded.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** The words of a name that tell customers apart: its legal form left out. */
function core(name: string): string {
  const all = words(name);
  const kept = all.filter((w) => !LEGAL_FORMS.has(w));
  return (kept.length === 0 ? all : kept).join(' ');
}

/** Sørensen–Dice over character pairs: 1 for equal texts, 0 for texts that share no pair. */
function dice(a: string, b: string): number {
  if (a === b) return 1;
  const x = bigrams(a);
  const y = bigrams(b);
  let shared = 0;
  let total = 0;
  for (const n of x.values()) total += n;
  for (const n of y.values()) total += n;
  for (const [gram, n] of x) shared += Math.min(n, y.get(gram) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * How close two organization names are, from 0 to 1: 1 when they fold alike, high when they differ only in their
 * legal form or spelling ("Contoso Ltd" and "Contoso, Inc."), low for other customers' names.
 */
export function nameCloseness(a: string, b: string): number {
  if (foldName(a) === foldName(b)) return 1;
  const coreA = core(a);
  const coreB = core(b);
  if (coreA !== '' && coreA === coreB) return 0.95;
  return 0.9 * dice(coreA, coreB);
}

/** Whether two names are taken for the same customer's without asking a person. */
export function sameName(a: string, b: string): boolean {
  return foldName(a) === foldName(b);
}

/** The items ordered for a picker: the names closest to `target` first, then by name. */
export function closestFirst<T extends { readonly name: string }>(items: readonly T[], target: string): T[] {
  const scored = items.map((item) => ({ item, score: nameCloseness(item.name, target) }));
  scored.sort((a, b) => b.score - a.score || a.item.name.localeCompare(b.item.name));
  return scored.map((s) => s.item);
}
