#!/usr/bin/env node
import { Command } from 'commander';
import { addAdminCommand } from './admin-command.js';
import { addChatCommand } from './chat-command.js';
import { addListenCommand } from './listen-command.js';
import { addRegisterCommand } from './register-command.js';
import { addSendCommand } from './send-command.js';
import { addServerCommand } from './server-command.js';

const program = new Command('banter').description('Banter: a self-hosted chat server and its clients').version('0.1.0');
addServerCommand(program);
addChatCommand(program);
addSendCommand(program);
addListenCommand(program);
addAdminCommand(program);
addRegisterCommand(program);

await program.parseAsync();
