import { z } from 'zod';

/**
 * Configuration comes from the environment only, and is validated once at start so that a bad value
 * stops the service with a message naming the variable, instead of failing later at first use.
 */
const booleanFromString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INTROSPECTION: booleanFromString.optional(),
  PLAYGROUND: booleanFromString.optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  SEED_DEMO_DATA: booleanFromString.optional(),
  RUN_JOBS: booleanFromString.default(true),
});

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  jwtSecret?: string;
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
  return {
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir: values.DATA_DIR,
    jwtSecret: values.JWT_SECRET,
    jwtTtlSeconds: values.JWT_TTL_SECONDS,
    logLevel: values.LOG_LEVEL,
    introspection: values.INTROSPECTION ?? values.NODE_ENV !== 'production',
    playground: values.PLAYGROUND ?? values.NODE_ENV !== 'production',
    maxBodyBytes: values.MAX_BODY_BYTES,
    seedDemoData: values.SEED_DEMO_DATA ?? !values.DATABASE_URL,
    runJobs: values.RUN_JOBS,
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
