import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

/**
 * Child processes, CPU time from /proc, and bounded HTTP load (autocannon) for bench/pages.bench.ts.
 * Every target is 127.0.0.1; every run ends after its duration, whatever the target does.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A child process whose output goes to stderr with a prefix (its warnings, logs and crashes show).
 * `nodeArguments`: flags for its node (e.g. `--cpu-prof`, which NODE_OPTIONS does not take).
 */
export function startChild(
  name: string,
  script: string,
  environment: Record<string, string>,
  nodeArguments: string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeArguments, script], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((text) => text.trim()))
        process.stderr.write(`[${name}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}\n`);
    });
  }
  return child;
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls GET `url` until it answers 200, the child dies, or `timeoutMs` passes. */
export async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

export const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process has gone
  }
}

/** utime + stime of one process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** The parent pid of a process (field 4), e.g. the postmaster of a PostgreSQL backend. */
export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/**
 * CPU ticks PostgreSQL has spent so far: its live processes (every backend, checkpointer, autovacuum
 * worker: the postmaster's children) plus what the postmaster collected from children that exited
 * (cutime + cstime, fields 16 and 17), so a pooled connection closed mid-run still counts.
 */
export function postgresCpuTicks(postmaster: number): number {
  const own = statFields(postmaster);
  let total = own ? Number(own[13]) + Number(own[14]) : 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmaster) total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

/**
 * Waits until a process has been idle (under 2 % of a core for 300 ms), at most `timeoutMs`: requests a
 * load generator gave up on are still being answered, and the next run must not pay for them.
 */
export async function waitIdle(pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let before = cpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = cpuTicks(pid);
    if (now - before <= Math.ceil(CLOCK_TICKS_PER_SECOND * 0.3 * 0.02)) return;
    before = now;
  }
}

export interface LoadTarget {
  /** http://127.0.0.1:port — nothing else is ever loaded. */
  origin: string;
  headers: Record<string, string>;
  /** One request, or several that each connection sends in turn. */
  requests: { path: string; body: string }[];
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx, socket errors, timeouts, and 200s carrying GraphQL errors. */
  failures: number;
  /** Every successful response's latency in ms, ascending. */
  latencies: Float64Array;
}

/** Several runs of one target as one: their requests and seconds added, percentiles over all latencies. */
export function combineLoads(results: LoadResult[]): LoadResult {
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  const seconds = results.reduce((sum, result) => sum + result.seconds, 0);
  const latencies = Float64Array.from(results.flatMap((result) => [...result.latencies])).sort();
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures: results.reduce((sum, result) => sum + result.failures, 0),
    latencies,
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/**
 * `connections` clients sending back to back for `seconds`. Latencies come from autocannon's
 * per-response event in fractional milliseconds (its own histogram rounds to whole milliseconds,
 * too coarse for a floor that answers in one or two).
 */
export async function runLoad(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(target.origin))
    throw new Error(`not a local target: ${target.origin}`);
  const latencies: number[] = [];
  const instance = autocannon({
    url: target.origin,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', ...target.headers },
    requests: target.requests.map((request) => ({ method: 'POST', ...request })),
    // A GraphQL error is a 200 too; both targets' pages are checked error-free before the runs.
    verifyBody: (body) => !body.startsWith('{"errors"') && !body.includes('"errors":['),
  });
  instance.on('response', (_client, statusCode, _bytes, milliseconds) => {
    if (statusCode === 200) latencies.push(milliseconds);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: result.requests.total,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
    latencies: sorted,
  };
}
