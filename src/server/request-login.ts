import { createHmac } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The login the pool connects as: a role that is nothing by itself (NOSUPERUSER, NOINHERIT, no
 * privileges of its own) and may only SET ROLE to the runtime and jobs roles. Connecting as the
 * tables' owner and `SET ROLE`-ing, a session that could send its own SQL (an injection) could
 * `RESET ROLE` and be the owner again (in the embedded PostgreSQL the superuser), past row-level
 * security and the append-only guards (found by a review); `RESET ROLE` now leaves it with nothing.
 */
export const REQUEST_LOGIN = 'wellness_app';

/**
 * Creates the login when it is missing (its password derived from the owner's, so every process of
 * the cluster computes the same one and nothing is stored) and answers the pool's URL with it.
 * Undefined where the owner may not create roles or has no password in its URL: the pool then
 * connects as the owner, as before (the caller logs it).
 */
export async function ensureRequestLogin(
  owner: EntityManager,
  ownerUrl: string,
  roles: string[],
): Promise<string | undefined> {
  const url = new URL(ownerUrl);
  if (!url.password) return undefined;
  const password = createHmac('sha256', decodeURIComponent(url.password))
    .update(`${REQUEST_LOGIN} login`)
    .digest('hex');
  const connection = owner.getConnection();
  try {
    // Roles are the cluster's, shared by its databases (a test run's many): created once, never
    // altered, so that processes starting at once do not update the same catalog rows.
    await connection.execute(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${REQUEST_LOGIN}') then
          begin
            create role ${REQUEST_LOGIN} login nosuperuser noinherit nocreatedb nocreaterole password '${password}';
          exception when duplicate_object or unique_violation then null;
          end;
        end if;
      end $$;`);
    for (const role of roles)
      await connection.execute(`
        do $$
        begin
          if not pg_has_role('${REQUEST_LOGIN}', '${role}', 'set') then
            begin
              grant ${role} to ${REQUEST_LOGIN};
            exception when others then
              if not pg_has_role('${REQUEST_LOGIN}', '${role}', 'set') then raise; end if;
            end;
          end if;
        end $$;`);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return undefined;
    throw error;
  }
  url.username = REQUEST_LOGIN;
  url.password = password;
  return url.toString();
}
