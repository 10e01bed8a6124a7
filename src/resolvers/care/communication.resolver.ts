import { Customer, Store, User, type Communication } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import {
  FollowUpFilter,
  RecordCommunicationInput,
  UpdateCommunicationInput,
} from '../../schema/care/care.inputs';
import { CommunicationConnection, CommunicationType } from '../../schema/care/care.type';
import { CustomerType } from '../../schema/customers/customer.type';

@Resolver(() => CommunicationType)
export class CommunicationResolver {
  @Query(() => CommunicationConnection, {
    description: 'The caller’s follow-ups (跟进事项) by due date; OPEN unless filtered.',
  })
  myFollowUps(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => FollowUpFilter, { nullable: true }) filter?: FollowUpFilter,
  ) {
    return context.services.communications.mine({ first, after, filter });
  }

  @Query(() => CommunicationConnection, {
    description: 'Follow-ups of the organization or of one staff member (filter.ownerId) by due date.',
  })
  followUps(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => FollowUpFilter, { nullable: true }) filter?: FollowUpFilter,
  ) {
    return context.services.communications.followUps({ first, after, filter });
  }

  @Mutation(() => CommunicationType, {
    description: 'Log a contact (沟通记录), with follow-up items if any.',
  })
  recordCommunication(@Arg('input') input: RecordCommunicationInput, @Ctx() context: AppContext) {
    return context.services.communications.record(input);
  }

  @Mutation(() => CommunicationType, { description: 'Close, reassign or reschedule a follow-up.' })
  updateCommunication(@Arg('input') input: UpdateCommunicationInput, @Ctx() context: AppContext) {
    return context.services.communications.update(input);
  }

  @FieldResolver()
  customer(@Root() entry: RowOf<Communication>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, entry.customer);
  }

  @FieldResolver()
  store(@Root() entry: RowOf<Communication>, @Ctx() context: AppContext) {
    return rowOf(context, Store, entry.store);
  }

  @FieldResolver()
  owner(@Root() entry: RowOf<Communication>, @Ctx() context: AppContext) {
    return rowOf(context, User, entry.owner);
  }

  @FieldResolver()
  recordedBy(@Root() entry: RowOf<Communication>, @Ctx() context: AppContext) {
    return rowOf(context, User, entry.recordedBy);
  }

  @FieldResolver(() => ID, { nullable: true })
  careTaskId(@Root() entry: RowOf<Communication>) {
    return entry.careTask?.id ?? null;
  }
}

@Resolver(() => CustomerType)
export class CustomerCommunicationsResolver {
  @FieldResolver(() => CommunicationConnection, {
    nullable: true,
    description: '沟通记录 of the customer, latest first.',
  })
  communications(
    @Root() customer: RowOf<Customer>,
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.loaders.customerCommunications.pages.load({ parentId: customer.id, first, after });
  }
}
