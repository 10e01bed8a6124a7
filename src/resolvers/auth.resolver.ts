import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../server/context';
import { AuthPayload } from '../schema/viewer.type';

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description: 'Staff login with email and password; returns a short-lived bearer token.',
  })
  login(@Arg('email') email: string, @Arg('password') password: string, @Ctx() context: AppContext) {
    return context.services.auth.login(email, password);
  }
}
