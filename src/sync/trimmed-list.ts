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
