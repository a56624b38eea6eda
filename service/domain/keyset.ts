export type { PageRequest } from '../db/keyset.js';

/** History pages (SPEC §6): this many items unless asked, at most PAGE_MAX. */
export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 100;
