import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, HealthProfile } from '../../entities';
import { MergeField, MergeSide } from '../../entities/customers/customer-merge.enums';
import type { MergeConflict } from './customer-merge-fields';

const isEmpty = (value: unknown) => value === null || value === undefined || value === '';

/**
 * Folds the merged customer's health profile (one row per customer) into the survivor's and removes
 * it: lists are united, a value the survivor lacks is taken, and where both differ the survivor's
 * stays unless `choices` say otherwise; conflicts name the field, never its values (health data).
 * Returns the conflicts and whether there was a profile to fold.
 */
export async function mergeHealthProfiles(
  em: EntityManager,
  survivorId: string,
  mergedId: string,
  choices: ReadonlySet<MergeField>,
): Promise<{ conflicts: MergeConflict[]; merged: boolean }> {
  const profiles = await em.find(HealthProfile, { customer: { $in: [survivorId, mergedId] } });
  const theirs = profiles.find((profile) => profile.customer.id === mergedId);
  if (!theirs) return { conflicts: [], merged: false };
  const mine = profiles.find((profile) => profile.customer.id === survivorId);
  if (!mine) {
    // Every customer gets a profile on creation; one made before that rule simply moves.
    theirs.customer = em.getReference(Customer, survivorId, { wrapped: true });
    return { conflicts: [], merged: true };
  }
  const conflicts: MergeConflict[] = [];
  const scalar = <K extends 'constitution' | 'notes'>(field: MergeField, property: K) => {
    if (isEmpty(theirs[property]) || mine[property] === theirs[property]) return;
    if (isEmpty(mine[property])) {
      mine[property] = theirs[property];
      return;
    }
    const kept = choices.has(field) ? MergeSide.MERGED : MergeSide.SURVIVOR;
    conflicts.push({ field, kept });
    if (kept === MergeSide.MERGED) mine[property] = theirs[property];
  };
  scalar(MergeField.CONSTITUTION, 'constitution');
  scalar(MergeField.HEALTH_NOTES, 'notes');
  mine.secondaryConstitutions = union(mine.secondaryConstitutions, theirs.secondaryConstitutions).filter(
    (constitution) => constitution !== mine.constitution,
  );
  mine.currentComplaints = union(mine.currentComplaints, theirs.currentComplaints);
  mine.wellnessGoals = union(mine.wellnessGoals, theirs.wellnessGoals);
  mine.lifestyle = mergeObject('healthProfile.lifestyle', mine.lifestyle, theirs.lifestyle, conflicts);
  const concerns = union(mine.skinProfile.concerns ?? [], theirs.skinProfile.concerns ?? []);
  mine.skinProfile = {
    ...mergeObject('healthProfile.skinProfile', mine.skinProfile, theirs.skinProfile, conflicts, [
      'concerns',
    ]),
    ...(concerns.length ? { concerns } : {}),
  };
  em.remove(theirs);
  return { conflicts, merged: true };
}

function union<T>(mine: readonly T[], theirs: readonly T[]): T[] {
  return [...new Set([...mine, ...theirs])];
}

/** Keys the survivor lacks are taken; differing ones stay the survivor's and are reported by path. */
function mergeObject<T extends object>(
  path: string,
  mine: T,
  theirs: T,
  conflicts: MergeConflict[],
  skip: string[] = [],
): T {
  const result: Record<string, unknown> = { ...(mine as Record<string, unknown>) };
  for (const [key, value] of Object.entries(theirs ?? {})) {
    if (skip.includes(key) || isEmpty(value)) continue;
    if (isEmpty(result[key])) result[key] = value;
    else if (JSON.stringify(result[key]) !== JSON.stringify(value))
      conflicts.push({ field: `${path}.${key}`, kept: MergeSide.SURVIVOR });
  }
  return result as T;
}
