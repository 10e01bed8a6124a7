import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, THERAPIST, CONSULTANT } = Role;

/**
 * 员工绩效: the owner and managers read everyone's; a therapist or consultant reads the report too,
 * and the service narrows its rows to their own (ReportService.staffPerformance). Others read none.
 */
const staffReaders = grant.roles(OWNER, MANAGER, THERAPIST, CONSULTANT);

export const staffReportPolicy: PolicyMap = {
  Query: { staffPerformanceReport: staffReaders },
  StaffPerformanceReport: fieldsOf(
    ['from', 'to', 'timeZone', 'therapists', 'consultants', 'revenueAttributed'],
    staffReaders,
  ),
  TherapistPerformance: fieldsOf(
    [
      'staffId',
      'name',
      'servicesPerformed',
      'visits',
      'revenueAttributed',
      'averageSatisfaction',
      'customersServed',
      'customersRebooked',
      'rebookingRate',
      'complaints',
      'bookedMinutes',
      'workingMinutes',
      'utilisation',
    ],
    staffReaders,
  ),
  ConsultantPerformance: fieldsOf(['staffId', 'name', 'assignedCustomers', 'visits', 'spend'], staffReaders),
};
