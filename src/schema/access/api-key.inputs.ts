import { ArrayMaxSize, Length } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'Name of the integration, e.g. "收银系统 POS".' })
  @Length(1, 100)
  name!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'customers:read, customers:write, ledger:write (stored value, points, punch cards, checkout). Default: customers:read and customers:write.',
  })
  @ArrayMaxSize(10)
  scopes?: string[];

  @Field({ nullable: true })
  expiresAt?: Date;

  @Field(() => Int, {
    nullable: true,
    description:
      "Query cost points this key may spend per minute (every response says what is left in RateLimit-* headers). Default: the server's API_KEY_RATE_LIMIT_PER_MINUTE.",
  })
  rateLimitPerMinute?: number;
}
