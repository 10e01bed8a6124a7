import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, MARKETING } = Role;

/** 客户分群 and rule-based tags: the owner, managers and marketing. Members are Customer objects,
 *  so every field of a member is still governed by the Customer policies (no health for marketing). */
const segmentUsers = grant.roles(OWNER, MANAGER, MARKETING);
const segmentWriters = grant.writers(OWNER, MANAGER, MARKETING);

export const segmentPolicy: PolicyMap = {
  Query: { segments: segmentUsers, segment: segmentUsers, segmentPreview: segmentUsers },
  Mutation: fieldsOf(
    [
      'createSegment',
      'updateSegment',
      'deleteSegment',
      'createRuleTag',
      'updateRuleTag',
      'recomputeRuleTags',
    ],
    segmentWriters,
  ),
  Segment: fieldsOf(['id', 'name', 'description', 'rule', 'version', 'members'], segmentUsers),
  SegmentRule: fieldsOf(
    [
      'tierIds',
      'tagIdsAny',
      'lastVisitBefore',
      'lastVisitAfter',
      'lastVisitWithinDays',
      'noVisitForDays',
      'createdWithinDays',
      'minVisits',
      'maxVisits',
      'minLifetimeSpend',
      'maxLifetimeSpend',
      'minAge',
      'maxAge',
      'genders',
      'storeIds',
      'consentChannelsAny',
      'wellnessGoalsAny',
      'constitutions',
      'currentComplaintsAny',
      'rfmSegments',
    ],
    segmentUsers,
  ),
};
