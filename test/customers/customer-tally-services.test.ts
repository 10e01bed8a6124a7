import { describeCustomerTally } from './customer-tally.scenario';

// The customers page's counts through graphql-js and CustomerQueryService.
describeCustomerTally(false);
