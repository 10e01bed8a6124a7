import type { FormattedExecutionResult } from 'graphql';

/** Where `rawData` keeps its text: not a member, so nothing that walks the object sees it. */
const RAW = Symbol('json text');

/**
 * `data` that is json text already (a compiled read: server/compiled-executor.ts). Apollo sends the
 * text as it is (`stringifyResponse`), without parsing it into objects and writing them out again;
 * whoever reads a member instead (executeOperation in tests and tools) gets the parsed value.
 */
export function rawData(keys: readonly string[], text: string): Record<string, unknown> {
  let parsed: Record<string, unknown> | undefined;
  const data: Record<string, unknown> = {};
  for (const key of keys)
    Object.defineProperty(data, key, {
      enumerable: true,
      get: () => (parsed ??= JSON.parse(text) as Record<string, unknown>)[key],
    });
  Object.defineProperty(data, RAW, { value: text });
  return data;
}

/**
 * Apollo's `stringifyResult`: as its own (JSON.stringify and a newline, members in Apollo's order),
 * with the text of `rawData` written in place of `data`.
 */
export function stringifyResponse(result: FormattedExecutionResult): string {
  const raw = (result.data as Record<symbol, string | undefined> | null | undefined)?.[RAW];
  if (raw === undefined) return `${JSON.stringify(result)}\n`;
  const members: string[] = [];
  if (result.errors !== undefined) members.push(`"errors":${JSON.stringify(result.errors)}`);
  members.push(`"data":${raw}`);
  if (result.extensions !== undefined) members.push(`"extensions":${JSON.stringify(result.extensions)}`);
  return `{${members.join(',')}}\n`;
}

/** Whether `data` is json text from `rawData` (tests tell a compiled answer from graphql-js's by it). */
export function isRawData(data: unknown): boolean {
  return typeof data === 'object' && data !== null && RAW in data;
}
