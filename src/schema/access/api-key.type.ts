import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('ApiKey', {
  description: 'A credential of a third-party system (POS); the secret is never shown again.',
})
export class ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Public part of the key, to recognise it in lists.' })
  prefix!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field({ nullable: true })
  expiresAt?: Date;

  @Field(() => Int, {
    nullable: true,
    description: "Query cost points per minute; null: the server's default for API keys.",
  })
  rateLimitPerMinute?: number;

  @Field({ nullable: true })
  revokedAt?: Date;

  @Field({ nullable: true })
  lastUsedAt?: Date;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: 'A new API key with its secret, shown only in this response.' })
export class CreatedApiKey {
  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;

  @Field({
    description: 'The full key to configure in the integration. Store it now: it cannot be shown again.',
  })
  secret!: string;
}
