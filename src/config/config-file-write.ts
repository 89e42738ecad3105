import { chmodSync, writeFileSync } from 'node:fs';

/**
 * Writes the config file, its owner's alone (0600): it holds the sealed secrets and where they go. A file that was
 * there already keeps its mode when written, so the mode is set afresh every time (an older 0644 file becomes 0600).
 */
export function writeConfigFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
