/**
 * The two pages a front end builds from this API, as one GraphQL request each (bench/pages.bench.ts).
 * bench/floor-sql.ts builds the very same `data` in one SQL statement per page: a change here needs
 * the same change there, or the equality check before the timed runs fails.
 */

/** 客户列表: the newest 20 customers with what a list row shows (alerts, balance, last five visits). */
export const LIST_PAGE_QUERY = `query ListPage($after: String) { customers(first: 20, after: $after) { totalCount edges { node {
    id code name phone status hasHealthAlerts
    healthProfile { constitution notes allergies { substance severity } medicalHistory { condition } }
    accounts { kind balance { amount } }
    visits(first: 5) { edges { node { visitedAt satisfaction feedback
      lines { service { name } therapist { displayName } } } } } } } } }`;

/**
 * 客户360: one customer with every health section, wallets, tier, visits, appointments and contacts,
 * plus the customer's last 10 ledger entries and open care tasks. The schema has no ledger entries on
 * Account and no care tasks on Customer: both are root fields filtered by the customer.
 * Customer.appointments has no filter either; it lists latest start first, upcoming ones on top.
 */
export const CUSTOMER_360_QUERY = `query Customer360($id: ID!) {
  customer(id: $id) {
    id code name namePinyin gender birthday phone email occupation source
    status statusOverride visitCount lastVisitAt createdAt hasHealthAlerts
    lifetimeSpend { amount minorUnits currency }
    averageTicket { amount }
    preferences { serviceTypes productBrands scents noScent pressure dietaryRestrictions }
    tags { name color }
    healthProfile {
      constitution secondaryConstitutions
      lifestyle { sleepHours sleepQuality diet exercise smoking drinking note }
      skinProfile { type oiliness sensitivity concerns }
      currentComplaints wellnessGoals notes
      allergies { substance category severity reaction clinicalStatus recordedAt }
      specialConditions { kind description startsOn endsOn }
      medicalHistory { condition since status }
    }
    accounts { id kind name status balance { amount } principal { amount } bonus { amount } units }
    tier { name rank discountBasisPoints benefits }
    tierHistory { fromTier { name } toTier { name } reason createdAt }
    visits(first: 20) { totalCount edges { node { id visitedAt effect satisfaction feedback
      lines { position service { name } therapist { displayName } durationMinutes listPrice { amount } } } } }
    appointments(first: 10) { edges { node { id status startsAt endsAt
      items { position service { name } therapist { displayName } startsAt } } } }
    communications(first: 10) { totalCount edges { node {
      occurredAt channel summary followUpItems status owner { displayName } } } }
  }
  ledgerEntries(customerId: $id, first: 10) { edges { node {
    kind principalDelta { amount } bonusDelta { amount } unitsDelta principalAfter { amount } unitsAfter
    note createdAt } } }
  careTasks(filter: { customerId: $id }, first: 10) { totalCount edges { node {
    kind reason dueAt suggestedChannel owner { displayName } } } }
}`;

/** The JSON body of a POST /graphql. */
export function graphqlBody(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}
