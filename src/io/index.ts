export { defineFunnel, parseCustomerAction, parseCustomerActions, parseDeal, parseFunnel, safeParseDeal, safeParseFunnel } from './parse.js';
export type { SafeParseResult } from './parse.js';
