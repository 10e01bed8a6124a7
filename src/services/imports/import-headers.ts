import type { ImportColumn, ImportOptions } from '../../entities/imports/customer-import.entity';
import { ImportField } from '../../entities/imports/imports.enums';
import { BadInputError } from '../../core/errors';

/**
 * Headers a Chinese salon's spreadsheet uses for each field, and their English equivalents. Compared
 * after `headerKey` (no spaces, brackets or their content such as （元）, lower case), so 手机号码,
 * "储值余额(元)" and "Phone Number" all match.
 */
const HEADERS: Record<Exclude<ImportField, ImportField.IGNORE>, string[]> = {
  [ImportField.NAME]: [
    '姓名',
    '客户姓名',
    '顾客姓名',
    '会员姓名',
    '名字',
    'name',
    'fullname',
    'customername',
  ],
  [ImportField.GENDER]: ['性别', 'gender', 'sex'],
  [ImportField.PHONE]: [
    '手机',
    '手机号',
    '手机号码',
    '电话',
    '电话号码',
    '联系电话',
    '联系方式',
    'phone',
    'mobile',
    'phonenumber',
    'mobilephone',
    'tel',
  ],
  [ImportField.BIRTHDAY]: [
    '生日',
    '出生日期',
    '出生年月',
    '出生年月日',
    'birthday',
    'dateofbirth',
    'birthdate',
    'dob',
  ],
  [ImportField.EMAIL]: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail', 'mail'],
  [ImportField.ADDRESS]: ['地址', '住址', '联系地址', '家庭住址', 'address'],
  [ImportField.OCCUPATION]: ['职业', '工作', 'occupation', 'job'],
  [ImportField.SOURCE]: ['来源', '客户来源', '渠道', '来源渠道', 'source', 'channel'],
  [ImportField.CONSULTANT]: ['专属顾问', '顾问', '美容顾问', '服务顾问', '负责人', 'consultant', 'advisor'],
  [ImportField.TAGS]: ['标签', '客户标签', 'tags', 'tag', 'labels'],
  [ImportField.CARD_NUMBER]: [
    '会员卡号',
    '卡号',
    '会员号',
    '会员编号',
    'cardnumber',
    'membercard',
    'memberno',
    'externalid',
  ],
  [ImportField.STORED_VALUE]: [
    '储值余额',
    '储值',
    '余额',
    '卡内余额',
    '本金余额',
    '储值本金',
    'balance',
    'storedvalue',
  ],
  [ImportField.STORED_VALUE_BONUS]: ['赠送余额', '赠送金额', '赠金', 'bonus', 'bonusbalance'],
  [ImportField.POINTS]: ['积分', '剩余积分', '可用积分', 'points'],
  [ImportField.PUNCHES_LEFT]: [
    '剩余次数',
    '次数',
    '剩余',
    '卡内次数',
    'remaininguses',
    'usesleft',
    'punchesleft',
  ],
  [ImportField.PUNCH_CARD]: ['卡项', '卡名', '卡名称', '次卡', '疗程卡', '卡种', 'punchcard', 'cardproduct'],
  [ImportField.ALLERGIES]: ['过敏史', '过敏', '过敏源', '过敏情况', 'allergies', 'allergy'],
  [ImportField.MEDICAL_HISTORY]: ['既往病史', '病史', '疾病史', 'medicalhistory', 'conditions', 'history'],
  [ImportField.NOTES]: ['备注', '说明', '备忘', 'notes', 'note', 'remark', 'remarks', 'comment'],
};

const BY_HEADER = new Map<string, ImportField>(
  Object.entries(HEADERS).flatMap(([field, names]) =>
    names.map((name) => [headerKey(name), field as ImportField] as const),
  ),
);

/** A header as compared: no whitespace, no bracketed unit (（元）, (RMB)), no `*` of required marks. */
export function headerKey(header: string): string {
  return header
    .replace(/[（(【[][^）)】\]]*[）)】\]]/g, '')
    .replace(/[\s*＊:：_]/g, '')
    .toLowerCase();
}

/**
 * What each column fills: the caller's mapping first (by exact header), then the dictionary. A
 * column neither knows is unknown (field null): reported, not read. Refuses a mapping naming a
 * header the file lacks, two columns filling one field, and a file without a name column.
 */
export function resolveColumns(headers: string[], mapping: ImportOptions['mapping']): ImportColumn[] {
  const given = new Map(mapping.map(({ column, field }) => [column.trim(), field]));
  for (const column of given.keys())
    if (!headers.some((header) => header.trim() === column))
      throw new BadInputError('mapping', 'mapping', `The file has no column "${column}".`);
  const columns = headers.map((header, index) => ({
    index,
    header,
    field: given.get(header.trim()) ?? BY_HEADER.get(headerKey(header)) ?? null,
  }));
  const seen = new Map<ImportField, string>();
  for (const { header, field } of columns) {
    if (!field || field === ImportField.IGNORE) continue;
    const earlier = seen.get(field);
    if (earlier !== undefined)
      throw new BadInputError(
        'mapping',
        'mapping',
        `Columns "${earlier}" and "${header}" both fill ${field}: map one of them to another field or IGNORE.`,
      );
    seen.set(field, header);
  }
  if (!seen.has(ImportField.NAME))
    throw new BadInputError(
      'mapping',
      'mapping',
      'The file has no name column (姓名): map the column that holds the name to NAME.',
    );
  return columns;
}

/** Headers the file has that fill nothing (neither mapped nor known). */
export function unknownColumns(columns: ImportColumn[]): string[] {
  return columns
    .filter((column) => column.field === null && column.header.trim() !== '')
    .map((c) => c.header);
}
