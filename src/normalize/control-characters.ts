/**
 * Characters that are not text: C0 and C1 controls (ESC and CSI, which terminals obey, among them) and the Unicode
 * format characters that reorder or hide text (bidi overrides and isolates, zero-width characters).
 */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const CONTROL_BUT_LINE_BREAK =
  // oxlint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function hasControlCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/** The text with every control character removed. */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL, '');
}

const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Every control character shown as `\uXXXX` (the form JSON uses, so that JSON stays JSON), line breaks too unless
 * `keepLineBreaks`.
 */
export function escapeControlCharacters(text: string, keepLineBreaks = false): string {
  return text.replace(keepLineBreaks ? CONTROL_BUT_LINE_BREAK : CONTROL, escaped);
}
