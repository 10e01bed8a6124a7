/**
 * Prints a bearer token for the seeded demo user of a role:  npm run token -- --role THERAPIST
 * Refused in production: demo users exist only to explore the API.
 */
import 'reflect-metadata';
import { User } from '../entities';
import { Role } from '../entities/access/access.enums';
import { StaffRole } from '../entities/staff/staff.enums';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/database';
import { asMaintenance } from '../services/tenancy';
import { createLogger } from '../server/logger';
import { jwtSecret } from '../server/secrets';
import { DEMO_STAFF } from '../seeders/demo-data';
import { TokenService } from '../services/access/token.service';

async function main() {
  const config = loadConfig();
  if (config.nodeEnv === 'production') {
    console.error('npm run token is refused in production: log in with login(email, password) instead.');
    process.exit(2);
  }
  const roleIndex = process.argv.indexOf('--role');
  const role = (roleIndex > 0 ? process.argv[roleIndex + 1] : 'MANAGER')?.toUpperCase();
  const demo = DEMO_STAFF.find((member) => member.role === role);
  if (!demo || !(role in StaffRole)) {
    console.error(`Unknown role "${role}". Use one of: ${Object.values(StaffRole).join(', ')}`);
    process.exit(2);
  }
  const database = await openDatabase(config, createLogger('silent'), { attach: true, purpose: 'tool' });
  try {
    // A tool: finds the demo user in whichever organization holds it, as the jobs role.
    const user = await asMaintenance(() =>
      database.jobsOrm.em.fork().findOne(User, { email: demo.email }, { filters: false }),
    );
    if (!user) {
      console.error(
        `Demo user ${demo.email} not found: start the service once (npm start) or run npm run seed.`,
      );
      process.exit(1);
    }
    const tokens = new TokenService(await jwtSecret(config), config.jwtTtlSeconds);
    const { token, expiresAt } = await tokens.issue({
      userId: user.id,
      organizationId: user.organization.id,
      role: role as Role,
    });
    console.error(`# ${role} ${demo.displayName} <${demo.email}>, valid until ${expiresAt.toISOString()}`);
    console.log(token);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : `npm run token failed: ${String(error)}`);
  process.exit(1);
});
