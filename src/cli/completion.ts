// Shell completion scripts (`oms completion bash|zsh|fish`), generated from
// the commander program itself so a new command or option is completed
// without anyone remembering to. Symbols and order ids come from the state
// at the moment of completion, through the hidden `oms __complete` command
// (given the --state of the line being completed).

import type { Command, Option } from 'commander';
import { HELP_TOPICS } from '../text/help-topics.js';

/** What a value is completed from. */
type Kind = 'symbols' | 'orders' | 'files' | 'none' | { words: string[] };

interface OptionSpec {
  flags: string[];
  description: string;
  value: Kind | undefined;
}

interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  args: Kind[];
}

const SIDES = ['buy', 'sell'];
const FILE_OPTIONS = new Set(['--state', '--output', '--rejects', '--token-file', '--salvage']);

function argumentKind(command: Command, name: string, choices: readonly string[] | undefined): Kind {
  if (choices) return { words: [...choices] };
  if (name === 'topic') return { words: [...Object.keys(HELP_TOPICS), ...(command.parent?.commands ?? []).map((sibling) => sibling.name())] };
  if (name === 'symbol') return 'symbols';
  if (name === 'side') return { words: SIDES };
  // `add` takes a new id: nothing to offer.
  if (name === 'orderId') return command.name() === 'add' ? 'none' : 'orders';
  if (name === 'file') return 'files';
  return 'none';
}

function optionSpec(option: Option): OptionSpec {
  const flags = [option.short, option.long].filter((flag): flag is string => flag !== undefined);
  if (!option.required && !option.optional) return { flags, description: option.description, value: undefined };
  const long = option.long ?? '';
  const value: Kind = option.argChoices
    ? { words: [...option.argChoices] }
    : FILE_OPTIONS.has(long)
      ? 'files'
      : long === '--symbol'
        ? 'symbols'
        : long === '--side'
          ? { words: SIDES }
          : 'none';
  return { flags, description: option.description, value };
}

function specOf(program: Command): { globals: OptionSpec[]; commands: CommandSpec[] } {
  const help = program.createHelp();
  const globals = help.visibleOptions(program).map(optionSpec);
  const commands = help.visibleCommands(program).map((command) => ({
    name: command.name(),
    description: command.description(),
    options: help.visibleOptions(command).map(optionSpec),
    args: command.registeredArguments.map((argument) => argumentKind(command, argument.name(), argument.argChoices)),
  }));
  return { globals, commands };
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
/** fish reads \' and \\ inside single quotes. */
const fishQuote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function bashWords(kind: Kind): string {
  if (kind === 'symbols') return 'COMPREPLY=($(compgen -W "$(_oms_dynamic symbols)" -- "$cur"))';
  if (kind === 'orders') return 'COMPREPLY=($(compgen -W "$(_oms_dynamic orders "$cur")" -- "$cur"))';
  if (kind === 'files') return 'COMPREPLY=($(compgen -f -- "$cur"))';
  if (kind === 'none') return 'COMPREPLY=()';
  return `COMPREPLY=($(compgen -W ${quote(kind.words.join(' '))} -- "$cur"))`;
}

export function bashScript(program: Command): string {
  const { globals, commands } = specOf(program);
  const all = [...globals, ...commands.flatMap((command) => command.options)];
  const valued = [...new Set(all.filter((option) => option.value !== undefined).flatMap((option) => option.flags))];
  const optionValues = [
    ...new Map(all.filter((option) => option.value !== undefined).map((option) => [option.flags.join('|'), option.value as Kind])).entries(),
  ].map(([flags, kind]) => `    ${flags}) ${bashWords(kind)}; return ;;`);
  const commandOptions = commands.map(
    (command) => `    ${command.name}) words=${quote(command.options.flatMap((option) => option.flags).join(' '))} ;;`,
  );
  const positionals = commands.flatMap((command) => command.args.map((kind, index) => `    ${command.name}:${index}) ${bashWords(kind)} ;;`));
  return `# oms completion for bash. Load it with:  eval "$(oms completion bash)"  (e.g. in ~/.bashrc)
_oms_dynamic() {
  oms "\${_oms_state[@]}" __complete "$@" 2>/dev/null
}
_oms() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local command="" position=0 i word words
  _oms_state=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --state) _oms_state=(--state "\${COMP_WORDS[i+1]}"); ((i++)) ;;
      ${valued.join('|')}) ((i++)) ;;
      -*) ;;
      *) if [[ -z $command ]]; then command="$word"; else ((position++)); fi ;;
    esac
  done
  case "$prev" in
${optionValues.join('\n')}
  esac
  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then words=${quote(globals.flatMap((option) => option.flags).join(' '))}; else words=${quote(commands.map((command) => command.name).join(' '))}; fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    case "$command" in
${commandOptions.join('\n')}
      *) words="" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  case "$command:$position" in
${positionals.join('\n')}
    *) COMPREPLY=() ;;
  esac
}
complete -F _oms oms
`;
}

export function zshScript(program: Command): string {
  return `# oms completion for zsh (through bash's). Load it with:  eval "$(oms completion zsh)"  (e.g. in ~/.zshrc)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(program).split('\n').slice(1).join('\n')}`;
}

function fishValue(kind: Kind): string {
  if (kind === 'symbols') return ` -r -f -a '(__oms_dynamic symbols)'`;
  if (kind === 'orders') return ` -r -f -a '(__oms_dynamic orders)'`;
  if (kind === 'files') return ' -r -F';
  if (kind === 'none') return ' -r -f';
  return ` -r -f -a ${fishQuote(kind.words.join(' '))}`;
}

function fishOption(option: OptionSpec, condition: string): string {
  const flags = option.flags.map((flag) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`)).join(' ');
  return `complete -c oms${condition} ${flags}${option.value === undefined ? '' : fishValue(option.value)} -d ${fishQuote(option.description)}`;
}

export function fishScript(program: Command): string {
  const { globals, commands } = specOf(program);
  const lines = [
    '# oms completion for fish. Load it with:  oms completion fish | source  (or save it as ~/.config/fish/completions/oms.fish)',
    'function __oms_dynamic',
    '  set -l words (commandline -opc)',
    '  set -l state',
    '  if set -l at (contains -i -- --state $words)',
    '    set state --state $words[(math $at + 1)]',
    '  end',
    '  oms $state __complete $argv 2>/dev/null',
    'end',
    'complete -c oms -f',
    ...commands.map((command) => `complete -c oms -n __fish_use_subcommand -a ${command.name} -d ${fishQuote(command.description)}`),
    ...globals.map((option) => fishOption(option, '')),
  ];
  for (const command of commands) {
    const condition = ` -n '__fish_seen_subcommand_from ${command.name}'`;
    lines.push(...command.options.map((option) => fishOption(option, condition)));
    // fish does not count positions: offer what any of the command's arguments takes.
    for (const kind of new Set(command.args.map((arg) => JSON.stringify(arg)))) {
      const parsed = JSON.parse(kind) as Kind;
      if (parsed === 'none') continue;
      const values = parsed === 'files' ? ' -F' : fishValue(parsed).replace(' -r -f', '');
      lines.push(`complete -c oms${condition}${values}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;
