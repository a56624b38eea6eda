// The fields `--json <fields>` offers (cli/json-fields.ts) are the fields the lists really have: the
// API's response schemas, and the status rows the supervisor prints; and argv is rewritten only where
// a word after --json is a field list.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { expandJsonFields, JSON_FIELDS, withJsonFields } from '../../cli/json-fields.js';
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

  it('rewrites `--json a,b` only on a list command, where the word reads as fields; never elsewhere', () => {
    // A program with the shapes that matter: list commands with and without positionals, a subcommand
    // of a list command, commands whose positional may follow --json, an option with a value.
    const program = new Command('prizmai').option('--json');
    withJsonFields(program.command('status'), 'status');
    const jobs = withJsonFields(program.command('jobs'), 'jobs');
    jobs.command('retry <queue>');
    const rooms = program.command('rooms');
    withJsonFields(rooms.command('list [board]').option('--url <url>'), 'rooms');
    withJsonFields(program.command('history <room>'), 'messages');
    program.command('send <room> <text>');
    program.command('stop [names...]');
    program.command('run <cmd...>');
    const argv = (...args: string[]) => expandJsonFields(['node', 'prizmai', ...args], program).slice(2);
    const fields = (...args: string[]) => ['--json', '--json-fields', ...args];
    expect(argv('status', '--json', 'name,state')).toEqual(['status', ...fields('name,state')]);
    expect(argv('status', '--json=name')).toEqual(['status', ...fields('name')]);
    // No positional on status: any word is a field list, and an unknown one is refused naming it.
    expect(argv('status', '--json', 'colour')).toEqual(['status', ...fields('colour')]);
    expect(argv('--json', 'status')).toEqual(['--json', 'status']);
    expect(argv('status', '--json')).toEqual(['status', '--json']);
    expect(argv('rooms', 'list', '--json', 'name')).toEqual(['rooms', 'list', ...fields('name')]);
    expect(argv('rooms', 'list', '--json', 'engineering')).toEqual(['rooms', 'list', '--json', 'engineering']);
    expect(argv('rooms', 'list', '--url', 'status', '--json', 'id,name')).toEqual([
      'rooms',
      'list',
      '--url',
      'status',
      ...fields('id,name'),
    ]);
    expect(argv('history', 'Acme/general', '--json', '--limit', '5')).toEqual([
      'history',
      'Acme/general',
      '--json',
      '--limit',
      '5',
    ]);
    // Not list commands: the word after --json is their argument, as it always was.
    expect(argv('send', '12', '--json', 'hello')).toEqual(['send', '12', '--json', 'hello']);
    expect(argv('jobs', 'retry', '--json', 'mentions')).toEqual(['jobs', 'retry', '--json', 'mentions']);
    expect(argv('stop', '--json', 'worker')).toEqual(['stop', '--json', 'worker']);
    expect(argv('run', '--', 'node', '--json', 'name')).toEqual(['run', '--', 'node', '--json', 'name']);
  });
});
