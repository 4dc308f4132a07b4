import type { Op } from '../../../protocol/index.js';
import { accountCommands } from './account-commands.js';
import { adminCommands } from './admin-commands.js';
import { chatCommands } from './chat-commands.js';
import type { CommandTable } from './command.js';

/** Every op of protocol v1 and who may run it; the compiler checks none is missing. */
export const COMMANDS: CommandTable<Op> = { ...accountCommands, ...chatCommands, ...adminCommands };
