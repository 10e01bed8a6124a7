import { Field, ID, ObjectType } from 'type-graphql';
import { StaffRole } from '../enums.type';

@ObjectType('StaffMember', {
  description: 'A staff member (员工): consultant 顾问, therapist 技师, front desk 前台…',
})
export class StaffMemberType {
  @Field(() => ID)
  id!: string;

  @Field()
  displayName!: string;

  @Field(() => StaffRole)
  role!: StaffRole;

  @Field({ nullable: true })
  email?: string;

  @Field()
  active!: boolean;
}
