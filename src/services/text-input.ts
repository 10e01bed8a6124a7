import { BadInputError } from '../core/errors';

/** Free text that must be given: trimmed, 1 to `maximum` characters, else BAD_USER_INPUT on `field`. */
export function requiredText(field: string, value: string, maximum: number): string {
  const trimmed = value.trim();
  if (!trimmed || [...trimmed].length > maximum)
    throw new BadInputError(field, 'length', `${field} must be 1–${maximum} characters.`);
  return trimmed;
}

/** Optional free text: trimmed; absent or blank is undefined; longer than `maximum` is BAD_USER_INPUT. */
export function optionalText(
  field: string,
  value: string | null | undefined,
  maximum: number,
): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if ([...trimmed].length > maximum)
    throw new BadInputError(field, 'length', `${field} must be at most ${maximum} characters.`);
  return trimmed;
}
