import { ArrayMaxSize, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';

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
}
