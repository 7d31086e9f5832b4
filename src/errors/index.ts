export { FUNNEL_ERROR_CODES, FunnelError, isFunnelError } from './FunnelError.js';
export type { FunnelErrorCode, FunnelIssue, FunnelErrorOptions } from './FunnelError.js';
