const ANY_ONE = '?'.charCodeAt(0);

/** Whether `segment` (where `?` stands for any one character) is the text at `at`. */
function segmentAt(segment: string, text: string, at: number): boolean {
  for (let j = 0; j < segment.length; j++) {
    const c = segment.charCodeAt(j);
    if (c !== ANY_ONE && c !== text.charCodeAt(at + j)) return false;
  }
  return true;
}

/** The first place at or after `from` where `segment` is found wholly before `end`, or -1. */
function find(segment: string, text: string, from: number, end: number): number {
  for (let at = from; at + segment.length <= end; at++) if (segmentAt(segment, text, at)) return at;
  return -1;
}

/**
 * A glob (`*` any run of characters, none included; `?` any one character; everything else itself, case as given)
 * made into a test of a text. The pieces between stars are found left to right, each at its first place: that never
 * needs to go back, so a match costs at most the pattern's length times the text's in character comparisons, where
 * a regular expression can take exponential time (`*a*a*a*a*a*a*a*a*b`).
 */
export function compileGlob(pattern: string): (text: string) => boolean {
  const pieces = pattern.split('*');
  const first = pieces[0]!;
  if (pieces.length === 1) return (text) => text.length === first.length && segmentAt(first, text, 0);
  const last = pieces.at(-1)!;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return (text) => {
    const end = text.length - last.length;
    if (end < first.length || !segmentAt(first, text, 0) || !segmentAt(last, text, end)) return false;
    let at = first.length;
    for (const piece of middle) {
      const found = find(piece, text, at, end);
      if (found < 0) return false;
      at = found + piece.length;
    }
    return true;
  };
}
