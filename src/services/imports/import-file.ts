import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureOrganizationKeys } from '../../core/crypto/data-keys';
import { keyRing } from '../../core/crypto/key-ring';
import { ImportFormat, type ImportEncoding } from '../../entities/imports/imports.enums';
import { EncodingSniffer, withinXlsxLimit } from './import-source';

/** Pieces of the stored file: small enough to hold one at a time, large enough to be few rows. */
const CHUNK_BYTES = 256 * 1024;

/** What was stored of an upload. */
export interface StoredFile {
  sizeBytes: number;
  sha256: string;
  chunks: number;
  detectedEncoding?: ImportEncoding;
}

/**
 * Writes an upload into `customer_import_chunk` as it arrives (in the caller's transaction), hashing
 * it and deciding a CSV's encoding on the way. Each piece is sealed with the organization's data key:
 * the file holds health columns (allergies, history), kept until the import runs or is purged.
 */
export async function storeFile(
  em: EntityManager,
  organizationId: string,
  importId: string,
  format: ImportFormat,
  input: AsyncIterable<Buffer>,
): Promise<StoredFile> {
  const hash = createHash('sha256');
  const sniffer = new EncodingSniffer();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let sizeBytes = 0;
  let seq = 0;
  await ensureOrganizationKeys(em, organizationId);
  const flush = async () => {
    if (pendingBytes === 0) return;
    await bound(
      em,
      'insert into customer_import_chunk (id, organization_id, customer_import_id, seq, data) values (gen_random_uuid(), ?, ?, ?, ?)',
      [organizationId, importId, seq++, keyRing.sealBytes(organizationId, Buffer.concat(pending))],
    );
    pending = [];
    pendingBytes = 0;
  };
  // An XLSX is read whole in memory (import-source.ts): it has a lower limit than the upload's.
  for await (const chunk of format === ImportFormat.XLSX ? withinXlsxLimit(input) : input) {
    hash.update(chunk);
    if (format === ImportFormat.CSV) sniffer.push(chunk);
    sizeBytes += chunk.length;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return {
    sizeBytes,
    sha256: hash.digest('hex'),
    chunks: seq,
    detectedEncoding: format === ImportFormat.CSV ? sniffer.result() : undefined,
  };
}

/**
 * The stored file as a stream, one piece read at a time and opened. A piece stored before the
 * encryption (no sealed header) is read as it is, so an import uploaded before it still runs.
 */
export function fileStream(em: EntityManager, organizationId: string, importId: string): Readable {
  async function* pieces() {
    await ensureOrganizationKeys(em, organizationId);
    for (let seq = 0; ; seq++) {
      const [row] = await bound<{ data: Buffer }>(
        em,
        'select data from customer_import_chunk where organization_id = ? and customer_import_id = ? and seq = ?',
        [organizationId, importId, seq],
      );
      if (!row) return;
      yield keyRing.openBytes(row.data);
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}

/** After the real run the bytes (customers' data, health columns included) are no longer kept. */
export async function deleteFile(em: EntityManager, organizationId: string, importId: string): Promise<void> {
  await em
    .getConnection()
    .execute(
      'delete from customer_import_chunk where organization_id = ? and customer_import_id = ?',
      [organizationId, importId],
      'run',
      em.getTransactionContext(),
    );
}

/**
 * A statement with bound values, in the em's transaction when it has one. `execute` would inline a
 * 256 KiB piece into the statement's text as hex (twice its size, escaped and parsed on every call).
 */
async function bound<R>(em: EntityManager, sql: string, values: unknown[]): Promise<R[]> {
  const query = em
    .getConnection()
    .getKnex()
    .raw(sql, values as never[]);
  const transaction = em.getTransactionContext();
  const result = (await (transaction ? query.transacting(transaction) : query)) as { rows: R[] };
  return result.rows;
}
