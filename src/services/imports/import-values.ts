import { CustomerSource, Gender } from '../../entities/customers/customers.enums';
import type { Cell } from './import-source';

/** Cell parsers of the import: each answers the value, or undefined when the text is not one. */

const GENDERS: [RegExp, Gender][] = [
  [/^(女|女士|女性|f|female|woman)$/i, Gender.FEMALE],
  [/^(男|男士|先生|男性|m|male|man)$/i, Gender.MALE],
  [/^(其他|other)$/i, Gender.OTHER],
  [/^(保密|未知|不详|undisclosed|unknown)$/i, Gender.UNDISCLOSED],
];

export function genderOf(text: string): Gender | undefined {
  return GENDERS.find(([pattern]) => pattern.test(text))?.[1];
}

/** 来源 as salons write it; anything else is OTHER with the text kept as the source note. */
const SOURCES: [RegExp, CustomerSource][] = [
  [/介绍|推荐|转介|老带新|referr?al/i, CustomerSource.REFERRAL],
  [/网|线上|美团|点评|小红书|抖音|微信|公众号|小程序|online|internet/i, CustomerSource.ONLINE],
  [/活动|社区|展会|event/i, CustomerSource.COMMUNITY_EVENT],
  [/路过|进店|到店|自然|walk/i, CustomerSource.WALK_IN],
];

export function sourceOf(text: string): { source: CustomerSource; note?: string } {
  const known = SOURCES.find(([pattern]) => pattern.test(text))?.[1];
  return known ? { source: known, note: text } : { source: CustomerSource.OTHER, note: text };
}

/** A date as YYYY-MM-DD from a spreadsheet date, 1990-03-05, 1990/3/5, 1990.3.5, 1990年3月5日, 19900305. */
export function dateOf(cell: Cell): string | undefined {
  if (cell instanceof Date) {
    // Spreadsheet dates have no zone: exceljs gives them as UTC midnight.
    return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  }
  const match =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:0{2}(?::0{2})?)?$/.exec(cell) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(cell);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** An amount in 元 (¥1,000.50, 1000元) as integer 分; undefined for anything else or below zero. */
export function minorUnitsOf(text: string): number | undefined {
  const plain = text.replace(/[¥￥,，\s]|元|rmb|cny/gi, '');
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(plain);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A whole number of points or uses (1,200 and 5次 too); undefined for anything else. */
export function countOf(text: string): number | undefined {
  const plain = text.replace(/[,，\s]|次|分/g, '');
  if (!/^\d{1,9}$/.test(plain)) return undefined;
  return Number(plain);
}

/** Items of a list cell: separated by commas, 、, semicolons, slashes or bars; 无 / none is empty. */
export function listOf(text: string, spaceSeparates = false): string[] {
  const separators = spaceSeparates ? /[,，、;；|/\s]+/ : /[,，、;；|/]+/;
  return text
    .split(separators)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !/^(无|没有|暂无|否|none|no|n\/a|-+)$/i.test(item));
}

export function textOf(cell: Cell): string {
  return cell instanceof Date ? cell.toISOString().slice(0, 10) : cell;
}
