export { defineFunnel, parseCustomerAction, parseCustomerActions, parseDeal, parseFunnel, safeParseDeal, safeParseFunnel } from './parse.js';
export type { SafeParseResult } from './parse.js';
export { ActionLog } from './actionLog.js';
export type { ActionLogAccessors, ActionLogColumns, ActionPropertyColumn, ActionPropertyValue } from './actionLog.js';
