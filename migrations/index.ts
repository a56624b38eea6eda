import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124000000Initial } from './Migration20261124000000Initial.js';
import { Migration20261202000000JobOutbox } from './Migration20261202000000JobOutbox.js';

// Listed explicitly (not globbed) so the built CLI finds them wherever it is installed.
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261124000000Initial', class: Migration20261124000000Initial },
  { name: 'Migration20261202000000JobOutbox', class: Migration20261202000000JobOutbox },
];
