import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../enums.type';

@ObjectType({ description: 'A field the viewer may read, and under which condition.' })
export class FieldAccess {
  @Field({ description: 'GraphQL type name, e.g. HealthProfile.' })
  typeName!: string;

  @Field()
  fieldName!: string;

  @Field({
    description:
      'ALWAYS; ASSIGNED_CUSTOMERS (only customers assigned to the viewer); SERVED_CUSTOMERS (customers the viewer serves); GRANTED (customers the viewer holds an access grant on, 档案查阅审批), also ASSIGNED_OR_GRANTED and SERVED_OR_GRANTED.',
  })
  condition!: string;
}

@ObjectType('Viewer', { description: 'Who is asking: a staff user or an integration.' })
export class ViewerType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'USER or API_KEY.' })
  kind!: string;

  @Field(() => Role)
  role!: Role;

  @Field()
  displayName!: string;

  @Field(() => [FieldAccess], {
    description:
      'Every field this role may read, so a frontend can hide sections it would only get FORBIDDEN for.',
  })
  readableFields!: FieldAccess[];
}

@ObjectType({ description: 'Result of a successful login.' })
export class AuthPayload {
  @Field({ description: 'Bearer token; send as "Authorization: Bearer <token>".' })
  token!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => Role)
  role!: Role;
}
