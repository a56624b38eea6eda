import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors.js';
import { printLine } from '../output.js';

// `prizmai completion bash|zsh|fish`: a completion script generated from the command table itself
// (commander's tree), so every command, subcommand and flag is in it, and nothing else: completing is a
// lookup in the shell, never a call back into Node.

/** What `start`, `stop`, `restart` and `logs` take: the stack's process names. */
const PROCESS_NAMES = ['redis', 'migrate', 'service', 'worker', 'beat'];
const TAKES_PROCESS_NAMES = new Set(['start', 'stop', 'restart', 'logs']);

interface Entry {
  /** The words after `prizmai` that name the command ('' for the program itself). */
  path: string;
  subcommands: string[];
  flags: string[];
  /** Words a positional argument may be (process names), besides subcommands. */
  values: string[];
}

function entries(command: Command, path = ''): Entry[] {
  const flags = command.options
    .filter((option) => !option.hidden)
    .flatMap((option) => [option.short, option.long].filter((f): f is string => !!f));
  const visible = command.commands.filter((sub) => sub.name() !== 'help');
  const own: Entry = {
    path,
    subcommands: visible.map((sub) => sub.name()),
    flags: [...flags, '--help'],
    values: TAKES_PROCESS_NAMES.has(path) ? PROCESS_NAMES : [],
  };
  return [own, ...visible.flatMap((sub) => entries(sub, path ? `${path} ${sub.name()}` : sub.name()))];
}

const quote = (words: string[]) => words.join(' ');

function bash(table: Entry[]): string {
  // Keys are the command's words after "prizmai" (bash refuses an empty key).
  const key = (e: Entry) => JSON.stringify(e.path ? `prizmai ${e.path}` : 'prizmai');
  const lines = table.map((e) => `  [${key(e)}]=${JSON.stringify(quote([...e.subcommands, ...e.values]))}`);
  const flags = table.map((e) => `  [${key(e)}]=${JSON.stringify(quote(e.flags))}`);
  return `# prizmai completion for bash: eval "$(prizmai completion bash)" (e.g. in ~/.bashrc)
declare -gA _prizmai_words=(
${lines.join('\n')}
)
declare -gA _prizmai_flags=(
${flags.join('\n')}
)
_prizmai() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="prizmai" word i
  # The longest run of words that names a command is where we are; flags and their values are skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    if [[ -n "\${_prizmai_words[$path $word]+set}" ]]; then path="$path $word"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "\${_prizmai_flags[$path]}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "\${_prizmai_words[$path]}" -- "$cur"))
  fi
}
complete -F _prizmai prizmai
`;
}

function zsh(table: Entry[]): string {
  // zsh runs the bash function through its bashcompinit layer: one definition of the table.
  return `# prizmai completion for zsh: eval "$(prizmai completion zsh)" (e.g. in ~/.zshrc)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(table).split('\n').slice(1).join('\n')}`;
}

function fish(table: Entry[]): string {
  const out = ['# prizmai completion for fish: prizmai completion fish > ~/.config/fish/completions/prizmai.fish'];
  out.push('complete -c prizmai -f');
  for (const entry of table) {
    const words = entry.path ? entry.path.split(' ') : [];
    // Fish's condition: exactly this command path seen so far, and no deeper subcommand yet.
    const seen = words.length ? `__fish_seen_subcommand_from ${words[words.length - 1]}` : '__fish_use_subcommand';
    const deeper = entry.subcommands.length ? `; and not __fish_seen_subcommand_from ${quote(entry.subcommands)}` : '';
    const condition = `'${seen}${words.length ? deeper : ''}'`;
    if (entry.subcommands.length || entry.values.length) {
      out.push(`complete -c prizmai -n ${condition} -a '${quote([...entry.subcommands, ...entry.values])}'`);
    }
    for (const flag of entry.flags) {
      const option = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      out.push(`complete -c prizmai -n ${condition} ${option}`);
    }
  }
  return `${out.join('\n')}\n`;
}

const SHELLS = { bash, zsh, fish } as const;

/** `prizmai completion <shell>`: prints the script. */
export async function run(shell: unknown, ...args: unknown[]): Promise<number> {
  const command = args[args.length - 1] as Command;
  const generate = SHELLS[String(shell) as keyof typeof SHELLS];
  if (!generate) {
    throw new CliError(`completion: expected bash, zsh or fish, got "${String(shell)}"`, ExitCode.usage);
  }
  let root = command;
  while (root.parent) root = root.parent;
  printLine(generate(entries(root)).trimEnd());
  return ExitCode.ok;
}
