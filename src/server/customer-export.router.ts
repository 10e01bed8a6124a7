import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import { DomainError } from '../core/errors';
import { customerRecordWorkbook } from '../services/customers/customer-export-xlsx';
import type { ExportFormat } from '../services/customers/customer-export.service';
import type { AppContext } from './context';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, serviceUnavailable } from './unavailable';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
};

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `GET /exports/customers/:id.json` and `.xlsx`: a customer's complete record for the OWNER (PIPL
 * art. 45), mounted at /exports/customers. The same credentials and context as /graphql; errors are GraphQL-shaped
 * (`{ errors: [{ message, extensions: { code } }] }`) with the matching HTTP status. Never cached.
 */
export function customerExportRouter(contextOf: (request: Request) => Promise<AppContext>): Router {
  const router = express.Router();
  router.get('/:file', async (request, response) => {
    const match = /^(.+)\.(json|xlsx)$/.exec(request.params.file);
    if (!match) return refuse(response, 404, 'NOT_FOUND', 'Export a customer as <id>.json or <id>.xlsx.');
    const [, customerId, format] = match as unknown as [string, string, ExportFormat];
    response.setHeader('cache-control', 'no-store');
    try {
      const context = await contextOf(request);
      if (!context.viewer)
        return refuse(
          response,
          401,
          'UNAUTHENTICATED',
          'Authentication required: send "Authorization: Bearer <token>".',
        );
      const record = await context.services.customerExport.export(customerId, format);
      const code = (record.profile as { code?: string }).code ?? customerId;
      response.setHeader('content-disposition', `attachment; filename="customer-${code}.${format}"`);
      if (format === 'json') return void response.json(record);
      response.type(XLSX_TYPE).send(await customerRecordWorkbook(record));
    } catch (error) {
      failed(request, response, error);
    }
  });
  return router;
}

function refuse(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ errors: [{ message, extensions: { code } }] });
}

function failed(request: Request, response: Response, error: unknown): void {
  if (error instanceof DomainError)
    return refuse(response, STATUS[error.code] ?? 400, error.code, error.message);
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
    const code = error.extensions.code;
    const status = code === 'SERVICE_UNAVAILABLE' ? 503 : (STATUS[code] ?? 400);
    if (status === 503) response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    return refuse(response, status, code, error.message);
  }
  if (isDatabaseUnavailable(error)) {
    const unavailable = serviceUnavailable();
    response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    return refuse(response, 503, 'SERVICE_UNAVAILABLE', unavailable.message);
  }
  request.log.error({ err: error }, 'customer export failed');
  refuse(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
}
