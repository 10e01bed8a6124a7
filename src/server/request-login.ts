import { createHmac } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The login the request pool connects as: a role that is nothing by itself (NOSUPERUSER, NOINHERIT,
 * no privileges of its own) and may only SET ROLE to the runtime role. Connecting as the tables'
 * owner and `SET ROLE`-ing, a session that could send its own SQL (an injection) could `RESET ROLE`
 * and be the owner again (in the embedded PostgreSQL the superuser), past row-level security and the
 * append-only guards (found by a review); `RESET ROLE` now leaves it with nothing. It may not become
 * the jobs role either (every organization's rows): that is the jobs login's (issue 17).
 */
export const REQUEST_LOGIN = 'wellness_app';

/**
 * The login of the jobs pool (jobs, seeding, key adoption at boot, command-line tools): nothing by
 * itself like the request login, and may SET ROLE to the jobs role (every organization's rows) and
 * the runtime role (a job's per-organization units). No request ever runs on its pool.
 */
export const JOBS_LOGIN = 'wellness_worker';

/**
 * Creates `login` when it is missing (its password derived from the owner's, so every process of
 * the cluster computes the same one and nothing is stored), grants it `roles`, takes back `revoked`
 * where an earlier version granted them, and answers a pool URL with it. Undefined where the owner
 * may not create roles or has no password in its URL: the pool then connects as the owner, as
 * before (the caller logs it).
 */
export async function ensureLogin(
  owner: EntityManager,
  ownerUrl: string,
  login: string,
  roles: string[],
  revoked: string[] = [],
): Promise<string | undefined> {
  const url = new URL(ownerUrl);
  // As libpq would: a URL without its password takes PGPASSWORD (a .pgpass file or a token cannot
  // be derived from; the caller then decides).
  const ownerPassword = url.password ? decodeURIComponent(url.password) : process.env.PGPASSWORD;
  if (!ownerPassword) return undefined;
  const password = createHmac('sha256', ownerPassword).update(`${login} login`).digest('hex');
  const connection = owner.getConnection();
  try {
    // Roles are the cluster's, shared by its databases (a test run's many): created once, never
    // altered, so that processes starting at once do not update the same catalog rows. A grant or
    // revoke another process made first is no error: only a state still wrong afterwards is.
    await connection.execute(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${login}') then
          begin
            create role ${login} login nosuperuser noinherit nocreatedb nocreaterole password '${password}';
          exception when duplicate_object or unique_violation then null;
          end;
        end if;
      end $$;`);
    for (const role of roles)
      await connection.execute(`
        do $$
        begin
          if not pg_has_role('${login}', '${role}', 'set') then
            begin
              grant ${role} to ${login};
            exception when others then
              if not pg_has_role('${login}', '${role}', 'set') then raise; end if;
            end;
          end if;
        end $$;`);
    // Clusters of an earlier version granted the request login the jobs role (issue 17).
    for (const role of revoked)
      await connection.execute(`
        do $$
        begin
          if exists (select 1 from pg_roles where rolname = '${role}')
            and exists (
              select 1 from pg_auth_members
              where member = '${login}'::regrole and roleid = '${role}'::regrole
            ) then
            begin
              revoke ${role} from ${login};
            exception when others then
              if exists (
                select 1 from pg_auth_members
                where member = '${login}'::regrole and roleid = '${role}'::regrole
              ) then raise; end if;
            end;
          end if;
        end $$;`);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return undefined;
    throw error;
  }
  url.username = login;
  url.password = password;
  return url.toString();
}
