import { Migration } from '@mikro-orm/migrations';

/** A migration's SQL for each dialect, as MikroORM's schema generator wrote it from the entities. */
export interface DialectStatements {
  sqlite: { up: string[]; down: string[] };
  postgresql: { up: string[]; down: string[] };
}

/** A migration that runs the statements of the database's dialect: one migration serves both. */
export abstract class DialectMigration extends Migration {
  protected abstract readonly statements: DialectStatements;

  private get dialect(): keyof DialectStatements {
    return this.getKnex().client.dialect === 'postgresql' ? 'postgresql' : 'sqlite';
  }

  override up(): void {
    for (const sql of this.statements[this.dialect].up) this.addSql(sql);
  }

  override down(): void {
    for (const sql of this.statements[this.dialect].down) this.addSql(sql);
  }
}
