/**
 * The list in an array of exactly its length. A plan keeps a tenant's worth of small lists, and a list grown by `push`
 * reserves room for sixteen entries: a list the plan keeps is trimmed once it is complete.
 */
export function trimmed<T>(list: T[]): T[] {
  return list.length === 0 ? list : list.slice();
}

/** True when `next` holds the very entries of `current`, in order: entries are copied only when they change. */
export function sameEntries<T>(current: readonly T[], next: readonly T[]): boolean {
  return current.length === next.length && current.every((entry, i) => entry === next[i]);
}

/** UTF-16 code-unit order, the order of `Array.prototype.sort` without a comparator on strings. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Owned phones by their key, in code-unit order. */
export const byKey = (a: { readonly key: string }, b: { readonly key: string }): number => byCodeUnits(a.key, b.key);

/**
 * Sorts `list` in place, stably, as `list.sort(compare)` does, and returns it. The plan sorts a few lists of two or
 * three entries for every user; the built-in sort allocates its work space on every call (a fifth of all the planner
 * allocates), an insertion sort nothing. A longer list goes to the built-in sort.
 */
export function sortShort<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > 8) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const entry = list[i]!;
    let j = i - 1;
    for (; j >= 0 && compare(list[j]!, entry) > 0; j--) list[j + 1] = list[j]!;
    list[j + 1] = entry;
  }
  return list;
}
