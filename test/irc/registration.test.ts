import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD, adminClient, newUser, uniqueName } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';
import { ADMIN_PASSWORD } from '../helpers/server.js';
import { expectNothingBefore } from '../helpers/wait.js';

const plain = (authzid: string, authcid: string, password: string): string => Buffer.from(`${authzid}\0${authcid}\0${password}`).toString('base64');

describe('IRC gateway: connection registration', () => {
  const suite = ircSuite();

  it('logs in with PASS/NICK/USER: 001-005, MOTD, then JOIN #lobby with topic and names', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    const irc = await IrcTestClient.login(suite.port, name, PASSWORD);
    // login() waited for the end of the burst: check it in order.
    const order = irc.lines.map((l) => l.command).filter((c) => ['001', '002', '003', '004', '005', '376', 'JOIN', '366'].includes(c));
    assert.deepEqual([...new Set(order)], ['001', '002', '003', '004', '005', '376', 'JOIN', '366']);
    const welcome = irc.lines[0]!;
    assert.deepEqual([welcome.command, welcome.params[0]], ['001', name]);
    assert.match(welcome.params[1]!, new RegExp(`${name}!${name}@`));
    const isupport = irc.lines.filter((l) => l.command === '005').flatMap((l) => l.params.slice(1, -1));
    for (const token of ['CASEMAPPING=ascii', 'CHANTYPES=#', 'PREFIX=(o)@', 'UTF8ONLY', 'NETWORK=Banter']) assert.ok(isupport.includes(token), token);
    assert.equal(irc.lines.filter((l) => l.command === '005').at(-1)!.params.at(-1), 'are supported by this server');
    const join = irc.lines.find((l) => l.command === 'JOIN')!;
    assert.equal(join.source, `${name}!${name}@banter`);
    assert.deepEqual(join.params, ['#lobby']);
    assert.ok(irc.lines.some((l) => l.command === '332' && l.params[1] === '#lobby'));
    const names = irc.lines.filter((l) => l.command === '353').flatMap((l) => l.params[3]!.split(' '));
    assert.ok(names.includes(name), `${names.join(' ')} has ${name}`);
    // The lobby's online list on v1 shows the IRC user too (one user, two sessions).
    const who = await client.request('who', {});
    assert.ok(who.users.some((u) => u.user === name));
    const metrics = await (await fetch(`http://127.0.0.1:${suite.server.httpPort}/metrics`)).text();
    assert.match(metrics, /banter_connections\{transport="irc"\} [1-9]/);
    irc.close();
    client.close();
  });

  it('refuses a wrong password with 464 and ERROR, closes, and lets nothing in', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    const irc = await IrcTestClient.open(suite.port);
    irc.send('PASS not-the-password');
    irc.send(`NICK ${name}`);
    irc.send(`USER ${name} 0 * :x`);
    await irc.expectCommand('464', name);
    const error = await irc.expectCommand('ERROR');
    assert.match(error.params[0]!, /Closing Link/);
    await irc.waitClosed();
    assert.ok(!irc.lines.some((l) => l.command === '001'));
    const admin = await adminClient(suite.server.tcpPort);
    assert.ok(!(await admin.request('who', {})).users.some((u) => u.user === name), 'not online');
    admin.close();
  });

  it('refuses NICK+USER without any password (464), and a PASS sent after them', async () => {
    const irc = await IrcTestClient.open(suite.port);
    irc.send('NICK someone');
    irc.send('USER someone 0 * :x');
    irc.send(`PASS ${PASSWORD}`);
    await irc.expectCommand('464', 'someone');
    await irc.expectCommand('ERROR');
    await irc.waitClosed();
    assert.ok(!irc.lines.some((l) => l.command === '001'));
  });

  it('SASL PLAIN: CAP LS 302 offers sasl=PLAIN; AUTHENTICATE + then 900 and 903; registration waits for CAP END', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    const irc = await IrcTestClient.open(suite.port);
    irc.send('CAP LS 302');
    const ls = await irc.expectCommand('CAP', '*', 'LS');
    assert.ok(ls.params[2]!.split(' ').includes('sasl=PLAIN'), ls.raw);
    irc.send(`NICK ${name}`);
    irc.send(`USER ${name} 0 * :x`);
    irc.send('CAP REQ :sasl');
    await irc.expectCommand('CAP', name, 'ACK', 'sasl');
    irc.send('AUTHENTICATE PLAIN');
    await irc.expect((l) => l.command === 'AUTHENTICATE' && l.params[0] === '+');
    irc.send(`AUTHENTICATE ${plain('', name, PASSWORD)}`);
    const loggedIn = await irc.expectCommand('900');
    assert.equal(loggedIn.params[2], name);
    await irc.expectCommand('903');
    irc.send('PING :before-cap-end');
    await expectNothingBefore(irc.lines, { marker: (l) => l.command === 'PONG' && l.params[1] === 'before-cap-end', unwanted: (l) => l.command === '001', what: 'no welcome before CAP END' });
    irc.send('CAP END');
    await irc.expectCommand('001', name);
    await irc.expectCommand('366');
    irc.close();
  });

  it('SASL with a wrong password: 904, the connection stays and may try again; PLAIN split at 400 bytes works', async () => {
    const name = uniqueName('s');
    const longPassword = 'bar'.repeat(140);
    const reg = await newUser(suite.server.tcpPort);
    reg.client.close();
    const setup = await IrcTestClient.open(suite.port);
    setup.send(`REGISTER ${name} * ${longPassword}`);
    await setup.expect((l) => l.command === 'REGISTER' && l.params[0] === 'SUCCESS');
    setup.close();
    const irc = await IrcTestClient.open(suite.port);
    irc.send('CAP REQ :sasl');
    await irc.expectCommand('CAP', '*', 'ACK');
    irc.send('AUTHENTICATE PLAIN');
    await irc.expectCommand('AUTHENTICATE', '+');
    irc.send(`AUTHENTICATE ${plain(name, name, 'wrong-password')}`);
    await irc.expectCommand('904');
    assert.ok(!irc.closed);
    irc.send('AUTHENTICATE FOO');
    await irc.expectCommand('908', '*', 'PLAIN');
    await irc.expectCommand('904');
    irc.send('AUTHENTICATE PLAIN');
    await irc.expectCommand('AUTHENTICATE', '+');
    const payload = plain(name, name, longPassword);
    assert.ok(payload.length > 400);
    for (let i = 0; i < payload.length; i += 400) irc.send(`AUTHENTICATE ${payload.slice(i, i + 400)}`);
    if (payload.length % 400 === 0) irc.send('AUTHENTICATE +');
    await irc.expectCommand('900');
    await irc.expectCommand('903');
    irc.send(`NICK ${name}`);
    irc.send(`USER ${name} 0 * :x`);
    irc.send('CAP END');
    await irc.expectCommand('001', name);
    irc.close();
  });

  it('REGISTER (draft/account-registration) creates an account and logs in; refusals are FAIL REGISTER', async () => {
    const name = uniqueName('r');
    const irc = await IrcTestClient.open(suite.port);
    irc.send('CAP LS 302');
    const ls = await irc.expectCommand('CAP', '*', 'LS');
    assert.ok(ls.params[2]!.includes('draft/account-registration=before-connect'));
    irc.send(`NICK ${name}`);
    irc.send(`REGISTER * * short`);
    await irc.expectCommand('FAIL', 'REGISTER', 'WEAK_PASSWORD');
    irc.send(`REGISTER admin * some-password-1`);
    await irc.expectCommand('FAIL', 'REGISTER', 'ACCOUNT_EXISTS');
    irc.send(`REGISTER * * ${PASSWORD}`);
    await irc.expectCommand('900');
    await irc.expectCommand('REGISTER', 'SUCCESS', name);
    irc.send(`USER ${name} 0 * :x`);
    irc.send('CAP END');
    await irc.expectCommand('001', name);
    irc.close();
    // The account is a Banter account: a v1 client logs in with it.
    const again = await IrcTestClient.login(suite.port, name, PASSWORD);
    again.close();
  });

  it('follows the registration rules: 451 before it, 421 unknown, 461, 432, 462, PING/PONG, QUIT gets ERROR', async () => {
    const irc = await IrcTestClient.open(suite.port);
    irc.send('PRIVMSG #lobby :hi');
    await irc.expectCommand('451', '*');
    irc.send('FROBNICATE');
    await irc.expectCommand('421', '*', 'FROBNICATE');
    irc.send('PING');
    await irc.expectCommand('461', '*', 'PING');
    irc.send('PING :abc def');
    const pong = await irc.expectCommand('PONG');
    assert.equal(pong.params.at(-1), 'abc def');
    irc.send('NICK bad#nick');
    await irc.expectCommand('432', '*', 'bad#nick');
    irc.send('NICK');
    await irc.expectCommand('431');
    irc.send('NICK foo');
    irc.send('USER username * * :');
    await irc.expectCommand('461', 'foo', 'USER');
    irc.send('CAP LIST');
    const list = await irc.expectCommand('CAP', 'foo', 'LIST');
    assert.equal(list.params[2], '');
    irc.send('CAP REQ :sasl not-a-cap');
    await irc.expectCommand('CAP', 'foo', 'NAK', 'sasl not-a-cap');
    irc.send('CAP BOGUS');
    await irc.expectCommand('410', 'foo', 'BOGUS');
    irc.send('QUIT :leaving now');
    const error = await irc.expectCommand('ERROR');
    assert.match(error.params[0]!, /leaving now/);
    await irc.waitClosed();
  });

  it('CAP LS without a version lists names only; after registration PASS and USER get 462, NICK cannot change', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    const irc = await IrcTestClient.open(suite.port);
    irc.send('CAP LS');
    const ls = await irc.expectCommand('CAP', '*', 'LS');
    assert.ok(!ls.params[2]!.includes('='), ls.raw);
    irc.send('CAP END');
    irc.send(`PASS ${PASSWORD}`);
    irc.send(`NICK ${name.toUpperCase()}`);
    irc.send(`USER ${name} 0 * :x`);
    // The nick is the account's own spelling, whatever case was typed.
    await irc.expectCommand('001', name);
    irc.send(`PASS ${PASSWORD}`);
    await irc.expectCommand('462', name);
    irc.send('USER a b c :d');
    await irc.expectCommand('462', name);
    irc.send('NICK somebody_else');
    await irc.expectCommand('447', name);
    irc.close();
  });

  it('refuses a banned account with 465 and ERROR', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    const admin = await adminClient(suite.server.tcpPort);
    await admin.request('ban', { user: name, reason: 'spam' });
    client.close();
    const irc = await IrcTestClient.open(suite.port);
    irc.send(`PASS ${PASSWORD}`);
    irc.send(`NICK ${name}`);
    irc.send(`USER ${name} 0 * :x`);
    const refused = await irc.expectCommand('465', name);
    assert.match(refused.params[1]!, /spam/);
    await irc.expectCommand('ERROR');
    await irc.waitClosed();
    admin.close();
  });

  it('the administrator logs in too and shows as a channel operator', async () => {
    const irc = await IrcTestClient.login(suite.port, 'admin', ADMIN_PASSWORD);
    const names = irc.lines.filter((l) => l.command === '353').flatMap((l) => l.params[3]!.split(' '));
    assert.ok(names.includes('@admin'), names.join(' '));
    irc.close();
  });
});
