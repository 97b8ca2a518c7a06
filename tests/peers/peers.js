#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Starts and stops the local AWS peers on free loopback ports, each behind a SigV4
// verifying front (verify-front.js):
//   dynamodb-local  AWS's DynamoDB Local (Java 17, -inMemory -sharedDb -disableTelemetry)
//   dynalite        DynamoDB on LevelDB, in memory
//   s3rver          S3 on a directory, the fixture buckets configured
//
//   node peers.js start --state-dir DIR [--servers dynamodb-local,dynalite,s3rver]
//                       [--manifest s3-manifest.json] [--bucket NAME]…
//   node peers.js stop  --state-dir DIR
//
// `start` returns once every server answers, leaving them running, and writes into DIR:
//   peers.json  the URLs (front and direct), PIDs and test credentials
//   peers.env   the same as shell variables (AF_PEER_DYNAMODB_LOCAL_URL=… ; `. DIR/peers.env`)
//   pids        every PID started, one a line; `stop` ends exactly these
//   *.log       each process's output
// Clients must go through the front URLs (AF_PEER_*_URL) and sign with AF_PEER_ACCESS_KEY_ID /
// AF_PEER_SECRET_ACCESS_KEY / AF_PEER_REGION. Fault injection: AF_FRONT_FAULT_* variables
// (see verify-front.js) reach every front; or POST to a front's /__af-front/faults.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const HERE = __dirname;
const EMULATOR_DIR = path.join(HERE, '.cache', 'dynamodb-local');
const DEFAULT_MANIFEST = path.join(HERE, '..', '..', 'data', 'demo', 's3-manifest.json');
const ALL_SERVERS = ['dynamodb-local', 'dynalite', 's3rver'];
const CREDENTIALS = {
  accessKeyId: process.env.AF_PEER_ACCESS_KEY_ID || 'AKIDAUDITFLOWTEST',
  secretAccessKey: process.env.AF_PEER_SECRET_ACCESS_KEY || 'auditflow/test+secret/KEY',
  region: process.env.AF_PEER_REGION || 'us-east-1',
};

function parseArguments(argv) {
  const options = { command: argv[2], stateDir: null, servers: ALL_SERVERS,
    manifest: DEFAULT_MANIFEST, buckets: [] };
  for (let i = 3; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (flag === '--state-dir') options.stateDir = path.resolve(value);
    else if (flag === '--servers') options.servers = value.split(',').filter(Boolean);
    else if (flag === '--manifest') options.manifest = value;
    else if (flag === '--bucket') options.buckets.push(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!['start', 'stop'].includes(options.command) || !options.stateDir)
    throw new Error('usage: peers.js start|stop --state-dir DIR [--servers a,b] [--manifest F] [--bucket B]');
  for (const server of options.servers)
    if (!ALL_SERVERS.includes(server))
      throw new Error(`unknown server ${server} (known: ${ALL_SERVERS.join(', ')})`);
  return options;
}

// A port nobody listens on right now (the server then binds it a moment later).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Any HTTP answer means the server is up; nothing here checks credentials.
function answers(url, serviceHeaders) {
  return new Promise((resolve) => {
    const request = http.request(url, { method: 'POST', headers: serviceHeaders, timeout: 2000 },
      (response) => { response.resume(); resolve(true); });
    request.on('error', () => resolve(false));
    request.on('timeout', () => { request.destroy(); resolve(false); });
    request.end('{}');
  });
}

async function waitFor(description, check, child, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${description} exited with ${child.exitCode} (see its log)`);
    if (await check())
      return;
    await sleep(150);
  }
  throw new Error(`${description} did not start within ${seconds} s`);
}

class Peers {
  constructor(options) {
    this.options = options;
    this.pids = [];
    this.state = { ...CREDENTIALS, servers: {} };
  }

  launch(name, command, args, cwd) {
    const log = fs.openSync(path.join(this.options.stateDir, `${name}.log`), 'a');
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref();
    this.pids.push(child.pid);
    fs.appendFileSync(path.join(this.options.stateDir, 'pids'), `${child.pid}\n`);
    return child;
  }

  buckets() {
    const names = new Set(this.options.buckets);
    if (this.options.manifest && fs.existsSync(this.options.manifest)) {
      const manifest = JSON.parse(fs.readFileSync(this.options.manifest, 'utf8'));
      for (const object of manifest.objects || [])
        names.add(object.bucket);
    }
    return [...names].sort();
  }

  async startServer(name, port) {
    const node = process.execPath;
    if (name === 'dynamodb-local') {
      if (!fs.existsSync(path.join(EMULATOR_DIR, 'DynamoDBLocal.jar')))
        throw new Error('DynamoDB Local is not installed: run tests/peers/install.sh');
      // -disableTelemetry always: without it the emulator tries to reach the internet.
      return this.launch(name, 'java', ['-Djava.library.path=./DynamoDBLocal_lib', '-jar',
        'DynamoDBLocal.jar', '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
      EMULATOR_DIR);
    }
    if (name === 'dynalite') {
      return this.launch(name, node, [path.join(HERE, 'node_modules', 'dynalite', 'cli.js'),
        '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0',
        '--deleteTableMs', '0', '--updateTableMs', '0'], HERE);
    }
    const data = path.join(this.options.stateDir, 's3-data');
    fs.mkdirSync(data, { recursive: true });
    const bucketArgs = this.buckets().flatMap((bucket) => ['--configure-bucket', bucket]);
    // Without the legacy provider a truncated ListObjectsV2 fails with 500 on Node 17+.
    return this.launch(name, node, ['--openssl-legacy-provider',
      path.join(HERE, 'node_modules', 's3rver', 'bin', 's3rver.js'), '-d', data,
      '-a', '127.0.0.1', '-p', String(port), '--silent', ...bucketArgs], HERE);
  }

  async startFront(name, service, directUrl) {
    const portFile = path.join(this.options.stateDir, `${name}-front.port`);
    fs.rmSync(portFile, { force: true });
    const child = this.launch(`${name}-front`, process.execPath, [path.join(HERE, 'verify-front.js'),
      '--service', service, '--target', directUrl, '--listen-port', '0', '--port-file', portFile,
      '--region', CREDENTIALS.region, '--access-key-id', CREDENTIALS.accessKeyId,
      '--secret-access-key', CREDENTIALS.secretAccessKey,
      // s3rver's own fixed key: it checks the signatures the front makes for it.
      ...(service === 's3' ? ['--forward-access-key-id', 'S3RVER',
        '--forward-secret-access-key', 'S3RVER'] : [])], HERE);
    await waitFor(`${name} front`, async () => fs.existsSync(portFile)
      && fs.readFileSync(portFile, 'utf8').trim() !== '', child, 20);
    return { child, url: `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}` };
  }

  async start(name) {
    const service = name === 's3rver' ? 's3' : 'dynamodb';
    const port = await freePort();
    const directUrl = `http://127.0.0.1:${port}`;
    const child = await this.startServer(name, port);
    const headers = service === 'dynamodb'
      ? { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }
      : {};
    await waitFor(name, () => answers(directUrl, headers), child, name === 'dynamodb-local' ? 90 : 30);
    const front = await this.startFront(name, service, directUrl);
    this.state.servers[name] = { service, url: front.url, directUrl, pid: child.pid,
      frontPid: front.child.pid };
  }

  writeState() {
    const dir = this.options.stateDir;
    fs.writeFileSync(path.join(dir, 'peers.json'), JSON.stringify(this.state, null, 2) + '\n');
    const lines = [`AF_PEER_ACCESS_KEY_ID='${CREDENTIALS.accessKeyId}'`,
      `AF_PEER_SECRET_ACCESS_KEY='${CREDENTIALS.secretAccessKey}'`,
      `AF_PEER_REGION='${CREDENTIALS.region}'`];
    for (const [name, server] of Object.entries(this.state.servers)) {
      const prefix = name === 's3rver' ? 'AF_PEER_S3' : `AF_PEER_${name.toUpperCase().replace(/-/g, '_')}`;
      lines.push(`${prefix}_URL='${server.url}'`, `${prefix}_DIRECT_URL='${server.directUrl}'`);
    }
    fs.writeFileSync(path.join(dir, 'peers.env'), lines.join('\n') + '\n');
  }
}

function stop(stateDir) {
  const file = path.join(stateDir, 'pids');
  if (!fs.existsSync(file))
    return Promise.resolve();
  const pids = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  for (const pid of pids)
    if (alive(pid))
      process.kill(pid, 'SIGTERM');
  return (async () => {
    for (let i = 0; i < 50 && pids.some(alive); i++)
      await sleep(100);
    for (const pid of pids.filter(alive))
      process.kill(pid, 'SIGKILL');
    fs.rmSync(file, { force: true });
  })();
}

async function main() {
  const options = parseArguments(process.argv);
  if (options.command === 'stop')
    return stop(options.stateDir);

  fs.mkdirSync(options.stateDir, { recursive: true });
  await stop(options.stateDir);
  const peers = new Peers(options);
  try {
    await Promise.all(options.servers.map((name) => peers.start(name)));
  } catch (error) {
    await stop(options.stateDir);
    throw error;
  }
  peers.writeState();
  for (const [name, server] of Object.entries(peers.state.servers))
    console.log(`${name}: ${server.url} (server ${server.directUrl})`);
}

main().catch((error) => {
  console.error(`peers.js: ${error.message}`);
  process.exit(1);
});
