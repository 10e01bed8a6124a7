import { Customer, Store, User, type Complaint } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import {
  ComplaintFilter,
  FileComplaintInput,
  ResolveComplaintInput,
  RespondToComplaintInput,
  UpdateComplaintInput,
} from '../../schema/care/complaint.inputs';
import { ComplaintConnection, ComplaintType } from '../../schema/care/complaint.type';
import { breaches } from '../../services/care/complaint.service';

@Resolver(() => ComplaintType)
export class ComplaintResolver {
  @Query(() => ComplaintConnection, { description: '投诉, newest received first.' })
  complaints(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => ComplaintFilter, { nullable: true }) filter?: ComplaintFilter,
  ) {
    return context.services.complaints.list({ first, after, filter });
  }

  @Query(() => ComplaintType)
  complaint(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.complaints.get(id);
  }

  @Mutation(() => ComplaintType, {
    description: '投诉登记: deadlines start at receivedAt (respond 24 h, resolve 48 h).',
  })
  fileComplaint(@Arg('input') input: FileComplaintInput, @Ctx() context: AppContext) {
    return context.services.complaints.file(input);
  }

  @Mutation(() => ComplaintType, { description: 'Record the 处理方案 told to the customer: the response.' })
  respondToComplaint(@Arg('input') input: RespondToComplaintInput, @Ctx() context: AppContext) {
    return context.services.complaints.respond(input);
  }

  @Mutation(() => ComplaintType, { description: 'Record the 处理结果: resolved.' })
  resolveComplaint(@Arg('input') input: ResolveComplaintInput, @Ctx() context: AppContext) {
    return context.services.complaints.resolve(input);
  }

  @Mutation(() => ComplaintType, { description: 'Reassign, or record satisfaction after the follow-up.' })
  updateComplaint(@Arg('input') input: UpdateComplaintInput, @Ctx() context: AppContext) {
    return context.services.complaints.update(input);
  }

  @FieldResolver()
  customer(@Root() complaint: RowOf<Complaint>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, complaint.customer);
  }

  @FieldResolver()
  store(@Root() complaint: RowOf<Complaint>, @Ctx() context: AppContext) {
    return rowOf(context, Store, complaint.store);
  }

  @FieldResolver()
  therapist(@Root() complaint: RowOf<Complaint>, @Ctx() context: AppContext) {
    return rowOf(context, User, complaint.therapist);
  }

  @FieldResolver()
  owner(@Root() complaint: RowOf<Complaint>, @Ctx() context: AppContext) {
    return rowOf(context, User, complaint.owner);
  }

  @FieldResolver(() => ID, { nullable: true })
  visitId(@Root() complaint: RowOf<Complaint>) {
    return complaint.visit?.id ?? null;
  }

  @FieldResolver()
  responseBreached(@Root() complaint: RowOf<Complaint>): boolean {
    return breaches(complaint).responseBreached;
  }

  @FieldResolver()
  resolutionBreached(@Root() complaint: RowOf<Complaint>): boolean {
    return breaches(complaint).resolutionBreached;
  }
}
