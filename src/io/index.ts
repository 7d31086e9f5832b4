export { defineFunnel, parseCustomerAction, parseCustomerActions, parseDeal, parseFunnel, safeParseDeal, safeParseFunnel } from './parse.js';
export type { SafeParseResult } from './parse.js';
export { DEAL_LOST, DEAL_OPEN, DEAL_WON, DealTable } from './dealTable.js';
export type { DealColumns, DealHistoryColumns, DealTableColumnsOptions, DealTableRowsOptions } from './dealTable.js';
export { dealTableAsOf } from './dealTableAsOf.js';
export { groupDeals } from './groupDeals.js';
export type { DealGroupBy, DealGroups } from './groupDeals.js';
