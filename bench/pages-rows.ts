import type { Client } from 'pg';

/**
 * Generated rows sent as `insert … select from unnest($1::t1[], $2::t2[], …)`: one array per column,
 * one round trip per 10,000 rows, whatever the table (bench/pages-dataset.ts, bench/pages-360*.ts).
 */

const BATCH = 10_000;

export interface Rows {
  add(row: Record<string, unknown>): void;
  /** Inserts the rows; `fixedIds` are uuid columns with one value for every row (organization, store). */
  insert(client: Client, fixedIds?: Record<string, string>): Promise<void>;
}

/** Rows of `table`, columns given as `'id uuid, customer_id uuid, kind account_kind, …'`. */
export function rows(table: string, columnSpec: string): Rows {
  const columns = columnSpec
    .split(',')
    .map((column) => column.trim().split(/\s+/))
    .map(([name, type]) => ({ name, type, values: [] as unknown[] }));
  return {
    add(row) {
      for (const column of columns) column.values.push(row[column.name] ?? null);
    },
    async insert(client, fixedIds = {}) {
      const fixedNames = Object.keys(fixedIds);
      const names = [...columns.map((column) => column.name), ...fixedNames].join(', ');
      const unnest = columns.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ');
      const select = ['u.*', ...fixedNames.map((_, index) => `$${columns.length + index + 1}::uuid`)];
      for (let start = 0; start < columns[0].values.length; start += BATCH) {
        await client.query(
          `insert into ${table} (${names}) select ${select.join(', ')} from unnest(${unnest}) as u`,
          [...columns.map((column) => column.values.slice(start, start + BATCH)), ...Object.values(fixedIds)],
        );
      }
    },
  };
}
