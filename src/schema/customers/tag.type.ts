import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Tag', { description: '标签, e.g. 敏感肌, 高端客户.' })
export class TagType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ nullable: true, description: 'Display colour as #RRGGBB.' })
  color?: string;

  @Field(() => Boolean, { nullable: true, description: 'Rule-based: recomputed hourly, not set by hand.' })
  ruleBased?: boolean;
}
