import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

/**
 * Secrets at rest: AES-256-GCM with a key from CONTACTSYNC_SECRET_KEY (32 bytes, base64 or hex) or from a key file
 * created with mode 0600. An encrypted value reads `enc:v1:<base64 of iv, tag and ciphertext>`.
 */
const PREFIX = 'enc:v1:';

class SecretKeyError extends Error {
  readonly code = 'Auth';
}

function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new SecretKeyError(`${source} must hold 32 bytes (64 hex digits or 44 base64 characters).`);
  return key;
}

/** A path as a shell takes it. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The key file, read only when no one but its owner can read it: it opens every secret it seals. */
function readKeyFile(keyFile: string): Buffer {
  const mode = statSync(keyFile).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new SecretKeyError(
      `${keyFile} can be read by other users of this machine (mode ${mode.toString(8).padStart(4, '0')}), and it opens every secret it seals. Make it yours alone: chmod 600 ${shellWord(keyFile)}`,
    );
  return parseKey(readFileSync(keyFile, 'utf8'), keyFile);
}

/** The key from the environment, else from the key file (made with mode 0600 when `create`). */
export function loadSecretKey(
  keyFile: string,
  options: { create: boolean; env?: NodeJS.ProcessEnv } = { create: false },
): Buffer {
  const fromEnv = (options.env ?? process.env).CONTACTSYNC_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '') return parseKey(fromEnv, 'CONTACTSYNC_SECRET_KEY');
  if (existsSync(keyFile)) return readKeyFile(keyFile);
  if (!options.create)
    throw new SecretKeyError(
      `The secrets of the config are encrypted, and there is no key: set CONTACTSYNC_SECRET_KEY or restore ${keyFile}.`,
    );
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(32);
  try {
    // Made with its mode (never readable by others, whatever the umask) and only if absent: of two processes making
    // it at once, the second reads the first one's key.
    writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(keyFile);
    throw error;
  }
  chmodSync(keyFile, 0o600);
  return key;
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function decryptSecret(value: string, key: Buffer): string {
  if (!isEncrypted(value)) return value;
  const raw = Buffer.from(value.slice(PREFIX.length), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      'An encrypted secret of the config cannot be read with this key: the key changed, or the value was altered.',
    );
  }
}

/** How a secret is shown to a person: never more than its last four characters. */
export function maskSecret(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '(not set)';
  return value.length <= 8 ? '••••' : `••••${value.slice(-4)}`;
}
