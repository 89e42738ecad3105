const CHANNELS: Readonly<Record<string, string>> = { web: 'web', api: 'API', cli: 'command line' };

/** Who did something, as a person reads it: "web:tech" → "tech (web)"; an actor without a channel as it is. */
export function actorText(actor: string): string {
  const at = actor.indexOf(':');
  const channel = at < 0 ? undefined : CHANNELS[actor.slice(0, at)];
  return channel === undefined ? actor : `${actor.slice(at + 1)} (${channel})`;
}

/** An operator's action and who did it, as one sentence: "Sync enabled." by web:tech → "Sync enabled by tech (web)." */
export function actionBy(summary: string, actor: string): string {
  const said = summary.trim().replace(/\.$/, '');
  return `${said} by ${actorText(actor)}.`;
}
