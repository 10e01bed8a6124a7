import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ServiceItemType } from '../catalogue/catalogue.type';
import { Connection } from '../connection.type';
import { CustomerType } from '../customers/customer.type';
import { VisitEffect } from '../enums.type';
import { Money } from '../money.type';
import { StoreType } from '../organization/organization.type';
import { StaffMemberType } from '../staff/staff.type';

@ObjectType('VisitProductUse', { description: '耗材: a product used in a service line.' })
export class VisitProductUseType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  productId!: string;

  @Field({ description: 'Product name, e.g. 薰衣草精油.' })
  productName!: string;

  @Field({ description: 'Unit of the quantity, e.g. ml, 片.' })
  unit!: string;

  @Field(() => Int)
  quantity!: number;
}

@ObjectType('VisitLine', { description: 'One service given in a visit.' })
export class VisitLineType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  position!: number;

  @Field(() => ServiceItemType)
  service!: ServiceItemType;

  @Field(() => StaffMemberType, {
    nullable: true,
    description: '技师 who gave the service (hidden from integrations: staff data).',
  })
  therapist?: StaffMemberType;

  @Field(() => Int)
  durationMinutes!: number;

  @Field(() => String, { nullable: true, description: '护理部位, e.g. 肩颈.' })
  bodyArea?: string;

  @Field(() => Money, { nullable: true, description: 'List price when the service was given.' })
  listPrice?: Money;

  @Field(() => [VisitProductUseType])
  products!: VisitProductUseType[];
}

@ObjectType('Visit', { description: '服务记录: what was done for a customer on one visit, and how it went.' })
export class VisitType {
  @Field(() => ID)
  id!: string;

  @Field()
  visitedAt!: Date;

  @Field(() => StoreType)
  store!: StoreType;

  @Field(() => CustomerType, { nullable: true })
  customer?: CustomerType;

  @Field(() => ID, {
    nullable: true,
    description: 'The appointment it was recorded from; null for a walk-in.',
  })
  appointmentId?: string;

  @Field(() => [VisitLineType])
  lines!: VisitLineType[];

  @Field(() => VisitEffect, { nullable: true, description: '效果: 症状缓解 / 舒适 / 无明显变化 / 不适.' })
  effect?: VisitEffect;

  @Field(() => Int, { nullable: true, description: '满意度 1–5.' })
  satisfaction?: number;

  @Field(() => String, { nullable: true, description: "The customer's feedback in their words." })
  feedback?: string;

  @Field(() => String, { nullable: true, description: '客户建议' })
  suggestions?: string;

  @Field(() => String, { nullable: true, description: '下次服务意向' })
  nextVisitIntent?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Planned date of the next visit.' })
  nextVisitOn?: string;

  @Field(() => String, {
    nullable: true,
    description: '身体状况备注: health-sensitive, readable like the health profile; every read is audited.',
  })
  conditionNotes?: string;

  @Field(() => StaffMemberType, { nullable: true })
  recordedBy?: StaffMemberType;

  @Field(() => Int)
  version!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class VisitConnection extends Connection('Visit', VisitType) {}
