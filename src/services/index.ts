import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyService } from './access/api-key.service';
import { AppointmentQueryService } from './booking/appointment-query.service';
import { AppointmentStatusService } from './booking/appointment-status.service';
import { AvailabilityService } from './booking/availability.service';
import { BookingService } from './booking/booking.service';
import { OrganizationSettingsService } from './organization/organization-settings.service';
import { ProductService } from './catalogue/product.service';
import { RoomService } from './catalogue/room.service';
import { ServiceItemService } from './catalogue/service-item.service';
import { StaffProfileService } from './staff/staff-profile.service';
import { StaffScheduleService } from './staff/staff-schedule.service';
import { StockChangeService } from './catalogue/stock-change.service';
import { StockQueryService } from './catalogue/stock-query.service';
import type { AuditService } from './audit/audit.service';
import { AuthService } from './access/auth.service';
import { CheckoutService } from './membership/checkout.service';
import { CareTaskService } from './care/care-task.service';
import { CommunicationService } from './care/communication.service';
import { ComplaintService } from './care/complaint.service';
import { ContactPreferenceService } from './customers/contact-preference.service';
import { CareSettingsService } from './care/care-settings.service';
import { HealthConsentService } from './health/health-consent.service';
import { RuleTagService } from './segments/rule-tag.service';
import { SegmentService } from './segments/segment.service';
import { ReportService } from './reports/report.service';
import { CustomerImportService } from './imports/customer-import.service';
import { CustomReportService } from './reports/custom-report.service';
import { StatusTransitionService } from './reports/status-transitions.service';
import { MembershipTierService } from './membership/membership-tier.service';
import { AccountService } from './membership/account.service';
import { CardProductService } from './membership/card-product.service';
import { LedgerQueryService } from './membership/ledger-query.service';
import { LedgerReversalService } from './membership/ledger-reversal.service';
import { MembershipService } from './membership/membership.service';
import { ContraindicationTagService } from './catalogue/contraindication-tag.service';
import { CustomerService } from './customers/customer.service';
import { CustomerErasureService } from './customers/customer-erasure.service';
import { CustomerExportService } from './customers/customer-export.service';
import { CustomerRetentionService } from './customers/customer-erasure-retention';
import { CustomerQueryService } from './customers/customer-query.service';
import { CustomerMergeService } from './customers/customer-merge.service';
import { DuplicateCustomersService } from './customers/duplicate-customers.service';
import { CustomerExternalIdService } from './customers/customer-external-id.service';
import type { Loaders } from './read/loaders';
import { HealthService } from './health/health.service';
import { HealthAccessRequestService } from './health-access/health-access-request.service';
import { HealthAccessDecisionService } from './health-access/health-access-decision.service';
import { BreakGlassService } from './health-access/break-glass.service';
import type { TokenService } from './access/token.service';
import { VisitQueryService } from './visits/visit-query.service';
import { VisitRecordingService } from './visits/visit-recording.service';
import type { Viewer } from '../core/viewer';
import { ForbiddenError } from '../core/errors';

/** The services of one request, all bound to its EntityManager fork and viewer. */
export interface Services {
  auth: AuthService;
  customers: CustomerService;
  customerErasure: CustomerErasureService;
  customerExport: CustomerExportService;
  customerRetention: CustomerRetentionService;
  customerQueries: CustomerQueryService;
  customerMerge: CustomerMergeService;
  duplicateCustomers: DuplicateCustomersService;
  customerExternalIds: CustomerExternalIdService;
  health: HealthService;
  healthAccessRequests: HealthAccessRequestService;
  healthAccessDecisions: HealthAccessDecisionService;
  breakGlass: BreakGlassService;
  apiKeys: ApiKeyService;
  booking: BookingService;
  appointmentStatus: AppointmentStatusService;
  appointments: AppointmentQueryService;
  visits: VisitQueryService;
  availability: AvailabilityService;
  stock: StockQueryService;
  organizationSettings: OrganizationSettingsService;
  visitRecording: VisitRecordingService;
  contraindicationTags: ContraindicationTagService;
  serviceItems: ServiceItemService;
  rooms: RoomService;
  products: ProductService;
  stockChanges: StockChangeService;
  staffProfiles: StaffProfileService;
  staffSchedules: StaffScheduleService;
  cardProducts: CardProductService;
  membership: MembershipService;
  ledgerReversals: LedgerReversalService;
  ledgerQueries: LedgerQueryService;
  accounts: AccountService;
  membershipTiers: MembershipTierService;
  checkout: CheckoutService;
  careTasks: CareTaskService;
  communications: CommunicationService;
  complaints: ComplaintService;
  contactPreferences: ContactPreferenceService;
  careSettings: CareSettingsService;
  healthConsent: HealthConsentService;
  segments: SegmentService;
  ruleTags: RuleTagService;
  reports: ReportService;
  customerImports: CustomerImportService;
  customReports: CustomReportService;
  statusTransitions: StatusTransitionService;
}

export function createServices(
  em: EntityManager,
  viewer: Viewer | null,
  audit: AuditService,
  tokens: TokenService,
  loaders: Loaders,
): Services {
  const requireViewer = (): Viewer => {
    // The shield refuses anonymous callers first; this keeps services safe if a rule is ever missing.
    if (!viewer) throw new ForbiddenError('Authentication required.');
    return viewer;
  };
  const made = new Map<string, unknown>();
  /** Each service is built on first use and at most once per request. */
  const once = <T>(name: string, make: () => T): T => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name) as T;
  };
  /** Services that write: bound to the viewer and the request's audit trail. */
  const writer = <T>(
    name: string,
    Service: new (em: EntityManager, viewer: Viewer, audit: AuditService) => T,
  ) => once(name, () => new Service(em, requireViewer(), audit));
  return {
    auth: new AuthService(em, tokens, audit),
    get customers() {
      return writer('customers', CustomerService);
    },
    get customerErasure() {
      return writer('customerErasure', CustomerErasureService);
    },
    get customerExport() {
      return writer('customerExport', CustomerExportService);
    },
    get customerRetention() {
      return writer('customerRetention', CustomerRetentionService);
    },
    get customerQueries() {
      return once('customerQueries', () => new CustomerQueryService(em, requireViewer(), loaders));
    },
    get customerMerge() {
      return writer('customerMerge', CustomerMergeService);
    },
    get duplicateCustomers() {
      return once('duplicateCustomers', () => new DuplicateCustomersService(em, requireViewer()));
    },
    get customerExternalIds() {
      return once('customerExternalIds', () => new CustomerExternalIdService(em, requireViewer()));
    },
    get health() {
      return writer('health', HealthService);
    },
    get healthAccessRequests() {
      return writer('healthAccessRequests', HealthAccessRequestService);
    },
    get healthAccessDecisions() {
      return writer('healthAccessDecisions', HealthAccessDecisionService);
    },
    get breakGlass() {
      return writer('breakGlass', BreakGlassService);
    },
    get apiKeys() {
      return writer('apiKeys', ApiKeyService);
    },
    get booking() {
      return writer('booking', BookingService);
    },
    get appointmentStatus() {
      return writer('appointmentStatus', AppointmentStatusService);
    },
    get appointments() {
      return once('appointments', () => new AppointmentQueryService(em, requireViewer()));
    },
    get visits() {
      return once('visits', () => new VisitQueryService(em, requireViewer()));
    },
    get availability() {
      requireViewer();
      return once('availability', () => new AvailabilityService(em));
    },
    get stock() {
      requireViewer();
      return once('stock', () => new StockQueryService(em));
    },
    get organizationSettings() {
      return writer('organizationSettings', OrganizationSettingsService);
    },
    get visitRecording() {
      return writer('visitRecording', VisitRecordingService);
    },
    get contraindicationTags() {
      return writer('contraindicationTags', ContraindicationTagService);
    },
    get serviceItems() {
      return writer('serviceItems', ServiceItemService);
    },
    get rooms() {
      return writer('rooms', RoomService);
    },
    get products() {
      return writer('products', ProductService);
    },
    get stockChanges() {
      return writer('stockChanges', StockChangeService);
    },
    get staffProfiles() {
      return writer('staffProfiles', StaffProfileService);
    },
    get staffSchedules() {
      return writer('staffSchedules', StaffScheduleService);
    },
    get cardProducts() {
      return writer('cardProducts', CardProductService);
    },
    get membership() {
      return once('membership', () => new MembershipService(em, requireViewer()));
    },
    get ledgerReversals() {
      return once('ledgerReversals', () => new LedgerReversalService(em, requireViewer()));
    },
    get ledgerQueries() {
      return once('ledgerQueries', () => new LedgerQueryService(em, requireViewer()));
    },
    get accounts() {
      return writer('accounts', AccountService);
    },
    get membershipTiers() {
      return writer('membershipTiers', MembershipTierService);
    },
    get checkout() {
      return once('checkout', () => new CheckoutService(em, requireViewer()));
    },
    get careTasks() {
      return writer('careTasks', CareTaskService);
    },
    get communications() {
      return writer('communications', CommunicationService);
    },
    get complaints() {
      return writer('complaints', ComplaintService);
    },
    get contactPreferences() {
      return writer('contactPreferences', ContactPreferenceService);
    },
    get careSettings() {
      return writer('careSettings', CareSettingsService);
    },
    get healthConsent() {
      return writer('healthConsent', HealthConsentService);
    },
    get segments() {
      return writer('segments', SegmentService);
    },
    get ruleTags() {
      return writer('ruleTags', RuleTagService);
    },
    get customerImports() {
      return writer('customerImports', CustomerImportService);
    },
    get reports() {
      return once('reports', () => new ReportService(em, requireViewer(), loaders));
    },
    get customReports() {
      return once('customReports', () => new CustomReportService(em, requireViewer(), audit, loaders));
    },
    get statusTransitions() {
      return once('statusTransitions', () => new StatusTransitionService(em, requireViewer(), loaders));
    },
  };
}
