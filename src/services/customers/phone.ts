import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { BadInputError } from '../../core/errors';

/**
 * Normalizes a phone number to E.164. Numbers without a country code are read as Chinese; Chinese
 * numbers must be valid mobiles (the archive is about reaching the customer), others any valid number.
 */
export function normalizePhone(raw: string, field = 'phone'): string {
  const compact = raw.replace(/[\s()-]/g, '');
  const parsed = parsePhoneNumberFromString(compact, 'CN');
  if (!parsed || !parsed.isValid()) {
    throw new BadInputError(
      field,
      'phone',
      `${field} is not a valid phone number: use a Chinese mobile like 13800138000 or E.164 like +8613800138000.`,
    );
  }
  if (
    parsed.country === 'CN' &&
    parsed.getType() !== 'MOBILE' &&
    parsed.getType() !== 'FIXED_LINE_OR_MOBILE'
  ) {
    throw new BadInputError(
      field,
      'mobile',
      `${field} must be a Chinese mobile number (11 digits starting with 1).`,
    );
  }
  return parsed.number;
}
