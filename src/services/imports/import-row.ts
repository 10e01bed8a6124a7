import type { ImportColumn } from '../../entities/imports/customer-import.entity';
import type { ImportProblem } from '../../entities/imports/customer-import-row.entity';
import { ImportField } from '../../entities/imports/imports.enums';
import type { CustomerSource, Gender } from '../../entities/customers/customers.enums';
import type { BadInputRule } from '../../core/error-reasons';
import { DomainError } from '../../core/errors';
import { normalizePhone } from '../customers/phone';
import { pinyinKeys } from '../customers/pinyin';
import type { Cell, SourceRow } from './import-source';
import { countOf, dateOf, genderOf, listOf, minorUnitsOf, sourceOf, textOf } from './import-values';

/** A punch-card product an import may open cards of. */
export interface PunchCardProduct {
  id: string;
  name: string;
  validityDays?: number;
  startsOnFirstUse: boolean;
}

/** What a row is checked against: read once per run. */
export interface ImportLookups {
  /** The organization's local date (birthdays may not be after it). */
  today: string;
  /** Active consultants, managers and owners by display name; null: two share the name. */
  consultants: Map<string, string | null>;
  /** Active punch-card products by name and by code. */
  punchCards: Map<string, PunchCardProduct>;
  /** The run's card product for 剩余次数 when the file has no 卡项 column. */
  defaultPunchCard?: PunchCardProduct;
  /** Names of rule-based tags (computed, never set by an import). */
  ruleTags: Set<string>;
}

/** A valid row: the customer it creates and the balances and health records it brings. */
export interface CustomerDraft {
  rowNumber: number;
  name: string;
  namePinyin: string;
  nameInitials: string;
  gender?: Gender;
  phone?: string;
  birthday?: string;
  email?: string;
  address?: string;
  occupation?: string;
  source?: CustomerSource;
  sourceNote?: string;
  consultantId?: string;
  tags: string[];
  externalId?: string;
  notes?: string;
  storedValue: number;
  storedValueBonus: number;
  points: number;
  punches: number;
  punchCard?: PunchCardProduct;
  allergies: string[];
  conditions: string[];
}

export interface CheckedRow {
  rowNumber: number;
  draft?: CustomerDraft;
  problems: ImportProblem[];
}

const LIMITS: Partial<Record<ImportField, number>> = {
  [ImportField.NAME]: 50,
  [ImportField.EMAIL]: 254,
  [ImportField.ADDRESS]: 300,
  [ImportField.OCCUPATION]: 100,
  [ImportField.SOURCE]: 200,
  [ImportField.CARD_NUMBER]: 100,
};

/**
 * Checks one row and builds its draft, the same code for the dry run and the real run: what the dry
 * run reports is what the real run does. Every problem names the column, the field and the rule.
 */
export function checkRow(row: SourceRow, columns: ImportColumn[], lookups: ImportLookups): CheckedRow {
  const problems: ImportProblem[] = [];
  const cells = new Map<ImportField, { header: string; cell: Cell }>();
  for (const column of columns) {
    if (!column.field || column.field === ImportField.IGNORE) continue;
    const cell = row.cells[column.index] ?? '';
    if (cell !== '') cells.set(column.field, { header: column.header, cell });
  }
  const problem = (field: ImportField, broken: { rule: BadInputRule; message: string }) => {
    problems.push({ column: cells.get(field)?.header ?? headerOf(columns, field), field, ...broken });
  };
  const text = (field: ImportField): string | undefined => {
    const value = cells.get(field);
    if (!value) return undefined;
    const plain = textOf(value.cell);
    // PostgreSQL text cannot hold it: found here, the dry run reports it instead of the real run failing.
    if (plain.includes('\u0000')) {
      problem(field, {
        rule: 'NUL_CHARACTER',
        message: 'The cell holds a NUL character (\\u0000), which cannot be stored: remove it.',
      });
      return undefined;
    }
    const limit = LIMITS[field];
    if (limit && [...plain].length > limit) {
      problem(field, { rule: 'length', message: `At most ${limit} characters.` });
      return undefined;
    }
    return plain;
  };

  const name = text(ImportField.NAME);
  if (!name && !problems.length)
    problem(ImportField.NAME, { rule: 'required', message: 'The name is missing.' });
  const draft: CustomerDraft = {
    rowNumber: row.rowNumber,
    name: name ?? '',
    namePinyin: '',
    nameInitials: '',
    tags: [],
    storedValue: 0,
    storedValueBonus: 0,
    points: 0,
    punches: 0,
    allergies: [],
    conditions: [],
  };
  if (name) {
    const keys = pinyinKeys(name);
    draft.namePinyin = keys.full;
    draft.nameInitials = keys.initials;
  }
  const gender = text(ImportField.GENDER);
  if (gender) {
    draft.gender = genderOf(gender);
    if (!draft.gender)
      problem(ImportField.GENDER, { rule: 'choice', message: 'Write 女, 男, 其他 or 保密.' });
  }
  const phone = text(ImportField.PHONE);
  if (phone) {
    try {
      draft.phone = normalizePhone(phone);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problem(ImportField.PHONE, {
        rule: error.details.rule as BadInputRule,
        message: error.message.replace(/^phone /, 'The phone '),
      });
    }
  }
  const birthday = cells.get(ImportField.BIRTHDAY);
  if (birthday) {
    const date = dateOf(birthday.cell);
    if (!date)
      problem(ImportField.BIRTHDAY, {
        rule: 'format',
        message: 'Not a date: write 1990-03-05, 1990/3/5 or 1990年3月5日.',
      });
    else if (date > lookups.today)
      problem(ImportField.BIRTHDAY, { rule: 'notInFuture', message: 'The birthday is in the future.' });
    else if (date < '1900-01-01')
      problem(ImportField.BIRTHDAY, { rule: 'range', message: 'The birthday is before 1900.' });
    else draft.birthday = date;
  }
  draft.email = text(ImportField.EMAIL)?.toLowerCase();
  draft.address = text(ImportField.ADDRESS);
  draft.occupation = text(ImportField.OCCUPATION);
  draft.notes = text(ImportField.NOTES);
  draft.externalId = text(ImportField.CARD_NUMBER);
  const source = text(ImportField.SOURCE);
  if (source) Object.assign(draft, { source: sourceOf(source).source, sourceNote: sourceOf(source).note });
  const consultant = text(ImportField.CONSULTANT);
  if (consultant) {
    const id = lookups.consultants.get(consultant);
    if (id) draft.consultantId = id;
    else
      problem(ImportField.CONSULTANT, {
        rule: 'exists',
        message:
          id === null
            ? `Two active staff members are called ${consultant}: assign this customer after the import.`
            : `No active consultant, manager or owner is called ${consultant}.`,
      });
  }
  const tags = text(ImportField.TAGS);
  if (tags) {
    draft.tags = [...new Set(listOf(tags, true))];
    const long = draft.tags.find((tag) => [...tag].length > 30);
    const ruleBased = draft.tags.find((tag) => lookups.ruleTags.has(tag));
    if (long)
      problem(ImportField.TAGS, { rule: 'length', message: `Tag "${long}" is longer than 30 characters.` });
    else if (draft.tags.length > 30)
      problem(ImportField.TAGS, { rule: 'count', message: 'At most 30 tags.' });
    else if (ruleBased)
      problem(ImportField.TAGS, {
        rule: 'ruleBased',
        message: `"${ruleBased}" is a rule-based tag: it is computed, not imported.`,
      });
  }
  const amount = (field: ImportField, parse: (text: string) => number | undefined, unit: string) => {
    const value = text(field);
    if (value === undefined) return 0;
    const parsed = parse(value);
    if (parsed === undefined) problem(field, { rule: 'amount', message: `Not ${unit}.` });
    return parsed ?? 0;
  };
  draft.storedValue = amount(ImportField.STORED_VALUE, minorUnitsOf, 'an amount in 元 such as 1280.50');
  draft.storedValueBonus = amount(
    ImportField.STORED_VALUE_BONUS,
    minorUnitsOf,
    'an amount in 元 such as 100',
  );
  draft.points = amount(ImportField.POINTS, countOf, 'a whole number of points');
  draft.punches = amount(ImportField.PUNCHES_LEFT, countOf, 'a whole number of uses');
  const card = text(ImportField.PUNCH_CARD);
  if (card) {
    draft.punchCard = lookups.punchCards.get(card);
    if (!draft.punchCard)
      problem(ImportField.PUNCH_CARD, {
        rule: 'exists',
        message: `No active punch-card product is named or coded ${card}.`,
      });
  } else draft.punchCard = lookups.defaultPunchCard;
  if (draft.punches > 0 && !draft.punchCard && !card)
    problem(ImportField.PUNCHES_LEFT, {
      rule: 'pair',
      message: 'Remaining uses need the card they are of: a 卡项 column, or punchCardProductId for the file.',
    });
  draft.allergies = listOf(text(ImportField.ALLERGIES) ?? '');
  draft.conditions = listOf(text(ImportField.MEDICAL_HISTORY) ?? '');
  for (const [field, items] of [
    [ImportField.ALLERGIES, draft.allergies],
    [ImportField.MEDICAL_HISTORY, draft.conditions],
  ] as const) {
    if (items.some((item) => [...item].length > 100))
      problem(field, {
        rule: 'length',
        message: 'Each item at most 100 characters (separate items with ， or 、).',
      });
  }
  return { rowNumber: row.rowNumber, draft: problems.length ? undefined : draft, problems };
}

function headerOf(columns: ImportColumn[], field: ImportField): string {
  return columns.find((column) => column.field === field)?.header ?? field;
}

/** Whether the row carries health data (imported only with the import's health consent). */
export function hasHealthData(draft: CustomerDraft): boolean {
  return draft.allergies.length > 0 || draft.conditions.length > 0;
}
