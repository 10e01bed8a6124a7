import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KEY_BYTES, parseMasterKey } from './envelope';
import { keyRing, MasterKeyError } from './key-ring';

export interface MasterKeySettings {
  nodeEnv: 'development' | 'production' | 'test';
  dataDir: string;
  /** MASTER_KEY: base64 of 32 bytes; wraps every data key. */
  masterKey?: string;
  /** MASTER_KEY_NEW during a master key rotation: accepted too (keys:rotate-master wraps under it). */
  masterKeyNew?: string;
}

/**
 * The master keys, like JWT_SECRET (src/server/secrets.ts): MASTER_KEY from the environment; in
 * development and tests a key generated once into DATA_DIR/master-key (mode 0600); in production
 * MASTER_KEY is required (src/server/config.ts refuses to start without it). Synchronous: the key ring
 * may need it inside a flush of a process that did not configure it (a CLI command, a seeder).
 */
export function masterKeys(settings: MasterKeySettings): Buffer[] {
  const keys: Buffer[] = [];
  if (settings.masterKey) keys.push(parseMasterKey(settings.masterKey, 'MASTER_KEY'));
  else if (settings.nodeEnv === 'production')
    throw new MasterKeyError('MASTER_KEY is required when NODE_ENV=production');
  else keys.push(developmentKey(settings.dataDir));
  if (settings.masterKeyNew) keys.push(parseMasterKey(settings.masterKeyNew, 'MASTER_KEY_NEW'));
  return keys;
}

function developmentKey(dataDir: string): Buffer {
  const file = path.join(path.resolve(dataDir), 'master-key');
  if (existsSync(file)) return parseMasterKey(readFileSync(file, 'utf8'), file);
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    // `wx`: two processes starting at once keep the first one's key.
    writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseMasterKey(readFileSync(file, 'utf8'), file);
  }
  chmodSync(file, 0o600);
  return key;
}

/** Configures the process's key ring from settings (the service at start: src/server/http.ts). */
export function useMasterKeys(settings: MasterKeySettings): void {
  keyRing.useMasterKeys(masterKeys(settings));
}

/**
 * A process that never configured its key ring (a seeder, a CLI command, the worker) takes the
 * environment the service would: MASTER_KEY, MASTER_KEY_NEW, DATA_DIR (default .data), NODE_ENV.
 */
export function ensureMasterKeys(): void {
  if (keyRing.configured) return;
  const env = process.env;
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  useMasterKeys({
    nodeEnv,
    dataDir: env.DATA_DIR || '.data',
    masterKey: env.MASTER_KEY || undefined,
    masterKeyNew: env.MASTER_KEY_NEW || undefined,
  });
}
