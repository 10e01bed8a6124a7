import { Role } from '../../src/entities/access/access.enums';
import { TokenService } from '../../src/services/access/token.service';

/**
 * TokenService keeps the tokens it verified (services/access/token.service.ts): a kept token still
 * ends at its expiry, and only a token that passed the signature check is ever kept.
 */
const claims = { userId: 'u-1', organizationId: 'o-1', role: Role.MANAGER };

afterEach(() => jest.useRealTimers());

test('a verified token is refused once it expires, though it was verified before', async () => {
  jest.useFakeTimers({ now: new Date('2026-12-02T08:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
  const tokens = new TokenService('a-secret-of-at-least-32-characters!!', 60);
  const { token } = await tokens.issue(claims);
  expect(await tokens.verify(token)).toEqual(claims);
  jest.setSystemTime(new Date('2026-12-02T08:00:59Z'));
  expect(await tokens.verify(token)).toEqual(claims);
  jest.setSystemTime(new Date('2026-12-02T08:01:00Z'));
  expect(await tokens.verify(token)).toBeNull();
});

test('a token altered after a genuine one was verified is refused; another secret refuses both', async () => {
  const tokens = new TokenService('a-secret-of-at-least-32-characters!!', 600);
  const { token } = await tokens.issue(claims);
  expect(await tokens.verify(token)).toEqual(claims);
  const [header, payload, signature] = token.split('.');
  const forgedPayload = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: Role.OWNER }),
  ).toString('base64url');
  expect(await tokens.verify(`${header}.${forgedPayload}.${signature}`)).toBeNull();
  expect(await tokens.verify(`${token}x`)).toBeNull();
  const other = new TokenService('another-secret-of-32-characters-or-more', 600);
  expect(await other.verify(token)).toBeNull();
});
