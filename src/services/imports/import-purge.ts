import type { EntityManager } from '@mikro-orm/postgresql';

/** How long an uploaded file that never had its real run keeps its bytes (IMPORT_FILE_RETENTION_DAYS). */
export const DEFAULT_IMPORT_FILE_RETENTION_DAYS = 30;

/**
 * A file is kept only for its real run, and an archive of customers is personal data: one uploaded,
 * or dry-run, and then left (UPLOADED, DRY_RUN_DONE, CONFLICT, FAILED) for `days` since its last
 * upload or run loses its bytes and ends FAILED, saying so. Its row report and hash stay (the
 * importer sees what happened). QUEUED and RUNNING are left to finish, IMPORTED kept no bytes.
 * All organizations, one statement; returns how many imports lost their file.
 */
export async function purgeStaleImportFiles(em: EntityManager, days: number): Promise<number> {
  const [row] = await em.getConnection().execute<{ purged: string }[]>(
    `with stale as (
       update customer_import i
          set status = 'FAILED',
              error = 'The file was deleted ' || ? || ' days after its last run without a real run: upload it again.',
              -- No dry run stands for a file that is gone: a real run asks for a new upload.
              dry_run_options_hash = null,
              updated_at = now()
        where i.status in ('UPLOADED', 'DRY_RUN_DONE', 'CONFLICT', 'FAILED')
          and i.updated_at < now() - make_interval(days => ?)
          and exists (select 1 from customer_import_chunk c where c.customer_import_id = i.id)
       returning i.id, i.organization_id),
     purged as (
       delete from customer_import_chunk c using stale
        where c.customer_import_id = stale.id and c.organization_id = stale.organization_id)
     select count(*) as purged from stale`,
    [String(days), days],
    'all',
  );
  return Number(row.purged);
}
