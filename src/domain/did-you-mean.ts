/** "Did you mean": the closest of `candidates` to a mistyped word, or null when none is close enough. */

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

export function didYouMean(word: string, candidates: readonly string[]): string | null {
  const wanted = word.toLowerCase();
  // A word cut short ("pageSize" for "pageSizeCap") is the start of one candidate.
  const starting = candidates.filter((c) => wanted.length >= 3 && c.toLowerCase().startsWith(wanted));
  if (starting.length === 1) return starting[0]!;
  let best: { candidate: string; score: number } | null = null;
  for (const candidate of candidates) {
    const score = distance(wanted, candidate.toLowerCase());
    if (best === null || score < best.score) best = { candidate, score };
  }
  // Close enough: a third of the word may be wrong (at least one letter, however short).
  return best !== null && best.score <= Math.max(1, Math.floor(wanted.length / 3)) ? best.candidate : null;
}
