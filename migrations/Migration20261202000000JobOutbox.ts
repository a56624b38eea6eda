import { DialectMigration, type DialectStatements } from "./dialect-migration.js";

// Generated from service/db/entities.ts (JobOutbox) by MikroORM's schema generator, once per dialect;
// the schema test checks the migrated database still matches the entities.
const statements: DialectStatements = {
  sqlite: {
    up: [
      "create table `job_outbox` (`id` integer not null primary key autoincrement, `job_id` text not null, `payload` text not null, `created_at` datetime not null);",
      "create unique index `job_outbox_job_id_unique` on `job_outbox` (`job_id`);",
    ],
    down: ["drop table if exists `job_outbox`;"],
  },
  postgresql: {
    up: [
      "create table \"job_outbox\" (\"id\" serial primary key, \"job_id\" varchar(200) not null, \"payload\" text not null, \"created_at\" timestamptz not null);",
      "alter table \"job_outbox\" add constraint \"job_outbox_job_id_unique\" unique (\"job_id\");",
    ],
    down: ["drop table if exists \"job_outbox\" cascade;"],
  },
};

export class Migration20261202000000JobOutbox extends DialectMigration {
  protected readonly statements = statements;
}
