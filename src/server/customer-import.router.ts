import { AsyncResource } from 'node:async_hooks';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import { BadInputError, DomainError, UnauthenticatedError } from '../core/errors';
import type { ImportUpload } from '../services/imports/customer-import.service';
import type { AppContext } from './context';

/** Upload limit of one customer file: about 100,000 rows of a typical salon archive as CSV or XLSX. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/**
 * `POST /imports/customers`: a multipart form with one `file` part (.csv or .xlsx), authenticated
 * like /graphql (Bearer token; OWNER and MANAGER, CustomerImportService.assertImporter). The file is stored while it streams in and the
 * answer (201) is its import: `importId`, hash, size and the encoding detected for a CSV. Then
 * `startCustomerImport(input: { importId, dryRun: true … })` over GraphQL.
 */
export function customerImportRouter(
  contextOf: (request: Request) => Promise<AppContext>,
  options: { maxBytes?: number } = {},
): Router {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  const router = express.Router();
  router.post('/imports/customers', async (request, response) => {
    try {
      // The one per-request context of /graphql (server/http.ts `requestContext`).
      const context = await contextOf(request);
      if (!context.viewer) throw new UnauthenticatedError();
      // Who may import is the service's rule, asked before a byte of the form is read.
      context.services.customerImports.assertImporter();
      if (!request.is('multipart/form-data'))
        throw new BadInputError(
          'file',
          'file',
          'Send the file as multipart/form-data in a part named "file".',
        );
      const customerImport = await receive(request, maxBytes, (upload) =>
        context.services.customerImports.upload(upload),
      );
      response.status(201).json({
        importId: customerImport.id,
        fileName: customerImport.fileName,
        format: customerImport.format,
        sizeBytes: customerImport.sizeBytes,
        sha256: customerImport.sha256,
        detectedEncoding: customerImport.detectedEncoding ?? null,
        status: customerImport.status,
      });
    } catch (error) {
      answerError(request, response, error, maxBytes);
    }
  });
  return router;
}

/** Streams the one `file` part into `store`; other parts are drained and ignored. */
function receive<T>(
  request: Request,
  maxBytes: number,
  store: (upload: ImportUpload) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 20 },
      });
    } catch {
      reject(new BadInputError('file', 'file', 'The multipart form could not be read (boundary missing).'));
      return;
    }
    let stored: Promise<T> | undefined;
    // busboy emits from the socket's data events, outside the request's async context when the body
    // comes after the handler began (a slow client, `Expect: 100-continue`): bound to it, `store` runs
    // in the request's tenancy scope (row-level security), not in none.
    parser.on(
      'file',
      AsyncResource.bind((name: string, file: Readable, info: busboy.FileInfo) => {
        if (name !== 'file' || stored) {
          file.resume();
          return;
        }
        stored = store({
          fileName: info.filename ?? 'upload',
          mimeType: info.mimeType,
          content: guarded(file, maxBytes),
        });
        // A refusal before the bytes are read (wrong format) must not leave the form half read.
        stored.catch(() => file.resume());
      }),
    );
    parser.on('close', () => {
      if (!stored) reject(new BadInputError('file', 'file', 'The form has no part named "file".'));
      else stored.then(resolve, reject);
    });
    parser.on('error', () =>
      reject(new BadInputError('file', 'file', 'The multipart form is malformed or was cut off.')),
    );
    request.pipe(parser);
  });
}

/** The part's bytes; past the limit busboy stops and marks the part truncated: refused, nothing kept. */
async function* guarded(file: Readable & { truncated?: boolean }, maxBytes: number): AsyncGenerator<Buffer> {
  for await (const chunk of file) yield chunk as Buffer;
  if (file.truncated)
    throw new BadInputError('file', 'maxSize', `The file is larger than ${maxBytes} bytes: split it.`);
}

function answerError(request: Request, response: Response, error: unknown, maxBytes: number): void {
  if (error instanceof DomainError && STATUS[error.code]) {
    const tooLarge = error.details.rule === 'maxSize';
    // The XLSX limit (lower than the upload's) names its own maxBytes in the details.
    const extensions = { code: error.code, ...(tooLarge ? { maxBytes } : {}), ...error.details };
    response
      .status(tooLarge ? 413 : STATUS[error.code])
      .json({ errors: [{ message: error.message, extensions }] });
    return;
  }
  if (error instanceof GraphQLError) {
    // createContext refuses a bad credential as GraphQL would (UNAUTHENTICATED, or 503 when the database is down).
    const code = String(error.extensions.code ?? 'INTERNAL_SERVER_ERROR');
    const status = code === 'UNAUTHENTICATED' ? 401 : code === 'SERVICE_UNAVAILABLE' ? 503 : 500;
    response.status(status).json({ errors: [{ message: error.message, extensions: error.extensions }] });
    return;
  }
  request.log.error({ err: error }, 'customer import upload failed');
  response
    .status(500)
    .json({ errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}
