import type { ApolloServer } from '@apollo/server';
import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import { BadInputError, NotFoundError, UnauthenticatedError } from '../core/errors';
import type { AppContext } from './context';
import { writeCsv } from './report-export.csv';
import { contentDisposition, tablesOf, variablesOf, type ExportFormat } from './report-export.request';
import { REPORT_EXPORTS } from './report-export.registry';
import { ExportRefusal, runExportOperation, type Answer } from './report-export.run';
import type { ExportTable, OutputTable } from './report-export.types';
import { writeXlsx } from './report-export.xlsx';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface ReportExportDependencies {
  apollo: ApolloServer<AppContext>;
  /** The per-request context exactly as /graphql builds it (credentials, em fork, audit, limits). */
  context(request: Request): Promise<AppContext>;
}

function refuse(response: Response, refusal: ExportRefusal): void {
  for (const [name, value] of refusal.headers) response.setHeader(name, value);
  response.status(refusal.status).json({ errors: refusal.errors });
}

/**
 * GET /exports/reports/<report>.csv|.xlsx?<the report's arguments>: a report as a file. Each report is a
 * fixed GraphQL document (report-export.registry.ts) run through the same Apollo server with the
 * request's context, so who may export what, validation, scoping, audit and rate limit are GraphQL's.
 * The first answer is complete before a byte is written: any error is the JSON errors of GraphQL with
 * its HTTP status and no file. A paged table (RFM's customers) asks for its later pages while the file
 * streams, each page a GraphQL operation of its own (its own context, cost and audit); one refused
 * then (the rate limit running out) aborts the download rather than end a file short.
 */
export function reportExportRouter(dependencies: ReportExportDependencies): Router {
  const router = express.Router();
  router.get('/reports/:file', async (request, response) => {
    const match = /^([A-Za-z]+)\.(csv|xlsx)$/.exec(request.params.file);
    const entry = match ? REPORT_EXPORTS.get(match[1]) : undefined;
    if (!match || !entry) {
      refuse(response, ExportRefusal.of(new NotFoundError('Report export', request.params.file)));
      return;
    }
    const format = match[2] as ExportFormat;
    let answer: Answer<unknown>;
    let tables: ExportTable<unknown>[];
    let variables: Record<string, unknown>;
    try {
      const context = await contextOf(dependencies, request);
      if (!context.viewer) throw ExportRefusal.of(new UnauthenticatedError());
      const asked = variablesOf(entry, request.query);
      variables = asked.variables;
      tables = tablesOf(entry, format, asked.table);
      answer = await runExportOperation(
        dependencies.apollo,
        context,
        entry.document,
        variables,
        refusableFields(tables),
      );
    } catch (error) {
      if (error instanceof BadInputError) refuse(response, ExportRefusal.of(error));
      else if (error instanceof ExportRefusal) refuse(response, error);
      else throw error;
      return;
    }

    const outputs: OutputTable[] = tables.map((table) => ({
      title: table.title,
      columns: columnsOf(table, answer),
      rows: rowsOf(dependencies, request, table, answer, variables),
    }));
    for (const [name, value] of answer.headers) response.setHeader(name, value);
    response.setHeader('content-type', CONTENT_TYPES[format]);
    response.setHeader(
      'content-disposition',
      contentDisposition(entry, format, tables, entry.period(answer.data, variables)),
    );
    // Reports are the organization's figures (and RFM names customers): no cache keeps a copy.
    response.setHeader('cache-control', 'no-store');
    response.setHeader('x-content-type-options', 'nosniff');
    try {
      if (format === 'csv') await writeCsv(response, outputs[0]);
      else await writeXlsx(response, outputs);
    } catch (error) {
      request.log.warn(
        {
          report: entry.name,
          format,
          reason: error instanceof ExportRefusal ? error.errors[0]?.extensions?.code : undefined,
          err: error instanceof ExportRefusal ? undefined : error,
        },
        'report export aborted after it started',
      );
      response.destroy();
    }
  });
  return router;
}

async function contextOf(dependencies: ReportExportDependencies, request: Request): Promise<AppContext> {
  try {
    return await dependencies.context(request);
  } catch (error) {
    if (error instanceof GraphQLError) throw ExportRefusal.fromContext(error);
    throw error;
  }
}

function refusableFields(tables: ExportTable<unknown>[]): Set<string> {
  return new Set(
    tables.flatMap((table) => staticColumns(table).flatMap((column) => column.refusableField ?? [])),
  );
}

function staticColumns(table: ExportTable<unknown>) {
  return Array.isArray(table.columns) ? table.columns : [];
}

/** The table's columns for this answer, less those whose field the policies refused this viewer. */
function columnsOf(table: ExportTable<unknown>, answer: Answer<unknown>) {
  const columns = typeof table.columns === 'function' ? table.columns(answer.data) : table.columns;
  return columns.filter((column) => !column.refusableField || !answer.refused.has(column.refusableField));
}

/** The first answer's rows, then (for a paged table) each later page's, asked for as the file is written. */
async function* rowsOf(
  dependencies: ReportExportDependencies,
  request: Request,
  table: ExportTable<unknown>,
  first: Answer<unknown>,
  variables: Record<string, unknown>,
) {
  yield* table.rows(first.data);
  const paging = table.paging;
  if (!paging) return;
  const pinned = { ...variables, ...paging.pinned?.(first.data) };
  const refusable = refusableFields([table]);
  let pageInfo = paging.pageInfo(first.data);
  while (pageInfo.hasNextPage && pageInfo.endCursor) {
    const context = await contextOf(dependencies, request);
    const page = await runExportOperation(
      dependencies.apollo,
      context,
      paging.document,
      {
        ...pinned,
        after: pageInfo.endCursor,
      },
      refusable,
    );
    yield* table.rows(page.data);
    pageInfo = paging.pageInfo(page.data);
  }
}
