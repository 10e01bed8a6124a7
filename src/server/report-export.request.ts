import type { Request } from 'express';
import { BadInputError } from '../core/errors';
import type { AnyReportExport, ExportTable } from './report-export.types';

/** What a report export URL asks for: the variables, the tables, and the file's name. */

export type ExportFormat = 'csv' | 'xlsx';

/** The query string as the report's variables; a parameter it does not take is refused, not ignored. */
export function variablesOf(entry: AnyReportExport, query: Request['query']) {
  const variables: Record<string, unknown> = {};
  let table: string | undefined;
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string')
      throw new BadInputError(name, 'parameter', `Give ${name} once, as plain text.`);
    if (name === 'table') {
      table = value;
      continue;
    }
    const parameter = entry.parameters.find((candidate) => candidate.name === name);
    if (!parameter) {
      const known = [...entry.parameters.map((candidate) => candidate.name), 'table'].join(', ');
      throw new BadInputError(name, 'parameter', `The ${entry.name} export takes ${known}; not ${name}.`);
    }
    let target = variables;
    for (const key of parameter.variable.slice(0, -1))
      target = (target[key] ??= {}) as Record<string, unknown>;
    target[parameter.variable.at(-1)!] =
      parameter.integer && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
  }
  return { variables, table };
}

/** The tables a format writes: XLSX all of them (or the one asked for), CSV one (the first by default). */
export function tablesOf(
  entry: AnyReportExport,
  format: ExportFormat,
  key: string | undefined,
): ExportTable<unknown>[] {
  if (key === undefined) return format === 'xlsx' ? entry.tables : entry.tables.slice(0, 1);
  const table = entry.tables.find((candidate) => candidate.key === key);
  if (!table) {
    const known = entry.tables.map((candidate) => candidate.key).join(', ');
    throw new BadInputError('table', 'parameter', `The ${entry.name} export has the tables ${known}.`);
  }
  return [table];
}

/**
 * RFC 6266 with RFC 5987's filename* for the Chinese name (report, period, and the table of a CSV when
 * the report has several), and a plain ASCII one for old clients.
 */
export function contentDisposition(
  entry: AnyReportExport,
  format: ExportFormat,
  tables: ExportTable<unknown>[],
  dates: string[],
): string {
  const table = format === 'csv' && entry.tables.length > 1 ? [tables[0]] : [];
  const name = `${[entry.title, ...dates, ...table.map((one) => one.title)].join('_')}.${format}`;
  const asciiName = `${[entry.name, ...dates, ...table.map((one) => one.key)].join('_')}.${format}`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const ascii = asciiName.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
