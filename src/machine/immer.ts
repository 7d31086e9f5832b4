import { Immer } from 'immer';

/**
 * The library's private immer instance (auto-freeze on). The host's global immer configuration is
 * never touched. @internal
 */
export const immer = new Immer({ autoFreeze: true });
