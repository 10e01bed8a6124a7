import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { AuthPayload } from '../../schema/access/viewer.type';

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Staff login with email and password; returns a short-lived bearer token. Repeated failures of an account from one address, or many from one address, answer RATE_LIMITED with retryAfterSeconds.',
  })
  login(@Arg('email') email: string, @Arg('password') password: string, @Ctx() context: AppContext) {
    return context.services.auth.login(email, password, {
      address: context.clientAddress,
      throttle: context.rateLimits.login,
      requestId: context.requestId,
      correlationId: context.correlationId,
    });
  }
}
