import { isIP } from 'node:net';
import { parseExpression } from 'cron-parser';
import { z } from 'zod';
import {
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottleSettings,
} from '../services/access/login-throttle.service';
import { DEFAULT_API_RATE_LIMITS, type ApiRateLimitSettings } from '../services/access/rate-limit.service';
import { DEFAULT_IMPORT_FILE_RETENTION_DAYS } from '../services/imports/import-purge';

/**
 * Configuration comes from the environment only, and is validated once at start so that a bad value
 * stops the service with a message naming the variable, instead of failing later at first use.
 */
const booleanFromString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * express's `trust proxy`: unset or false, the client address is the socket's (X-Forwarded-For is
 * ignored); true trusts every hop (only behind a proxy that overwrites the header); a number trusts
 * that many hops; else a comma list of addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, context): boolean | number | string[] => {
    if (value === 'true' || value === 'false') return value === 'true';
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    for (const entry of entries) {
      const [address, bits, ...rest] = entry.split('/');
      const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= 128);
      if (!PROXY_NAMES.has(entry) && (!isIP(address) || !validBits || rest.length > 0)) {
        context.addIssue({
          code: 'custom',
          message: `"${entry}" is not true, false, a hop count, an address, a subnet or loopback/linklocal/uniquelocal`,
        });
        return z.NEVER;
      }
    }
    return entries;
  });

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** BACKUP_RETENTION: `7` keeps the 7 newest base backups, `14d` those of the last 14 days. */
export type BackupRetention = { backups: number } | { days: number };

const backupRetention = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,3}d?$/, 'must be a number of base backups (7) or of days (14d), at least 1')
  .transform((value): BackupRetention =>
    value.endsWith('d') ? { days: Number(value.slice(0, -1)) } : { backups: Number(value) },
  );

/**
 * BACKUP_SCHEDULE: when the embedded PostgreSQL is backed up (server/backup.schedule.ts), a cron of
 * five fields in UTC like every job (the default is 03:17 in China), or `off`.
 */
export const DEFAULT_BACKUP_SCHEDULE = '17 19 * * *';

const backupSchedule = z
  .string()
  .trim()
  .transform((value, context): string | null => {
    if (value === 'off') return null;
    const fields = value.split(/\s+/);
    try {
      if (fields.length !== 5) throw new Error(`${fields.length} fields`);
      parseExpression(value, { tz: 'UTC' });
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `"${value}" is not a cron of five fields (minute hour day month weekday, UTC; e.g. ${DEFAULT_BACKUP_SCHEDULE}) or off: ${(error as Error).message}`,
      });
      return z.NEVER;
    }
    return fields.join(' ');
  });

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_POOL_SIZE: z.coerce
    .number({ message: 'must be a whole number' })
    .int()
    .min(1)
    .max(200)
    .default(10),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Master keys of the health data encryption (src/core/crypto/master-keys.ts): base64 of 32 bytes.
  MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=?$/, 'must be base64 of exactly 32 bytes')
    .optional(),
  MASTER_KEY_NEW: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=?$/, 'must be base64 of exactly 32 bytes')
    .optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INTROSPECTION: booleanFromString.optional(),
  PLAYGROUND: booleanFromString.optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  SEED_DEMO_DATA: booleanFromString.optional(),
  RUN_JOBS: booleanFromString.default(true),
  ALLOW_OWNER_POOLS: booleanFromString.default(false),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: trustProxy.optional(),
  LOGIN_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_LOGIN_THROTTLE.freeAttempts),
  LOGIN_DELAY_SECONDS: seconds(1, 86_400, DEFAULT_LOGIN_THROTTLE.firstDelaySeconds),
  LOGIN_MAX_DELAY_SECONDS: seconds(1, 86_400, DEFAULT_LOGIN_THROTTLE.maxDelaySeconds),
  LOGIN_FAILURE_WINDOW_SECONDS: seconds(60, 30 * 86_400, DEFAULT_LOGIN_THROTTLE.failureWindowSeconds),
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(DEFAULT_LOGIN_THROTTLE.addressMaxFailures),
  LOGIN_ADDRESS_WINDOW_SECONDS: seconds(60, 30 * 86_400, DEFAULT_LOGIN_THROTTLE.addressWindowSeconds),
  COMPILED_READS: z
    .enum(['on', 'off'])
    .default('on')
    .transform((value) => value === 'on'),
  USER_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .default(DEFAULT_API_RATE_LIMITS.userPerMinute),
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .default(DEFAULT_API_RATE_LIMITS.apiKeyPerMinute),
  BACKUP_RETENTION: backupRetention.default({ backups: 7 }),
  BACKUP_SCHEDULE: backupSchedule.default(DEFAULT_BACKUP_SCHEDULE),
  IMPORT_FILE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(DEFAULT_IMPORT_FILE_RETENTION_DAYS),
});

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  /**
   * DATABASE_POOL_SIZE: connections of the request pool (default 10); the jobs pool has its own 3.
   * Each instance opens both, so instances × (this + 3) must stay below PostgreSQL's max_connections.
   */
  databasePoolSize?: number;
  jwtSecret?: string;
  /** MASTER_KEY: wraps the data keys of the health data encryption; generated into DATA_DIR in development. */
  masterKey?: string;
  /** MASTER_KEY_NEW: accepted as well while `npm run keys:rotate-master` re-wraps under it. */
  masterKeyNew?: string;
  jwtTtlSeconds: number;
  logLevel: string;
  introspection: boolean;
  /** Serve the offline GraphiQL page at GET /graphql (default: not in production). */
  playground: boolean;
  maxBodyBytes: number;
  /** Seed demo data into an empty database at start (default: only on embedded PostgreSQL). */
  seedDemoData: boolean;
  /** Run the scheduled jobs (care tasks, points expiry) in this process; `npm run worker` runs them alone. */
  runJobs: boolean;
  /**
   * ALLOW_OWNER_POOLS: start in production although the logins cannot be made (the owner may not
   * create roles): the pools then run as the owner and row-level security binds nothing.
   */
  allowOwnerPools?: boolean;
  /** Bearer token for GET /metrics; without it the endpoint is open in development and off in production. */
  metricsToken?: string;
  /**
   * express's `trust proxy`, which decides the client address that logins are throttled by. Unset:
   * the socket's address, X-Forwarded-For ignored (a client could otherwise pick any address).
   */
  trustProxy?: boolean | number | string[];
  /** Unset (configurations built by hand): DEFAULT_LOGIN_THROTTLE. */
  loginThrottle?: LoginThrottleSettings;
  /** Query cost budgets per minute; unset: DEFAULT_API_RATE_LIMITS. */
  rateLimits?: ApiRateLimitSettings;
  /** Reads the compiler covers as one statement (server/compiled-executor.ts); unset: on. */
  compiledReads?: boolean;
  /**
   * A compiled plan whose answer went to graphql-js: 'backoff' (unset) sends its next runs straight
   * there for a while (server/compiled-executor.ts); 'every-time' runs its statement on every request
   * (the tests comparing both paths).
   */
  compiledReadRetry?: 'backoff' | 'every-time';
  /** Base backups `npm run backup` and the scheduled backup keep (embedded PostgreSQL); unset: the 7 newest. */
  backupRetention?: BackupRetention;
  /** When the service backs the embedded PostgreSQL up (cron, UTC); null: never; unset: DEFAULT_BACKUP_SCHEDULE. */
  backupSchedule?: string | null;
  /** IMPORT_FILE_RETENTION_DAYS: an uploaded customer file without its real run is deleted after this many days; unset: 30. */
  importFileRetentionDays?: number;
}

export class ConfigError extends Error {}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const blankAsUnset = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in environment variables:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production' && !values.JWT_SECRET) {
    throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  if (values.NODE_ENV === 'production' && !values.MASTER_KEY) {
    throw new ConfigError(
      'Invalid configuration: MASTER_KEY is required when NODE_ENV=production (it encrypts health data; e.g. openssl rand -base64 32)',
    );
  }
  return {
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir: values.DATA_DIR,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    jwtSecret: values.JWT_SECRET,
    masterKey: values.MASTER_KEY,
    masterKeyNew: values.MASTER_KEY_NEW,
    jwtTtlSeconds: values.JWT_TTL_SECONDS,
    logLevel: values.LOG_LEVEL,
    introspection: values.INTROSPECTION ?? values.NODE_ENV !== 'production',
    playground: values.PLAYGROUND ?? values.NODE_ENV !== 'production',
    maxBodyBytes: values.MAX_BODY_BYTES,
    seedDemoData: values.SEED_DEMO_DATA ?? !values.DATABASE_URL,
    runJobs: values.RUN_JOBS,
    allowOwnerPools: values.ALLOW_OWNER_POOLS,
    metricsToken: values.METRICS_TOKEN,
    trustProxy: values.TRUST_PROXY,
    loginThrottle: {
      freeAttempts: values.LOGIN_FREE_ATTEMPTS,
      firstDelaySeconds: values.LOGIN_DELAY_SECONDS,
      maxDelaySeconds: Math.max(values.LOGIN_MAX_DELAY_SECONDS, values.LOGIN_DELAY_SECONDS),
      failureWindowSeconds: values.LOGIN_FAILURE_WINDOW_SECONDS,
      addressMaxFailures: values.LOGIN_ADDRESS_MAX_FAILURES,
      addressWindowSeconds: values.LOGIN_ADDRESS_WINDOW_SECONDS,
    },
    compiledReads: values.COMPILED_READS,
    rateLimits: {
      userPerMinute: values.USER_RATE_LIMIT_PER_MINUTE,
      apiKeyPerMinute: values.API_KEY_RATE_LIMIT_PER_MINUTE,
    },
    backupRetention: values.BACKUP_RETENTION,
    backupSchedule: values.BACKUP_SCHEDULE,
    importFileRetentionDays: values.IMPORT_FILE_RETENTION_DAYS,
  };
}

/** For entry points (the service, the worker): a bad environment ends the process with its message. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
