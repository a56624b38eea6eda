// The fields `--json <fields>` offers (cli/json-fields.ts) are the fields the lists really have: the
// API's response schemas, and the status rows the supervisor prints; and argv is rewritten only where
// a word after --json is a field list.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { expandJsonFields, JSON_FIELDS } from '../../cli/json-fields.js';
import { toRow } from '../../cli/supervisor/rows.js';
import { Board, Comment, Message, Notification, Room, Task } from '../../service/routes/schemas.js';

const keys = (schema: { shape: object }) => Object.keys(schema.shape).sort();

describe('--json field lists', () => {
  it('match the API schemas and the status rows', () => {
    expect([...JSON_FIELDS.boards].sort()).toEqual(keys(Board));
    // rooms list adds the board's name to each room.
    expect([...JSON_FIELDS.rooms].sort()).toEqual([...keys(Room), 'board_name'].sort());
    expect([...JSON_FIELDS.tasks].sort()).toEqual(keys(Task));
    expect([...JSON_FIELDS.messages].sort()).toEqual(keys(Message));
    expect([...JSON_FIELDS.comments].sort()).toEqual(keys(Comment));
    expect([...JSON_FIELDS.notifications].sort()).toEqual(keys(Notification));
    const row = toRow({
      name: 'service',
      state: 'ready',
      pid: null,
      start_time: null,
      port: 1,
      started_at: null,
      restarts: 0,
      exit_code: null,
      signal: null,
      last_error: null,
      log_file: '',
    });
    expect([...JSON_FIELDS.status].sort()).toEqual(Object.keys(row).sort());
  });

  it('rewrites `--json a,b` and `--json=a`, never a command name nor anything after --', () => {
    // A program with the shapes that matter: commands, a subcommand, positional arguments.
    const program = new Command('prizmai');
    program.command('status');
    program.command('jobs').command('retry <queue>');
    program.command('history <room>');
    program.command('run <cmd...>');
    const argv = (...args: string[]) => expandJsonFields(['node', 'prizmai', ...args], program).slice(2);
    expect(argv('status', '--json', 'name,state')).toEqual(['status', '--json', '--json-fields', 'name,state']);
    expect(argv('status', '--json=name')).toEqual(['status', '--json', '--json-fields', 'name']);
    expect(argv('--json', 'status')).toEqual(['--json', 'status']);
    expect(argv('--json', 'jobs', 'retry', 'mentions')).toEqual(['--json', 'jobs', 'retry', 'mentions']);
    expect(argv('status', '--json')).toEqual(['status', '--json']);
    expect(argv('history', 'Acme/general', '--json', '--limit', '5')).toEqual([
      'history',
      'Acme/general',
      '--json',
      '--limit',
      '5',
    ]);
    expect(argv('run', '--', 'node', '--json', 'name')).toEqual(['run', '--', 'node', '--json', 'name']);
  });
});
