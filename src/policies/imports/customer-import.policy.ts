import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER } = Role;

/**
 * 建档导入: only the owner and managers bring an archive in (it creates customers, opening balances
 * and, under the consent they record, health records). The upload endpoint checks the same roles.
 * A row report names no values, so reading it needs no more than starting it.
 */
const importers = grant.roles(OWNER, MANAGER);

export const customerImportPolicy: PolicyMap = {
  Query: { customerImport: importers },
  Mutation: { startCustomerImport: importers },
  CustomerImport: fieldsOf(
    [
      'id',
      'fileName',
      'format',
      'sizeBytes',
      'sha256',
      'detectedEncoding',
      'status',
      'mode',
      'columns',
      'totalRows',
      'processedRows',
      'summary',
      'dryRunSummary',
      'healthConsent',
      'error',
      'createdAt',
      'startedAt',
      'finishedAt',
      'rows',
    ],
    importers,
  ),
  ImportColumn: fieldsOf(['index', 'header', 'field'], importers),
  ImportSummary: fieldsOf(
    [
      'totalRows',
      'ok',
      'errors',
      'duplicates',
      'healthSkipped',
      'created',
      'storedValue',
      'storedValueBonus',
      'points',
      'punches',
      'healthRecords',
      'unknownColumns',
    ],
    importers,
  ),
  ImportHealthConsent: fieldsOf(
    ['recordedByUserId', 'recordedAt', 'obtainedAt', 'method', 'note'],
    importers,
  ),
  ImportProblem: fieldsOf(['column', 'field', 'rule', 'message'], importers),
  CustomerImportRow: fieldsOf(
    [
      'rowNumber',
      'outcome',
      'problems',
      'duplicateReason',
      'duplicateOfCustomerId',
      'duplicateOfRow',
      'healthSkipped',
      'customerId',
    ],
    importers,
  ),
  CustomerImportRowConnection: fieldsOf(['edges', 'pageInfo', 'totalCount'], importers),
  CustomerImportRowEdge: fieldsOf(['cursor', 'node'], importers),
};
