import type { Op } from '../../../protocol/index.js';
import { accountCommands } from './account-commands.js';
import { adminCommands } from './admin-commands.js';
import { chatCommands } from './chat-commands.js';
import { fileCommands } from './file-commands.js';
import type { CommandTable } from './command.js';
import { messageCommands } from './message-commands.js';
import { roomCommands } from './room-commands.js';

/** Every op of the protocol and who may run it; the compiler checks none is missing. */
export const COMMANDS: CommandTable<Op> = { ...accountCommands, ...chatCommands, ...adminCommands, ...messageCommands, ...roomCommands, ...fileCommands };
