export * from './entities.js';
export { type Dialect, dialectOf, type OpenOptions, openDatabase } from './orm.js';
