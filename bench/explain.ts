import type { MikroORM } from '@mikro-orm/postgresql';

/** One SQL statement as knex sent it: text with `?` placeholders, and its bindings. */
export interface CapturedStatement {
  sql: string;
  bindings: unknown[];
}

/** Records every statement the ORM sends while `work` runs (the knex `query` event). */
export async function captureStatements(
  orm: MikroORM,
  work: () => Promise<unknown>,
): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  const knex = orm.em.getConnection().getKnex();
  const listener = (query: { sql: string; bindings?: unknown[] }) =>
    captured.push({ sql: query.sql, bindings: [...(query.bindings ?? [])] });
  knex.on('query', listener);
  try {
    await work();
  } finally {
    knex.off('query', listener);
  }
  return captured;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Sort Method'?: string;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  /** Scan nodes on customer and its indexes, outermost first, e.g. "Bitmap Index Scan customer_phone_last4_index". */
  scans: string[];
  seqScan: boolean;
  executionMs: number;
  planningMs: number;
  sharedHit: number;
  sharedRead: number;
  /** Largest number of rows a scan read and then threw away (filter or recheck). */
  rowsRemoved: number;
  /** The planner's estimate of the rows the (outermost) scan of customer returns, before any LIMIT. */
  estimatedRows?: number;
  sort?: string;
  text: string;
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Runs one SQL text with bindings and returns its rows. */
export type Runner = (sql: string, bindings: unknown[]) => Promise<{ rows: Record<string, any>[] }>;

/** A runner over the ORM's own knex connection: `?` placeholders, as captured from the application. */
export function knexRunner(orm: MikroORM): Runner {
  const knex = orm.em.getConnection().getKnex();
  return (sql, bindings) =>
    knex.raw(sql, bindings as never) as unknown as Promise<{ rows: Record<string, any>[] }>;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of a statement. Captured statements go through the same knex connection
 * with the same bindings as the application used, so the planner sees the same parameter values.
 */
export async function explain(run: Runner, statement: CapturedStatement): Promise<PlanSummary> {
  const json = await run(`explain (analyze, buffers, format json) ${statement.sql}`, statement.bindings);
  const text = await run(`explain (analyze, buffers, costs off) ${statement.sql}`, statement.bindings);
  const [root] = json.rows[0]['QUERY PLAN'] as [
    { Plan: PlanNode; 'Execution Time': number; 'Planning Time': number },
  ];
  const scans: string[] = [];
  let seqScan = false;
  let rowsRemoved = 0;
  let sort: string | undefined;
  let estimatedRows: number | undefined;
  walk(root.Plan, (node) => {
    const type = node['Node Type'];
    const index = node['Index Name'];
    const relation = node['Relation Name'];
    if (node['Sort Method']) sort = `${type}: ${node['Sort Method']}`;
    rowsRemoved = Math.max(
      rowsRemoved,
      (node['Rows Removed by Filter'] ?? 0) * (node['Actual Loops'] ?? 1),
      (node['Rows Removed by Index Recheck'] ?? 0) * (node['Actual Loops'] ?? 1),
    );
    if (relation === 'customer' && estimatedRows === undefined) estimatedRows = node['Plan Rows'];
    if (index?.startsWith('customer_') || relation === 'customer') {
      if (type.includes('Seq Scan')) seqScan = true;
      if (type === 'Bitmap Heap Scan') return;
      const direction = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
      scans.push(`${type}${direction} ${index ?? relation}`);
    }
  });
  return {
    scans,
    seqScan,
    executionMs: root['Execution Time'],
    planningMs: root['Planning Time'],
    sharedHit: root.Plan['Shared Hit Blocks'] ?? 0,
    sharedRead: root.Plan['Shared Read Blocks'] ?? 0,
    rowsRemoved,
    estimatedRows,
    sort,
    text: text.rows.map((row) => String(row['QUERY PLAN'])).join('\n'),
  };
}
