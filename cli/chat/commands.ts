// The chat commands (SPEC §9): clients of the HTTP API and the WebSocket, with the token `login`
// saved or PRIZMAI_TOKEN; each module loads only when its command runs.
import type { Command } from 'commander';
import { withJsonFields } from '../json-fields.js';
import { lazyExport } from '../lazy.js';

export function addChatCommands(program: Command): void {
  const chat = (command: Command) =>
    command.option('--url <url>', 'the service (default: PRIZMAI_URL, else the local stack of the config)');
  const auth = () => import('../commands/chat-auth.js');
  const boards = () => import('../commands/chat-boards.js');
  const messages = () => import('../commands/chat-messages.js');

  chat(program.command('register <username>'))
    .description('create an account on the service and log in')
    .option('--password-stdin', 'read the password from standard input (else it is asked for)')
    .action(lazyExport(auth, (m) => m.register));
  chat(program.command('login <username>'))
    .description('log in and save the token (in a file only you can read)')
    .option('--password-stdin', 'read the password from standard input (else it is asked for)')
    .action(lazyExport(auth, (m) => m.login));
  chat(program.command('logout'))
    .description('revoke the saved token and forget it')
    .action(lazyExport(auth, (m) => m.logout));
  chat(program.command('whoami'))
    .description('the user the token belongs to')
    .action(lazyExport(auth, (m) => m.whoami));

  const boardsCommand = program.command('boards').description('boards you can see');
  withJsonFields(chat(boardsCommand.command('list')), 'boards')
    .description('list your boards')
    .action(lazyExport(boards, (m) => m.boardsList));
  chat(boardsCommand.command('create <name>'))
    .description('create a board (you own it); prints its id')
    .action(lazyExport(boards, (m) => m.boardsCreate));
  chat(boardsCommand.command('add-member <board> <username>'))
    .description('add a user to a board (by id or name)')
    .action(lazyExport(boards, (m) => m.boardsAddMember));

  const roomsCommand = program.command('rooms').description('chat rooms (an id, or board-name/room-name)');
  withJsonFields(chat(roomsCommand.command('list [board]')), 'rooms')
    .description('rooms you can see, on one board or all')
    .action(lazyExport(boards, (m) => m.roomsList));
  chat(roomsCommand.command('create <board> [name]'))
    .description('create a room (board-name/room-name, or a board and a name); prints its id')
    .option('--description <text>', 'what the room is for')
    .option('--members <usernames>', 'comma-separated board members to add')
    .action(lazyExport(boards, (m) => m.roomsCreate));
  chat(roomsCommand.command('join <room>'))
    .description('join a room of one of your boards')
    .action(lazyExport(boards, (m) => m.roomsJoin));
  chat(roomsCommand.command('leave <room>'))
    .description('leave a room')
    .action(lazyExport(boards, (m) => m.roomsLeave));

  chat(program.command('send <room> <text>'))
    .description('post a message to a room (text `-` reads it from standard input); prints its id')
    .action(lazyExport(messages, (m) => m.send));
  withJsonFields(chat(program.command('history <room>')), 'messages')
    .description('a page of a room’s messages, oldest first')
    .option('--limit <n>', 'how many (default 50, at most 100)')
    .option('--before <id>', 'only messages older than this id')
    .action(lazyExport(messages, (m) => m.history));

  chat(program.command('tail <room>'))
    .description('follow a room’s new messages over the WebSocket (the last 10 first); resumes after a drop')
    .option('--after <id>', 'start after this message id instead')
    .action(
      lazyExport(
        () => import('../commands/chat-tail.js'),
        (m) => m.tail,
      ),
    );

  const tasks = () => import('../commands/chat-tasks.js');
  const tasksCommand = program.command('tasks').description('tasks of a board');
  withJsonFields(chat(tasksCommand.command('list <board>')), 'tasks')
    .description('the tasks of a board (by id or name)')
    .action(lazyExport(tasks, (m) => m.tasksList));
  chat(tasksCommand.command('create <board> <title>'))
    .description('create a task; prints its id')
    .option('--assignee <username>', 'a board member to assign it to')
    .action(lazyExport(tasks, (m) => m.tasksCreate));
  chat(program.command('comment <task> <text>'))
    .description('comment on a task (text `-` reads it from standard input); prints its id')
    .action(lazyExport(tasks, (m) => m.comment));
  withJsonFields(chat(program.command('comments <task>')), 'comments')
    .description('a page of a task’s comments, oldest first')
    .option('--limit <n>', 'how many (default 50, at most 100)')
    .option('--before <id>', 'only comments older than this id')
    .action(lazyExport(tasks, (m) => m.comments));

  const notificationsCommand = withJsonFields(chat(program.command('notifications')), 'notifications')
    .description('your notifications, newest first (* = unread)')
    .option('--unread', 'only the unread ones')
    .action(lazyExport(messages, (m) => m.notifications));
  chat(notificationsCommand.command('read [id]'))
    .description('mark one notification read, or --all')
    .option('--all', 'mark every notification read')
    .action(lazyExport(messages, (m) => m.notificationsRead));
  chat(program.command('unread'))
    .description('unread messages and mentions per room')
    .action(lazyExport(messages, (m) => m.unread));
}
