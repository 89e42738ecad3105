/** Where links in alerts and exports point, and whether another desk can open them. */
export interface AlertLinkBase {
  /** the address links start with */
  readonly base: string;
  /** why links will not open from another desk, with what to do; null when an address was set */
  readonly warning: string | null;
}

/**
 * Links use the alert settings' address, else the web UI's public address (`web.publicUrl`). Without either they
 * fall back to the address the web UI listens on, which only this machine can be sure to reach: that is said.
 */
export function alertLinkBase(
  saved: string | null,
  publicUrl: string | null,
  listening: string,
  /** whether `listening` is where this process's web UI listens, or only what the config names (web.host, web.port) */
  heard = true,
): AlertLinkBase {
  const chosen = saved ?? publicUrl;
  if (chosen !== null) return { base: chosen.replace(/\/+$/, ''), warning: null };
  const base = listening.replace(/\/+$/, '');
  const what = heard
    ? 'the address this web UI listens on'
    : 'the address web.host and web.port of the config name (serve started with --host or --port links to its own)';
  return {
    base,
    warning: `Links in alerts and exports point at ${base}, ${what}: they will not open from another desk. Set web.publicUrl in the config file to the address people open (or the link address on the Alerts page).`,
  };
}

/** The doctor's check of the links (a warning, never a failure). */
export async function alertLinkCheck(alerts: {
  linkTarget(): Promise<AlertLinkBase>;
}): Promise<{ name: string; state: 'ok' | 'warn'; detail: string }> {
  const { base, warning } = await alerts.linkTarget();
  return warning === null
    ? { name: 'alert links', state: 'ok', detail: `links in alerts and exports point at ${base}` }
    : { name: 'alert links', state: 'warn', detail: warning };
}
